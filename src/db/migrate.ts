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

/**
 * Tables the runtime role may only read and append to: no UPDATE, DELETE or TRUNCATE, on the
 * table or any partition of it (each partition carries its parent's privileges, migration 0060).
 */
export const APPEND_ONLY_TABLES = [
  'audit_events',
  'audit_batches',
  'audit_checkpoints',
  'audit_cosignatures',
  'destruction_certificates',
  'compliance_reports',
  'subject_index',
  'incident_timeline',
  'incident_packets',
] as const;
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
 * The runtime role gets read/write on Ward's tables, read/append (or read) on the audit tables and
 * on every partition of one, and nothing on the migration bookkeeping. One transaction, so the
 * runtime role never holds, even for a moment, what the broad grant gives and the revokes take
 * back; one start at a time. Safe to run on every start.
 */
// biome-ignore lint/suspicious/noExplicitAny: works on any database shape
export async function grantRuntimeRole(owner: Kysely<any>, appRole: string): Promise<void> {
  const app = sql.id(appRole);
  const schema = sql.id(WARD_SCHEMA);
  await owner.transaction().execute(async (tx) => {
    await sql`SELECT pg_advisory_xact_lock(hashtext('ward.grant_runtime_role'))`.execute(tx);
    await sql`GRANT USAGE ON SCHEMA ${schema} TO ${app}`.execute(tx);
    await sql`GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA ${schema} TO ${app}`.execute(tx);
    await sql`GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA ${schema} TO ${app}`.execute(tx);
    await sql`REVOKE ALL ON ${schema}.kysely_migration, ${schema}.kysely_migration_lock FROM ${app}`.execute(
      tx,
    );
    // ALL TABLES reaches partitions too, so each audit table's partitions lose what it loses.
    for (const table of APPEND_ONLY_TABLES) {
      for (const rel of await withPartitions(tx, table)) {
        await sql`REVOKE UPDATE, DELETE, TRUNCATE ON ${rel} FROM ${app}`.execute(tx);
      }
    }
    for (const table of READ_ONLY_TABLES) {
      for (const rel of await withPartitions(tx, table)) {
        await sql`REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON ${rel} FROM ${app}`.execute(tx);
      }
    }
    for (const fn of OWNER_FUNCTIONS) {
      await sql`GRANT EXECUTE ON FUNCTION ${sql.raw(`${WARD_SCHEMA}.${fn}`)} TO ${app}`.execute(tx);
    }
  });
}

/** A table of Ward's schema and every partition under it, at any depth (pg_inherits). */
// biome-ignore lint/suspicious/noExplicitAny: works on any database shape
async function withPartitions(db: Kysely<any>, table: string) {
  const { rows } = await sql<{ schema: string; name: string }>`
    WITH RECURSIVE tree(oid) AS (
      SELECT ${`${WARD_SCHEMA}.${table}`}::regclass::oid
      UNION ALL
      SELECT i.inhrelid FROM pg_inherits i JOIN tree t ON i.inhparent = t.oid)
    SELECT n.nspname AS schema, c.relname AS name
      FROM tree t JOIN pg_class c ON c.oid = t.oid JOIN pg_namespace n ON n.oid = c.relnamespace`.execute(db);
  return rows.map((r) => sql.id(r.schema, r.name));
}
