/**
 * @module backups/verification
 * What a database holds, to compare two of them: the SHA-256 of its schema (pg_dump
 * --schema-only, comments and pg_dump's random \restrict key removed) and, per table, its row
 * count and a content checksum (the sum, modulo 2^64, of the first 64 bits of each row's MD5: the
 * same rows give the same sum in any order, and no sort is needed). Read in one REPEATABLE READ
 * snapshot. The migration report (restore) and the drill's evidence are built from these.
 */
import { createHash } from 'node:crypto';
import pg from 'pg';
import type { AdminConnection, DataPlaneProvider } from '../dataplane/index.js';

export interface TableFacts {
  table: string;
  rows: number;
  checksum: string;
}

export interface DatabaseFacts {
  schema_sha256: string;
  tables: TableFacts[];
}

export interface VerificationReport {
  identical: boolean;
  compared_at: string;
  schema: { identical: boolean; source_sha256: string; restored_sha256: string };
  tables: {
    table: string;
    source_rows: number | null;
    restored_rows: number | null;
    rows_equal: boolean;
    source_checksum: string | null;
    restored_checksum: string | null;
    checksum_equal: boolean;
  }[];
}

const TABLES = `
  SELECT format('%I.%I', n.nspname, c.relname) AS name
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
   WHERE c.relkind IN ('r', 'm') AND n.nspname NOT IN ('pg_catalog', 'information_schema')
     AND n.nspname NOT LIKE 'pg\\_%'
   ORDER BY 1`;

const tableFacts = (name: string) => `
  SELECT count(*)::bigint AS rows,
         coalesce(sum(('x' || substr(md5(t::text), 1, 16))::bit(64)::bigint::numeric), 0)::text AS total
    FROM ${name} t`;

/** Runs pg_dump, the clusters' own version, from the data plane. */
type Tools = Pick<DataPlaneProvider, 'pgTool'>;

async function schemaDigest(tools: Tools, db: AdminConnection): Promise<string> {
  const dump = await tools.pgTool('pg_dump', [
    '--schema-only',
    '--host',
    db.host,
    '--port',
    String(db.port),
    '--username',
    db.user,
    '--dbname',
    db.database,
  ]);
  const kept = dump
    .split('\n')
    // Ward's own pgaudit extension (HIPAA projects) is not part of what was restored.
    .filter((l) => l.trim() !== '' && !l.startsWith('--') && !/^\\(un)?restrict /.test(l))
    .filter((l) => !/ON EXTENSION pgaudit\b|EXTENSION IF NOT EXISTS pgaudit\b/.test(l))
    .join('\n');
  return createHash('sha256').update(kept).digest('hex');
}

/** The facts of the database `db` connects to (a cluster's app database), in one snapshot. */
export async function inspect(tools: Tools, db: AdminConnection): Promise<DatabaseFacts> {
  const c = new pg.Client(db);
  await c.connect();
  try {
    await c.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    const tables: TableFacts[] = [];
    for (const { name } of (await c.query<{ name: string }>(TABLES)).rows) {
      const [row] = (await c.query<{ rows: string; total: string }>(tableFacts(name))).rows;
      const total = BigInt(row?.total ?? '0') & 0xffffffffffffffffn;
      tables.push({
        table: name,
        rows: Number(row?.rows ?? 0),
        checksum: total.toString(16).padStart(16, '0'),
      });
    }
    await c.query('COMMIT');
    return { schema_sha256: await schemaDigest(tools, db), tables };
  } finally {
    await c.end();
  }
}

/** The report on a restored database against its source, table by table. */
export function compare(source: DatabaseFacts, restored: DatabaseFacts): VerificationReport {
  const names = [...new Set([...source.tables, ...restored.tables].map((t) => t.table))].sort();
  const bySource = new Map(source.tables.map((t) => [t.table, t]));
  const byRestored = new Map(restored.tables.map((t) => [t.table, t]));
  const tables = names.map((table) => {
    const s = bySource.get(table);
    const r = byRestored.get(table);
    return {
      table,
      source_rows: s?.rows ?? null,
      restored_rows: r?.rows ?? null,
      rows_equal: s !== undefined && r !== undefined && s.rows === r.rows,
      source_checksum: s?.checksum ?? null,
      restored_checksum: r?.checksum ?? null,
      checksum_equal: s !== undefined && r !== undefined && s.checksum === r.checksum,
    };
  });
  const schemaSame = source.schema_sha256 === restored.schema_sha256;
  return {
    identical: schemaSame && tables.every((t) => t.rows_equal && t.checksum_equal),
    compared_at: new Date().toISOString(),
    schema: {
      identical: schemaSame,
      source_sha256: source.schema_sha256,
      restored_sha256: restored.schema_sha256,
    },
    tables,
  };
}
