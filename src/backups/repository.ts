/**
 * @module backups/repository
 * Each project's pgBackRest repository: `$WARD_HOME/backups/repos/<project>`, or `<prefix>/<project>`
 * in an S3 bucket (backups/storage), one stanza named after the project, encrypted (aes-256-cbc)
 * with a random 64-character passphrase made for it.
 * The passphrase is sealed with the project's key (keys module) and only ever opened in Ward's
 * memory, to be handed to pgBackRest in its environment. Destroying the project's key
 * (crypto-shredding) therefore makes every backup of the project unreadable for good.
 */
import { rm } from 'node:fs/promises';
import type { DataPlaneProvider } from '../dataplane/index.js';
import type { Db } from '../db/index.js';
import { KeyDestroyedError, type KeyService } from '../keys/index.js';
import { conflict } from '../lib/errors.js';
import { randomSecret } from '../lib/secrets.js';
import * as store from './backups.store.js';
import { parseInfo } from './pgbackrest/info.js';
import type { PgBackRest, StanzaTarget } from './pgbackrest/pgbackrest.js';
import { describeLocation, locationOf, locator, type RepositoryStorage } from './storage.js';

export interface ProjectRef {
  id: string;
  org_id: string;
  name: string;
}

const aad = (projectId: string) => `ward-backup-passphrase:${projectId}`;

export function createRepositories(deps: {
  db: Db;
  keys: KeyService;
  storage: RepositoryStorage;
  pgbackrest: PgBackRest;
  dataplane: Pick<DataPlaneProvider, 'layout' | 'adminConnection'>;
}) {
  const { db, keys, storage, pgbackrest } = deps;
  const here = locator(storage);
  const stanzas = new Map<string, Promise<void>>();

  /** The repository passphrase, made (and sealed) on first use, in the storage set now. */
  async function passphrase(p: ProjectRef): Promise<string> {
    let row = await store.findRepository(db, p.id);
    if (!row) {
      const sealed = await keys.encrypt(
        { type: 'project', projectId: p.id, orgId: p.org_id },
        randomSecret(48),
        aad(p.id),
      );
      await store.insertRepository(db, { project_id: p.id, org_id: p.org_id, sealed, storage: here });
      row = await store.findRepository(db, p.id);
    }
    if (!row?.cipher_pass_sealed)
      throw conflict(`the backups of '${p.name}' were deleted with the project; there is nothing to restore`);
    if (row.storage !== here)
      throw conflict(
        `the backups of '${p.name}' are in ${row.storage === 'local' ? "the Ward server's disk" : row.storage}, but Ward is set to keep backups in ${here === 'local' ? 'its disk' : here}; ask the operator to set backups.repository in ward.yaml back to where they are`,
      );
    try {
      return (await keys.decrypt(row.cipher_pass_sealed, aad(p.id))).toString('utf8');
    } catch (err) {
      if (err instanceof KeyDestroyedError)
        throw conflict(
          `the backups of '${p.name}' cannot be read: ${err.message.replace(/^the key/, "the project's key")}. They cannot be restored`,
        );
      throw err;
    }
  }

  /** Where pgBackRest finds a project's cluster, and how it connects to it. */
  function pgOf(projectId: string, data = deps.dataplane.layout(projectId).data) {
    const admin = deps.dataplane.adminConnection(projectId, 'postgres');
    return { data, socketDir: admin.host, port: admin.port, user: admin.user };
  }

  /** What pgBackRest needs for this project's repository (and its running cluster, with `cluster`). */
  async function target(p: ProjectRef, cluster = true): Promise<StanzaTarget> {
    return {
      projectId: p.id,
      repository: locationOf(storage, p.id),
      passphrase: await passphrase(p),
      ...(cluster ? { pg: pgOf(p.id) } : {}),
    };
  }

  /** Creates the stanza once (idempotent in pgBackRest too); the cluster must be running. */
  function ensureStanza(p: ProjectRef): Promise<void> {
    const running = stanzas.get(p.id);
    if (running) return running;
    const work = (async () => {
      const row = await store.findRepository(db, p.id);
      if (row?.stanza_created_at) return;
      await pgbackrest.run(await target(p), 'stanza-create');
      await store.markStanzaCreated(db, p.id);
    })().finally(() => stanzas.delete(p.id));
    stanzas.set(p.id, work);
    return work;
  }

  /** Reads the repository's backups (oldest first). */
  async function backups(p: ProjectRef) {
    const out = await pgbackrest.run(await target(p, false), 'info', ['--output=json']);
    return parseInfo(out).backups;
  }

  /**
   * Removes a repository's files (its project is gone) and forgets the passphrase. In S3 that is
   * pgBackRest's stanza-delete, which reads no encrypted file: it works after the project's key
   * was shredded, and for a stanza that was never made.
   */
  async function remove(projectId: string): Promise<void> {
    const repository = locationOf(storage, projectId);
    if (storage.type === 'local') await rm(repository.path, { recursive: true, force: true });
    else {
      const t: StanzaTarget = {
        projectId,
        repository,
        passphrase: 'stanza-delete-reads-no-encrypted-file',
        // stanza-delete insists on a data directory; --force says the cluster is gone.
        pg: {
          ...pgOf(projectId, `/nonexistent/ward-deleted-project/${projectId}`),
          socketDir: '/nonexistent',
        },
      };
      await pgbackrest.run(t, 'stop');
      await pgbackrest.run(t, 'stanza-delete', ['--force']);
    }
    await store.markRepositoryDeleted(db, projectId);
    await store.removeCatalog(db, projectId);
  }

  /** Where a project's repository is (or will be), for people. */
  async function describe(projectId: string): Promise<{ type: 'local' | 's3'; location: string }> {
    const recorded = (await store.findRepository(db, projectId))?.storage ?? here;
    if (recorded === here) return describeLocation(locationOf(storage, projectId));
    // Made where the setting no longer points: its place as recorded, unreachable until it does.
    return recorded === 'local'
      ? { type: 'local', location: "the Ward server's disk" }
      : { type: 's3', location: recorded };
  }

  return { here, passphrase, target, ensureStanza, backups, remove, describe };
}

export type Repositories = ReturnType<typeof createRepositories>;
