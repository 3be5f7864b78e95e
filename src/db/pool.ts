/**
 * @module db/pool
 * The control database connection: a pg pool wrapped by Kysely, with Ward's schema first on the
 * search path. `Db` is what services take; `Tx` is a Db inside a transaction.
 */
import { Kysely, PostgresDialect, type Transaction } from 'kysely';
import pg from 'pg';
import { preparingPool } from './prepared-pool.js';
import type { DB } from './schema.js';

export const WARD_SCHEMA = 'ward';

export type Db = Kysely<DB>;
export type Tx = Transaction<DB>;

// int8 (bigint) arrives as a string unless asked otherwise; seq and counts fit in a JS number.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));
// A `date` is a calendar day, not an instant: keep 'YYYY-MM-DD' rather than a local-midnight Date.
pg.types.setTypeParser(pg.types.builtins.DATE, (v) => v);

export interface PoolOptions {
  connection: pg.PoolConfig;
  max?: number;
  applicationName: string;
}

export function createPool(opts: PoolOptions): pg.Pool {
  const pool = new pg.Pool({
    ...opts.connection,
    max: opts.max ?? 20,
    application_name: opts.applicationName,
    options: `-c search_path=${WARD_SCHEMA}`,
    idleTimeoutMillis: 30_000,
    connectionTimeoutMillis: 10_000,
  });
  // A client that loses its server (a restart, a fast shutdown's 57P01, the network) must not
  // crash the process. Idle, the pool discards it and the next checkout connects again. Checked
  // out (inside a transaction, between two queries), node-postgres emits 'error' on the client
  // itself, and pg-pool listens only while the client is idle: this listener keeps that from
  // being an uncaught exception; the holder's next query fails, and the pool drops the broken
  // client when it is released.
  pool.on('error', () => undefined);
  pool.on('connect', (client) => client.on('error', () => undefined));
  return pool;
}

export function createDb(pool: pg.Pool): Db {
  return new Kysely<DB>({ dialect: new PostgresDialect({ pool: preparingPool(pool) }) });
}

/** Runs `fn` in one transaction; the transaction is the only handle `fn` may use. */
export function inTransaction<T>(db: Db, fn: (tx: Tx) => Promise<T>): Promise<T> {
  return db.transaction().execute(fn);
}
