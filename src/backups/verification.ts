/**
 * @module backups/verification
 * What a database holds, to compare two of them: the SHA-256 of its schema (pg_dump
 * --schema-only, comments and pg_dump's random \restrict key removed) and, per table, its row
 * count and a content checksum (the sum, modulo 2^64, of the first 64 bits of each row's MD5: the
 * same rows give the same sum in any order, and no sort is needed). Read in one REPEATABLE READ
 * snapshot. The migration report (restore) and the drill's evidence are built from these.
 *
 * A restore is compared with its source as the source is when the restore ends. A restore to a
 * backup or to an earlier moment is the source as it was then, so whatever was written since
 * differs, as it should: the report's verdict says so instead of calling it a failure.
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

/** What a restore was asked to reach: the newest state, a backup, or a moment. */
export type RestoredTo = { latest: true } | { backup: string } | { time: string };

/**
 * `identical`: schema, rows and content all agree. `earlier_than_source`: they differ, and the
 * restore was to a backup or a moment before the source's current state, so differences are
 * expected. `different`: a restore to the newest state that does not match its source.
 */
export type Verdict = 'identical' | 'earlier_than_source' | 'different';

export interface VerificationReport {
  identical: boolean;
  verdict: Verdict;
  /** What was compared with what, and how to read the result, for people. */
  summary: string;
  restored_to: RestoredTo;
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

const pointOf = (to: RestoredTo): string =>
  'backup' in to ? `backup ${to.backup}` : 'time' in to ? `${to.time}` : 'its newest state';

function verdictOf(
  identical: boolean,
  to: RestoredTo,
  differing: number,
  total: number,
  schemaSame: boolean,
): { verdict: Verdict; summary: string } {
  if (identical)
    return {
      verdict: 'identical',
      summary: `The copy is identical to the source as it is now: the schema, and the rows and content of all ${total} tables.`,
    };
  const what = `${differing} of ${total} tables${schemaSame ? '' : ' and the schema'}`;
  if ('latest' in to)
    return {
      verdict: 'different',
      summary: `The copy was restored to the source's newest state, yet ${what} differ from the source as it is now (writes to the source during the restore would explain it; otherwise look at the tables below).`,
    };
  return {
    verdict: 'earlier_than_source',
    summary: `The copy is the source as of ${pointOf(to)}; compared with the source as it is now, ${what} differ, as expected for whatever was written since then. This is not a failure.`,
  };
}

/**
 * The report on a restored database against its source as it is now, table by table;
 * `restoredTo` is what the restore reached, which decides how differences read.
 */
export function compare(
  source: DatabaseFacts,
  restored: DatabaseFacts,
  restoredTo: RestoredTo = { latest: true },
): VerificationReport {
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
  const identical = schemaSame && tables.every((t) => t.rows_equal && t.checksum_equal);
  const differing = tables.filter((t) => !t.rows_equal || !t.checksum_equal).length;
  return {
    identical,
    ...verdictOf(identical, restoredTo, differing, tables.length, schemaSame),
    restored_to: restoredTo,
    compared_at: new Date().toISOString(),
    schema: {
      identical: schemaSame,
      source_sha256: source.schema_sha256,
      restored_sha256: restored.schema_sha256,
    },
    tables,
  };
}
