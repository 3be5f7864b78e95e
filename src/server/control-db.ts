/**
 * @module server/control-db
 * The control database. Embedded by default: a cluster under `$WARD_HOME/control`, run like a
 * project's (service user, socket only), with three roles reached by peer authentication from
 * Ward's OS user, so no password exists at rest: `ward_admin` (superuser, bootstrap only),
 * `ward_owner` (owns the schema, runs migrations), `ward_app` (what Ward runs as: read/write on
 * its tables, read/append only on the audit log and each of its partitions; events are deleted
 * only by retention's owner function). `WARD_DATABASE_URL` (and optionally
 * `WARD_DATABASE_OWNER_URL` for migrations) points at an external PostgreSQL instead.
 */
import pg from 'pg';
import type { WardConfig } from '../config/index.js';
import {
  ADMIN_ROLE,
  accessRules,
  clusterExists,
  clusterLayout,
  createSupervisor,
  hardenedSettings,
  initCluster,
  type PgBinaries,
  type RunAs,
  startCluster,
  stopCluster,
  writeClusterFiles,
} from '../dataplane/local/index.js';
import { createDb, createPool, type Db, grantRuntimeRole, migrate, watchAvailability } from '../db/index.js';
import type { Logger } from '../lib/logger.js';
import type { OsUser } from '../lib/os-user.js';

export const OWNER_ROLE = 'ward_owner';
export const APP_ROLE = 'ward_app';
export const CONTROL_DATABASE = 'ward';

export interface ControlDatabase {
  app: Db;
  owner: Db;
  appPool: pg.Pool;
  /** The migrations this start applied. */
  applied: string[];
  /** Where the embedded cluster listens (undefined for an external database). */
  socketDir?: string;
  /** Health of the embedded cluster's postmaster. */
  health(): ReturnType<ReturnType<typeof createSupervisor>['health']>;
  /** Whether the database answered its last probe (db/availability). */
  available(): boolean;
  close(): Promise<void>;
}

async function bootstrapRoles(socketDir: string): Promise<void> {
  const admin = new pg.Client({ host: socketDir, user: ADMIN_ROLE, database: 'postgres' });
  await admin.connect();
  try {
    for (const role of [OWNER_ROLE, APP_ROLE]) {
      const exists = await admin.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [role]);
      if (exists.rowCount === 0)
        await admin.query(`CREATE ROLE ${role} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE`);
    }
    const db = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [CONTROL_DATABASE]);
    if (db.rowCount === 0) await admin.query(`CREATE DATABASE ${CONTROL_DATABASE} OWNER ${OWNER_ROLE}`);
    await admin.query(`REVOKE ALL ON DATABASE ${CONTROL_DATABASE}, postgres, template1 FROM PUBLIC`);
    await admin.query(`GRANT CONNECT ON DATABASE ${CONTROL_DATABASE} TO ${APP_ROLE}`);
  } finally {
    await admin.end();
  }
}

export async function openControlDatabase(
  config: WardConfig,
  deps: { root: string; bin: PgBinaries; runAs: RunAs; wardUser: OsUser; log: Logger },
): Promise<ControlDatabase> {
  const supervisor = createSupervisor({
    onRestart: (_id, reason) => deps.log.error({ reason }, 'control database stopped; restarting it'),
  });
  let appConn: pg.PoolConfig;
  let ownerConn: pg.PoolConfig;
  let socketDir: string | undefined;
  if (config.database_url) {
    appConn = { connectionString: config.database_url };
    ownerConn = { connectionString: config.database_owner_url ?? config.database_url };
  } else {
    const layout = clusterLayout(deps.root);
    if (!(await clusterExists(layout))) await initCluster(deps.bin, deps.runAs, layout);
    await writeClusterFiles(deps.runAs, layout, {
      settings: { ...hardenedSettings(layout), max_connections: 200, shared_buffers: '256MB' },
      ...accessRules(deps.wardUser, [ADMIN_ROLE, OWNER_ROLE, APP_ROLE]),
    });
    await supervisor.manage(
      'control',
      () => startCluster(deps.bin, deps.runAs, layout),
      (h) => stopCluster(h),
    );
    await bootstrapRoles(layout.socketDir);
    socketDir = layout.socketDir;
    appConn = { host: layout.socketDir, user: APP_ROLE, database: CONTROL_DATABASE };
    ownerConn = { host: layout.socketDir, user: OWNER_ROLE, database: CONTROL_DATABASE };
  }

  const ownerPool = createPool({ connection: ownerConn, max: 2, applicationName: 'ward-migrate' });
  const appPool = createPool({ connection: appConn, max: 20, applicationName: 'ward' });
  const owner = createDb(ownerPool);
  const app = createDb(appPool);
  let applied: string[];
  try {
    applied = await migrate(owner);
    if (applied.length) deps.log.info({ applied }, 'migrations applied');
    const { rows } = await appPool.query<{ app: string; owner: string }>(
      'SELECT current_user AS app, (SELECT tableowner FROM pg_tables WHERE schemaname = $1 AND tablename = $2) AS owner',
      ['ward', 'audit_events'],
    );
    const appRole = rows[0]?.app ?? APP_ROLE;
    if (appRole === rows[0]?.owner) {
      deps.log.warn(
        { role: appRole },
        'Ward runs as the owner of its tables, so the audit log is append-only by trigger alone and Ward could delete from it; set WARD_DATABASE_OWNER_URL to a separate owner role',
      );
    } else {
      await grantRuntimeRole(owner, appRole);
    }
  } catch (err) {
    await app.destroy();
    await owner.destroy();
    await supervisor.stopAll();
    throw err;
  }

  const availability = watchAvailability(appConn, deps.log.child({ component: 'control-db' }));
  return {
    app,
    owner,
    appPool,
    /** The migrations this start applied. */
    applied,
    socketDir,
    health: () => supervisor.health('control'),
    available: availability.available,
    async close() {
      await availability.stop();
      await app.destroy();
      await owner.destroy();
      await supervisor.stopAll();
    },
  };
}
