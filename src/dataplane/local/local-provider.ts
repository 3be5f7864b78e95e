/**
 * @module dataplane/local/local-provider
 * The local data plane: each project is its own cluster under `$WARD_HOME/projects/<id>`, or,
 * encrypted at rest, under `$WARD_HOME/encrypted/<id>` (fscrypt, its own key: fscrypt/), run as
 * the service user, supervised by Ward, reachable only through its Unix socket. An encrypted
 * directory is unlocked just before its cluster starts and locked once it stops.
 */
import { access } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import pg from 'pg';
import type { OsUser } from '../../lib/os-user.js';
import {
  type AdminConnection,
  APP_DATABASE,
  type ClusterSpec,
  type DataPlaneProvider,
  type DiskEncryption,
} from '../provider.js';
import type { PgBinaries } from './binaries.js';
import {
  ADMIN_ROLE,
  type ClusterLayout,
  clusterExists,
  clusterLayout,
  initCluster,
  PG_PORT,
  removeCluster,
  startCluster,
  stopCluster,
  writeClusterFiles,
} from './cluster.js';
import type { EncryptedDirs } from './fscrypt/encrypted-dirs.js';
import { accessRules, archiveSettings, hardenedSettings, pgauditSettings } from './hardening.js';
import { runPgTool } from './pg-tool.js';
import { clusterUser, type RunAs } from './run-as.js';
import { createScratchCluster } from './scratch.js';
import type { Supervisor } from './supervisor.js';

export interface LocalProviderDeps {
  projectsDir: string;
  bin: PgBinaries;
  runAs: RunAs;
  /** The OS user Ward itself runs as: the only one peer authentication lets in as ward_admin. */
  wardUser: OsUser;
  supervisor: Supervisor;
  /** PostgreSQL's archive_command for a project (backups/wal); no WAL archiving without it. */
  archiveCommand?: (id: string) => string;
  /** Encrypted cluster directories; without it every cluster is unencrypted. */
  encrypted?: EncryptedDirs;
  /** Says what Ward did that the operator should know (encryption wanted but not possible). */
  warn?: (msg: string, fields: Record<string, unknown>) => void;
}

async function pgauditInstalled(bin: PgBinaries): Promise<boolean> {
  return access(join(dirname(bin.dir), 'lib', 'pgaudit.so')).then(
    () => true,
    () => false,
  );
}

