/**
 * @module db/migrate
 * Applies the SQL files in ./migrations (NNNN_name.sql, in order, each once) with Kysely's
 * Migrator, which holds a lock so that several Ward processes starting at once apply each file
 * once. Runs as the owner role; afterwards grants the runtime role exactly what it may do.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Kysely, type Migration, Migrator, sql } from 'kysely';
import { WARD_SCHEMA } from './pool.js';

export const MIGRATIONS_DIR = fileURLToPath(new URL('./migrations', import.meta.url));

/** Tables the runtime role may only read and append to: no UPDATE, DELETE or TRUNCATE. */
export const APPEND_ONLY_TABLES = ['audit_events', 'audit_checkpoints', 'destruction_certificates'] as const;
/** Tables the runtime role may only read: retention (owner rights) alone writes them. */
export const READ_ONLY_TABLES = ['audit_anchors'] as const;
/** Functions that run with the owner's rights and that the runtime role may call. */
export const OWNER_FUNCTIONS = ['audit_ensure_partitions(int)', 'audit_purge(text, int)'] as const;

async function sqlMigrations(dir: string): Promise<Record<string, Migration>> {
  const files = (await readdir(dir)).filter((f) => /^\d{4}_[a-z0-9_]+\.sql$/.test(f)).sort();
  const out: Record<string, Migration> = {};
  for (const file of files) {
    const text = await readFile(join(dir, file), 'utf8');
    out[file.replace(/\.sql$/, '')] = {
      up: async (db) => {
        await sql.raw(text).execute(db);
      },
    };
  }
  return out;
}

// biome-ignore lint/suspicious/noExplicitAny: the migrator works on any database shape
export async function migrate(owner: Kysely<any>, dir = MIGRATIONS_DIR): Promise<string[]> {
  await sql`CREATE SCHEMA IF NOT EXISTS ${sql.id(WARD_SCHEMA)}`.execute(owner);
  const migrations = await sqlMigrations(dir);
  const migrator = new Migrator({
    db: owner,
    provider: { getMigrations: async () => migrations },
    migrationTableSchema: WARD_SCHEMA,
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName;
    throw new Error(`migration ${failed ?? '(unknown)'} failed: ${(error as Error).message}`);
  }
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

/**
 * The runtime role gets read/write on Ward's tables, read/append on the audit tables, and nothing
 * on the migration bookkeeping. Safe to run on every start.
 */
// biome-ignore lint/suspicious/noExplicitAny: works on any database shape
export async function grantRuntimeRole(owner: Kysely<any>, appRole: string): Promise<void> {
  const app = sql.id(appRole);
  const schema = sql.id(WARD_SCHEMA);
  await sql`GRANT USAGE ON SCHEMA ${schema} TO ${app}`.execute(owner);
  await sql`GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA ${schema} TO ${app}`.execute(owner);
  await sql`GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA ${schema} TO ${app}`.execute(owner);
  await sql`REVOKE ALL ON ${schema}.kysely_migration, ${schema}.kysely_migration_lock FROM ${app}`.execute(
    owner,
  );
  for (const table of APPEND_ONLY_TABLES) {
    await sql`REVOKE UPDATE, DELETE, TRUNCATE ON ${sql.id(WARD_SCHEMA, table)} FROM ${app}`.execute(owner);
  }
  for (const table of READ_ONLY_TABLES) {
    await sql`REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON ${sql.id(WARD_SCHEMA, table)} FROM ${app}`.execute(
      owner,
    );
  }
  for (const fn of OWNER_FUNCTIONS) {
    await sql`GRANT EXECUTE ON FUNCTION ${sql.raw(`${WARD_SCHEMA}.${fn}`)} TO ${app}`.execute(owner);
  }
}
