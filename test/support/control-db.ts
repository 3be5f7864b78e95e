/**
 * Ward's control database as tests reach it: a connection as one of its three roles, a
 * superuser's client for what Ward's own roles may not do, and the middle tier between a unit
 * test and a whole Ward: the control cluster with its roles and migrations, and the services
 * every domain is built on (audit, keys, signing, checkpoints), started the way `startWard`
 * starts them but without HTTP, the data plane, the gateway or any background job.
 */
import { copyFile, mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll } from 'vitest';
import {
  type AuditService,
  type Checkpointer,
  createAuditService,
  createCheckpointer,
  sealerFor,
} from '../../src/audit/index.js';
import { loadConfig } from '../../src/config/config.js';
import { findPgBinaries } from '../../src/dataplane/local/binaries.js';
import { MIGRATIONS_DIR, migrate } from '../../src/db/migrate.js';
import { createDb, createPool, type Db } from '../../src/db/pool.js';
import {
  createFileKeystore,
  createKeyService,
  createRootKeystores,
  type KeyService,
} from '../../src/keys/index.js';
import { createLogger } from '../../src/lib/logger.js';
import { currentUser, isRoot, serviceUser } from '../../src/lib/os-user.js';
import { loadSigner, type Signer } from '../../src/lib/signing.js';
import { openControlDatabase } from '../../src/server/control-db.js';
import { prepareHome } from '../../src/server/home.js';

export type ControlRole = 'ward_admin' | 'ward_owner' | 'ward_app';

/** When the checkpointer checkpoints unasked (Ward's `audit.checkpoint_every_*` settings). */
type CheckpointPolicy = Parameters<typeof createCheckpointer>[0]['policy'];

/** Whatever has a $WARD_HOME with a control cluster in it: a `TestWard` or a `ControlDb`. */
export interface HasControlDb {
  readonly home: string;
}

/** The control database under `of.home`, through its socket, as `role` (peer authentication). */
export function controlConnection(of: HasControlDb, role: ControlRole = 'ward_admin'): pg.ClientConfig {
  return { host: join(of.home, 'control', 'run'), user: role, database: 'ward' };
}

/**
 * Runs `fn` with a client of the control database as its superuser (ward_admin): to read any
 * table, take a grant away, or damage the audit log. With `replica`, the session fires no
 * triggers, so the append-only guard does not stop it.
 */
export async function superuser<T>(
  of: HasControlDb,
  fn: (c: pg.Client) => Promise<T>,
  opts: { replica?: boolean } = {},
): Promise<T> {
  const c = new pg.Client(controlConnection(of));
  await c.connect();
  try {
    if (opts.replica) await c.query('SET session_replication_role = replica');
    return await fn(c);
  } finally {
    await c.end();
  }
}

/** A real control database and the core services on it; see the module comment. */
export interface ControlDb {
  /** Its $WARD_HOME: `control/` (the cluster) and `keys/` (keystore root key, signing key). */
  home: string;
  /** The pool Ward's services use, as ward_app. */
  db: Db;
  audit: AuditService;
  keys: KeyService;
  signer: Signer;
  /** Checkpoints on request only: its timer is never started. */
  checkpointer: Checkpointer;
  stop(): Promise<void>;
}

/**
 * Starts a control cluster in a new $WARD_HOME under /tmp, applies the migrations, and builds
 * the audit, key and checkpoint services on it as `startWard` does (`checkpoints` as Ward's
 * `audit.checkpoint_every_*` settings would).
 */