export function createLocalProvider(deps: LocalProviderDeps): DataPlaneProvider {
  const { bin, runAs, supervisor, encrypted } = deps;
  const layoutOf = (id: string): ClusterLayout =>
    clusterLayout(encrypted?.has(id) ? encrypted.rootOf(id) : join(deps.projectsDir, id));
  const pgaudit = pgauditInstalled(bin);

  /**
   * Removes what `id` had and makes its empty root, encrypted as `encryption` says (under the key
   * of project `keyOwner`): `fscrypt` fails where the kernel cannot, `auto` falls back to none.
   */
  async function freshRoot(id: string, encryption: DiskEncryption, keyOwner = id): Promise<ClusterLayout> {
    await lock(id);
    await removeCluster(layoutOf(id));
    await removeCluster(clusterLayout(join(deps.projectsDir, id)));
    if (encryption !== 'none') {
      const support = encrypted
        ? await encrypted.support()
        : { ok: false, reason: 'this Ward has no encrypted volume' };
      if (support.ok && encrypted) return clusterLayout(await encrypted.make(id, keyOwner));
      const reason = support.ok ? 'this Ward has no encrypted volume' : support.reason;
      if (encryption === 'fscrypt')
        throw new Error(`its region requires storage encryption (fscrypt), but ${reason}`);
      deps.warn?.('a cluster is created unencrypted: fscrypt is not available', { cluster: id, reason });
    }
    return layoutOf(id);
  }

  async function lock(id: string) {
    await encrypted?.lock(id);
  }

  async function configure(spec: ClusterSpec, layout: ClusterLayout) {
    const audit = spec.hipaa && (await pgaudit);
    await writeClusterFiles(runAs, layout, {
      settings: {
        ...hardenedSettings(layout),
        ...(deps.archiveCommand ? archiveSettings(deps.archiveCommand(spec.id)) : {}),
        ...(audit ? pgauditSettings() : {}),
      },
      ...accessRules(deps.wardUser),
    });
  }

  async function run(spec: ClusterSpec) {
    const layout = layoutOf(spec.id);
    await configure(spec, layout);
    await supervisor.manage(
      spec.id,
      () => startCluster(bin, runAs, layout),
      (h) => stopCluster(h),
    );
  }

  function adminConnection(id: string, database = APP_DATABASE): AdminConnection {
    return { host: layoutOf(id).socketDir, port: PG_PORT, user: ADMIN_ROLE, database };
  }

  async function admin<T>(id: string, database: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
    const client = new pg.Client(adminConnection(id, database));
    await client.connect();
    try {
      return await fn(client);
    } finally {
      await client.end();
    }
  }

  return {
    kind: 'local',

    async provision(spec) {
      // A half-made directory from an interrupted attempt goes first.
      const layout = await freshRoot(spec.id, spec.encryption ?? 'none');
      try {
        await initCluster(bin, runAs, layout);
        await run(spec);
        await admin(spec.id, 'postgres', async (c) => {
          if (spec.hipaa && (await pgaudit)) await c.query('CREATE EXTENSION IF NOT EXISTS pgaudit');
          // Nobody but Ward's administrative role may connect or create objects until Ward
          // grants it from a person's project role.
          await c.query('REVOKE ALL ON DATABASE postgres, template1 FROM PUBLIC');
          await c.query(`CREATE DATABASE ${APP_DATABASE}`);
          await c.query(`REVOKE ALL ON DATABASE ${APP_DATABASE} FROM PUBLIC`);
        });
        await admin(spec.id, APP_DATABASE, async (c) => {
          await c.query('REVOKE ALL ON SCHEMA public FROM PUBLIC');
          if (spec.hipaa && (await pgaudit)) await c.query('CREATE EXTENSION IF NOT EXISTS pgaudit');
        });
      } catch (err) {
        await supervisor.stop(spec.id).catch(() => undefined);
        await lock(spec.id).catch(() => undefined);
        await removeCluster(layout);
        throw err;
      }
    },

    async start(spec) {
      await encrypted?.unlock(spec.id);
      if (!(await clusterExists(layoutOf(spec.id)))) {
        throw new Error(`the data directory of project ${spec.id} is missing (${layoutOf(spec.id).data})`);
      }
      await run(spec);
    },

    async stop(id) {
      await supervisor.stop(id);
      await lock(id);
    },

    async destroy(id) {
      await supervisor.stop(id);
      await lock(id);
      await removeCluster(layoutOf(id));
    },

    exists: (id) => clusterExists(layoutOf(id)),
    health: (id) => supervisor.health(id),
    adminConnection,
    async stopAll() {
      const ids = supervisor.ids();
      await supervisor.stopAll();
      for (const id of ids)
        await lock(id).catch((err) => deps.warn?.('locking failed', { id, err: `${err}` }));
      await encrypted?.close();
    },
    layout: layoutOf,
    clusterUser: clusterUser(runAs),
    pgTool: (tool, args, opts) => runPgTool(bin, runAs, tool, args, opts),
    async scratchCluster(id, opts = {}) {
      const layout = await freshRoot(id, opts.encryption ?? 'none', opts.keyOwner);
      const base = opts.hipaa && (await pgaudit) ? pgauditSettings() : {};
      return createScratchCluster(deps, id, layout, base, async () => {
        await lock(id);
        await removeCluster(layout);
      });
    },
    diskEncryption: async (id) =>
      encrypted?.has(id)
        ? encrypted.describe(id)
        : { kind: 'none', detail: `its directory ${layoutOf(id).root} is not encrypted by Ward` },
    encryptionSupport: async () =>
      encrypted ? encrypted.support() : { ok: false, reason: 'this Ward has no encrypted volume' },
  };
}
