/**
 * @module accounting/subjects.store
 * The SQL of subject keys (migration 0076): the declared columns of a project, each resolved to
 * the catalog's (table OID, attribute number), with the view columns derived from them.
 */
import { sql } from 'kysely';
import type { Db, Tx } from '../db/index.js';
import type { CaseRule } from './tokens.js';

type Q = Db | Tx;

export interface SubjectKeyRow {
  id: string;
  org_id: string;
  project_id: string;
  schema_name: string;
  table_name: string;
  column_name: string;
  case_rule: CaseRule;
  table_oid: string;
  attnum: number;
  type_oid: string;
  copy_index: number;
  derived_from: string | null;
  created_at: Date;
  created_by: string | null;
}

export async function keysOf(q: Q, projectId: string): Promise<SubjectKeyRow[]> {
  const { rows } = await sql<SubjectKeyRow>`
    SELECT * FROM subject_keys WHERE project_id = ${projectId}
     ORDER BY derived_from NULLS FIRST, schema_name, table_name, column_name`.execute(q);
  return rows;
}

export async function insertKey(tx: Tx, k: Omit<SubjectKeyRow, 'created_at'>): Promise<void> {
  await sql`
    INSERT INTO subject_keys (id, org_id, project_id, schema_name, table_name, column_name, case_rule,
                              table_oid, attnum, type_oid, copy_index, derived_from, created_by)
    VALUES (${k.id}, ${k.org_id}, ${k.project_id}, ${k.schema_name}, ${k.table_name}, ${k.column_name},
            ${k.case_rule}, ${k.table_oid}, ${k.attnum}, ${k.type_oid}, ${k.copy_index}, ${k.derived_from},
            ${k.created_by})`.execute(tx);
}

export async function deleteKey(tx: Tx, id: string): Promise<void> {
  await sql`DELETE FROM subject_keys WHERE id = ${id}`.execute(tx);
}

/** The batches (first seq, time) of `chain` whose events reached any of `tokens` in `projectId`. */
export async function batchesReaching(
  q: Q,
  chain: string,
  projectId: string,
  tokens: Buffer[],
  since: Date,
  until: Date,
): Promise<{ first_seq: string; time_from: Date }[]> {
  // Batches keep their tokens in their row (migration 0079); batches written before it, in
  // subject_index rows. A batch's tokens are those of all its projects: its events are matched
  // to the project when they are read. The tokens are looked up first and alone (a materialized
  // CTE, which only the GIN index can answer): given the chain or the window too, the planner
  // walked the primary key through the window and filtered every batch's array (36 ms at a
  // million events) instead of probing the index (0.06 ms; ADR 0038, fourth pass). Tokens are
  // keyed per org, so the hits are this chain's but for a chance of 2^-128, and few.
  const { rows } = await sql<{ first_seq: string; time_from: Date }>`
    WITH hit AS MATERIALIZED (
      SELECT chain_id, first_seq, time_from, project_ids FROM audit_batches
       WHERE subject_tokens && ${tokens}::bytea[] AND subject_tokens IS NOT NULL
    )
    SELECT first_seq, time_from FROM hit
     WHERE chain_id = ${chain} AND time_from >= ${since} AND time_from < ${until} AND ${projectId} = ANY(project_ids)
    UNION
    SELECT first_seq, time_from FROM subject_index
     WHERE chain_id = ${chain} AND token = ANY(${tokens}::bytea[]) AND time_from >= ${since}
       AND time_from < ${until} AND project_id = ${projectId}
     ORDER BY time_from, first_seq`.execute(q);
  return rows;
}

/** Stored batches by their first seq. */
export async function batchesAt(
  q: Q,
  chain: string,
  at: { first_seq: string; time_from: Date }[],
): Promise<{ first_seq: string; payload: Buffer; seal: Buffer }[]> {
  if (at.length === 0) return [];
  const { rows } = await sql<{ first_seq: string; payload: Buffer; seal: Buffer }>`
    SELECT b.first_seq, b.payload, b.seal
      FROM unnest(${at.map((a) => a.first_seq)}::int8[], ${at.map((a) => a.time_from)}::timestamptz[])
           AS w(first_seq, time_from)
      JOIN audit_batches b ON b.chain_id = ${chain} AND b.first_seq = w.first_seq AND b.time_from = w.time_from
     ORDER BY b.first_seq`.execute(q);
  return rows;
}

/** Break-glass grants of a project that were open at some time in a window. */
export async function breakGlassOf(
  q: Q,
  projectId: string,
  from: Date,
  to: Date,
): Promise<{ user_id: string; reason: string; created_at: Date; ends_at: Date }[]> {
  const { rows } = await sql<{ user_id: string; reason: string; created_at: Date; ends_at: Date }>`
    SELECT user_id, reason, created_at, least(coalesce(ended_at, expires_at), expires_at) AS ends_at
      FROM break_glass
     WHERE project_id = ${projectId} AND created_at <= ${to} AND coalesce(ended_at, expires_at) >= ${from}`.execute(
    q,
  );
  return rows;
}

/** The newest `limit` batches of the last day that hold statements of `projectId`. */
export async function recentStatementBatches(
  q: Q,
  chain: string,
  projectId: string,
  limit: number,
): Promise<{ first_seq: string; payload: Buffer; seal: Buffer }[]> {
  const { rows } = await sql<{ first_seq: string; payload: Buffer; seal: Buffer }>`
    SELECT first_seq, payload, seal FROM audit_batches
     WHERE chain_id = ${chain} AND time_to >= now() - interval '1 day'
       AND ${projectId} = ANY(project_ids) AND 'db.statement' = ANY(actions)
     ORDER BY time_to DESC, first_seq DESC LIMIT ${limit}`.execute(q);
  return rows;
}

/** The batches of `chain` in a window that hold events of `projectId`. */
export async function batchesInWindow(
  q: Q,
  chain: string,
  projectId: string,
  from: Date,
  to: Date,
): Promise<{ first_seq: string; payload: Buffer; seal: Buffer }[]> {
  const { rows } = await sql<{ first_seq: string; payload: Buffer; seal: Buffer }>`
    SELECT first_seq, payload, seal FROM audit_batches
     WHERE chain_id = ${chain} AND time_to >= ${from} AND time_from < ${to} AND ${projectId} = ANY(project_ids)
     ORDER BY first_seq`.execute(q);
  return rows;
}