export async function startControlDb(opts: { checkpoints?: CheckpointPolicy } = {}): Promise<ControlDb> {
  const root = await mkdtemp(join(tmpdir(), 'ward-c-'));
  const config = loadConfig({ WARD_HOME: root }, { log_level: 'warn' });
  const log = createLogger('warn');
  const service = await serviceUser(config.service_user);
  const home = await prepareHome(config.home, service);
  const control = await openControlDatabase(config, {
    root: home.control,
    bin: await findPgBinaries(config.pg_bin),
    runAs: { user: service, switching: isRoot() && service.uid !== 0 },
    wardUser: await currentUser(),
    log,
  });
  const db = control.app;
  const signer = await loadSigner(home.keys);
  const sealer = sealerFor(signer);
  const audit = createAuditService({ db, sealer });
  const keys = createKeyService({
    db,
    roots: createRootKeystores(await createFileKeystore(home.keys)),
    audit,
  });
  const checkpointer = createCheckpointer({
    db,
    signer,
    sealer,
    audit,
    log,
    policy: opts.checkpoints ?? {
      everyEvents: config.audit.checkpoint_every_events,
      everyMs: config.audit.checkpoint_every_seconds * 1000,
    },
  });
  return {
    home: root,
    db,
    audit,
    keys,
    signer,
    checkpointer,
    async stop() {
      await audit.drain();
      await control.close();
      await rm(root, { recursive: true, force: true });
    },
  };
}

/**
 * `startControlDb` before the suite's tests and stopped after them. The fields are read inside
 * tests (or hooks), once it has started.
 */
export function useControlDb(opts: { checkpoints?: CheckpointPolicy } = {}): ControlDb {
  let c: ControlDb | undefined;
  beforeAll(async () => {
    c = await startControlDb(opts);
  });
  afterAll(() => c?.stop());
  const started = (): ControlDb => {
    if (!c) throw new Error('the control database is reached only inside a test');
    return c;
  };
  return {
    get home() {
      return started().home;
    },
    get db() {
      return started().db;
    },
    get audit() {
      return started().audit;
    },
    get keys() {
      return started().keys;
    },
    get signer() {
      return started().signer;
    },
    get checkpointer() {
      return started().checkpointer;
    },
    stop: () => started().stop(),
  };
}

/**
 * For a suite that needs only a real PostgreSQL: a control database started before the suite's
 * tests and stopped after them, and a client of it as its superuser (ward_admin).
 */
export function useControlClient(): { readonly client: pg.Client } {
  let control: ControlDb | undefined;
  let client: pg.Client | undefined;
  beforeAll(async () => {
    control = await startControlDb();
    client = new pg.Client(controlConnection(control));
    await client.connect();
  });
  afterAll(async () => {
    await client?.end();
    await control?.stop();
  });
  return {
    get client(): pg.Client {
      if (!client) throw new Error('the control database is reached only inside a test');
      return client;
    },
  };
}

/** A database of its own on a control cluster, its schema as Ward left it at an older migration. */
export interface OldDatabase {
  /** As ward_owner (migrations) and as ward_app (Ward at run time). */
  owner: Db;
  app: Db;
  /** The migrations applied, the last one last. */
  applied: string[];
  close(): Promise<void>;
}

/**
 * Creates database `name` on `control` and applies the migrations up to `last` (its four digits)
 * as ward_owner: an installation as an older Ward left it, for an upgrade test to upgrade in place
 * with `migrate(owner)`.
 */
export async function databaseAt(control: ControlDb, name: string, last: string): Promise<OldDatabase> {
  await superuser(control, (c) => c.query(`CREATE DATABASE ${name} OWNER ward_owner`));
  const work = await mkdtemp(join(tmpdir(), `${name}-`));
  const old = join(work, 'migrations');
  await mkdir(old);
  for (const f of await readdir(MIGRATIONS_DIR))
    if (f.endsWith('.sql') && f.slice(0, 4) <= last) await copyFile(join(MIGRATIONS_DIR, f), join(old, f));
  const pool = (user: ControlRole, max: number) =>
    createDb(
      createPool({
        connection: { ...controlConnection(control, user), database: name },
        max,
        applicationName: `${name}-${user}`,
      }),
    );
  const owner = pool('ward_owner', 2);
  const app = pool('ward_app', 4);
  const applied = await migrate(owner, old);
  return {
    owner,
    app,
    applied,
    async close() {
      await app.destroy();
      await owner.destroy();
      await rm(work, { recursive: true, force: true });
    },
  };
}
