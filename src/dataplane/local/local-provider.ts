/**
 * @module dataplane/local/local-provider
 * The local data plane: each project is its own cluster under `$WARD_HOME/projects/<id>`, run as
 * the service user, supervised by Ward, reachable only through its Unix socket.
 */
import { access } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import pg from 'pg';
import type { OsUser } from '../../lib/os-user.js';
import { type AdminConnection, APP_DATABASE, type ClusterSpec, type DataPlaneProvider } from '../provider.js';
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
}

async function pgauditInstalled(bin: PgBinaries): Promise<boolean> {
  return access(join(dirname(bin.dir), 'lib', 'pgaudit.so')).then(
    () => true,
    () => false,
  );
}

export function createLocalProvider(deps: LocalProviderDeps): DataPlaneProvider {
  const { bin, runAs, supervisor } = deps;
  const layoutOf = (id: string): ClusterLayout => clusterLayout(join(deps.projectsDir, id));
  const pgaudit = pgauditInstalled(bin);

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
      const layout = layoutOf(spec.id);
      try {
        await removeCluster(layout); // a half-made directory from an interrupted attempt
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
        await removeCluster(layout);
        throw err;
      }
    },

    async start(spec) {
      if (!(await clusterExists(layoutOf(spec.id)))) {
        throw new Error(`the data directory of project ${spec.id} is missing (${layoutOf(spec.id).data})`);
      }
      await run(spec);
    },

    stop: (id) => supervisor.stop(id),

    async destroy(id) {
      await supervisor.stop(id);
      await removeCluster(layoutOf(id));
    },

    exists: (id) => clusterExists(layoutOf(id)),
    health: (id) => supervisor.health(id),
    adminConnection,
    stopAll: () => supervisor.stopAll(),
    layout: layoutOf,
    clusterUser: clusterUser(runAs),
    pgTool: (tool, args, opts) => runPgTool(bin, runAs, tool, args, opts),
    scratchCluster: (id) => createScratchCluster(deps, id, layoutOf(id)),
  };
}
