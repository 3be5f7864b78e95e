/**
 * @module accounting/catalog
 * Declared columns checked against the project's own catalog: `table.column` or
 * `schema.table.column` (unquoted names fold to lower case, as PostgreSQL folds them; "Quoted"
 * parts keep their case) must name a column of a table, partitioned table, view, materialized
 * view or foreign table. Ward keeps what the gateway matches on: the table's OID and the
 * column's attribute number (what a RowDescription names), its type (how a binary value is
 * read), its position among the table's columns (what a COPY of the whole table sends), and the
 * columns of views that show it under the same name (a RowDescription names the view, not the
 * table beneath it).
 */
import pg from 'pg';
import { APP_DATABASE, type DataPlaneProvider } from '../dataplane/index.js';
import { invalid, unavailable } from '../lib/errors.js';

export interface ColumnRef {
  schema: string;
  table: string;
  column: string;
}

export interface ResolvedColumn extends ColumnRef {
  table_oid: string;
  attnum: number;
  type_oid: string;
  copy_index: number;
}

const PART = /^(?:"((?:[^"]|"")+)"|([A-Za-z_][A-Za-z0-9_$]*))/;

/** Splits `a.b` or `a.b.c` into identifiers, folding unquoted ones as PostgreSQL does. */
export function parseColumnRef(text: string): ColumnRef {
  const parts: string[] = [];
  let rest = text.trim();
  while (rest.length > 0) {
    const m = PART.exec(rest);
    if (!m) break;
    parts.push(m[1] !== undefined ? m[1].replace(/""/g, '"') : (m[2] as string).toLowerCase());
    rest = rest.slice(m[0].length);
    if (!rest.startsWith('.')) break;
    rest = rest.slice(1);
  }
  if (rest.length > 0 || parts.length < 2 || parts.length > 3)
    throw invalid(
      `'${text}' is not a column: write table.column or schema.table.column (for example patients.mrn)`,
    );
  const [a, b, c] = parts as [string, string, string | undefined];
  return c === undefined ? { schema: 'public', table: a, column: b } : { schema: a, table: b, column: c };
}

const RESOLVE = `
  SELECT c.oid::int8::text AS table_oid, a.attnum, a.atttypid::int8::text AS type_oid,
         (SELECT count(*)::int FROM pg_attribute b
           WHERE b.attrelid = c.oid AND b.attnum > 0 AND NOT b.attisdropped AND b.attnum < a.attnum) AS copy_index
    FROM pg_class c
    JOIN pg_namespace n ON n.oid = c.relnamespace
    JOIN pg_attribute a ON a.attrelid = c.oid
   WHERE n.nspname = $1 AND c.relname = $2 AND a.attname = $3 AND a.attnum > 0 AND NOT a.attisdropped
     AND c.relkind IN ('r', 'p', 'v', 'm', 'f')`;

/** Views that use the column and show a column of the same name. */
const VIEWS = `
  SELECT u.view_schema AS schema, u.view_name AS table, u.column_name AS column,
         c.oid::int8::text AS table_oid, a.attnum, a.atttypid::int8::text AS type_oid,
         (SELECT count(*)::int FROM pg_attribute b
           WHERE b.attrelid = c.oid AND b.attnum > 0 AND NOT b.attisdropped AND b.attnum < a.attnum) AS copy_index
    FROM information_schema.view_column_usage u
    JOIN pg_namespace n ON n.nspname = u.view_schema
    JOIN pg_class c ON c.relnamespace = n.oid AND c.relname = u.view_name
    JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = u.column_name AND NOT a.attisdropped
   WHERE u.table_schema = $1 AND u.table_name = $2 AND u.column_name = $3`;

export interface Resolution {
  column: ResolvedColumn;
  views: ResolvedColumn[];
}

/** Looks the column up in the project's database; `invalid` naming it when it is not there. */
export async function resolveColumn(
  dataplane: Pick<DataPlaneProvider, 'adminConnection'>,
  projectId: string,
  ref: ColumnRef,
): Promise<Resolution> {
  const client = new pg.Client(dataplane.adminConnection(projectId, APP_DATABASE));
  client.on('error', () => undefined);
  await client.connect().catch(() => {
    throw unavailable(
      "the project's database did not answer, so the column could not be checked; is the project running?",
    );
  });
  try {
    const found = await client.query<Omit<ResolvedColumn, keyof ColumnRef>>(RESOLVE, [
      ref.schema,
      ref.table,
      ref.column,
    ]);
    const row = found.rows[0];
    if (!row)
      throw invalid(
        `the project's database has no column ${ref.schema}.${ref.table}.${ref.column}; create it first, or check the spelling (names are case-sensitive when quoted)`,
      );
    const views = await client.query<ResolvedColumn>(VIEWS, [ref.schema, ref.table, ref.column]);
    return { column: { ...ref, ...row }, views: views.rows };
  } finally {
    await client.end().catch(() => undefined);
  }
}
