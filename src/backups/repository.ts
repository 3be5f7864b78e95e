/**
 * @module backups/repository
 * Each project's pgBackRest repository: `$WARD_HOME/backups/repos/<project>`, one stanza named
 * after the project, encrypted (aes-256-cbc) with a random 64-character passphrase made for it.
 * The passphrase is sealed with the project's key (keys module) and only ever opened in Ward's
 * memory, to be handed to pgBackRest in its environment. Destroying the project's key
 * (crypto-shredding) therefore makes every backup of the project unreadable for good.
 */
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { clusterLayout } from '../dataplane/local/cluster.js';
import type { Db } from '../db/pool.js';
import { KeyDestroyedError, type KeyService } from '../keys/keys.service.js';
import { conflict } from '../lib/errors.js';
import { randomSecret } from '../lib/secrets.js';
import * as store from './backups.store.js';
import type { BackupPaths } from './paths.js';
import { parseInfo } from './pgbackrest/info.js';
import type { PgBackRest, StanzaTarget } from './pgbackrest/pgbackrest.js';

export interface ProjectRef {
  id: string;
  org_id: string;
  name: string;
}

const aad = (projectId: string) => `ward-backup-passphrase:${projectId}`;

export function createRepositories(deps: {
  db: Db;
  keys: KeyService;
  paths: BackupPaths;
  pgbackrest: PgBackRest;
  projectsDir: string;
}) {
  const { db, keys, paths, pgbackrest } = deps;
  const stanzas = new Map<string, Promise<void>>();

  /** The repository passphrase, made (and sealed) on first use. */
  async function passphrase(p: ProjectRef): Promise<string> {
    let row = await store.findRepository(db, p.id);
    if (!row) {
      const sealed = await keys.encrypt(
        { type: 'project', projectId: p.id, orgId: p.org_id },
        randomSecret(48),
        aad(p.id),
      );
      await store.insertRepository(db, { project_id: p.id, org_id: p.org_id, sealed });
      row = await store.findRepository(db, p.id);
    }
    if (!row?.cipher_pass_sealed)
      throw conflict(`the backups of '${p.name}' were deleted with the project; there is nothing to restore`);
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

  /** What pgBackRest needs for this project's repository (and its running cluster, with `cluster`). */
  async function target(p: ProjectRef, cluster = true): Promise<StanzaTarget> {
    const layout = clusterLayout(join(deps.projectsDir, p.id));
    return {
      projectId: p.id,
      repoPath: paths.repoOf(p.id),
      passphrase: await passphrase(p),
      ...(cluster ? { pg: { data: layout.data, socketDir: layout.socketDir } } : {}),
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

  /** Removes a repository's files (its project is gone) and forgets the passphrase. */
  async function remove(projectId: string): Promise<void> {
    await rm(paths.repoOf(projectId), { recursive: true, force: true });
    await store.markRepositoryDeleted(db, projectId);
    await store.removeCatalog(db, projectId);
  }

  return { passphrase, target, ensureStanza, backups, remove };
}

export type Repositories = ReturnType<typeof createRepositories>;
