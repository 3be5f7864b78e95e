/**
 * @module audit/witnesses/store
 * SQL for witnesses, their submission state, the chain's quorum, and the cosignatures they
 * returned.
 */
import { type Selectable, sql } from 'kysely';
import type {
  AuditCosignaturesTable,
  AuditWitnessesTable,
  AuditWitnessStateTable,
  Db,
  Tx,
} from '../../db/index.js';

type Q = Db | Tx;

/** A witness with its submission state and what it cosigned last, by Ward's records. */
export type WitnessRow = Selectable<AuditWitnessesTable> &
  Omit<Selectable<AuditWitnessStateTable>, 'witness_id'> & {
    /** The largest size this witness cosigned, by Ward's records (0: none). */
    cosigned_size: number;
    cosigned_at: Date | null;
  };

export async function witnessesWithState(q: Q, where: { chain?: string; id?: string; due?: boolean }) {
  const { rows } = await sql<WitnessRow>`
    SELECT w.*, st.last_success_at, st.last_status, st.last_error, st.last_error_at, st.attempts,
           st.next_attempt_at, st.raised,
           coalesce(c.tree_size, 0) AS cosigned_size, c.received_at AS cosigned_at
      FROM audit_witnesses w
      JOIN audit_witness_state st ON st.witness_id = w.id
      LEFT JOIN LATERAL (SELECT tree_size, received_at FROM audit_cosignatures x
                          WHERE x.chain_id = w.chain_id AND x.key_name = w.key_name AND x.witness_id = w.id
                          ORDER BY tree_size DESC LIMIT 1) c ON true
     WHERE ${where.chain === undefined ? sql`true` : sql`w.chain_id = ${where.chain}`}
       AND ${where.id === undefined ? sql`true` : sql`w.id = ${where.id}`}
       AND ${where.due ? sql`(st.next_attempt_at IS NULL OR st.next_attempt_at <= now())` : sql`true`}
     ORDER BY w.created_at, w.id`.execute(q);
  return rows.map((r) => ({ ...r, cosigned_size: Number(r.cosigned_size), attempts: Number(r.attempts) }));
}

/** The chain's quorum as set, or null (then: 1 when any witness is registered). */
export async function quorumOf(q: Q, chain: string): Promise<number | null> {
  const row = await q
    .selectFrom('audit_witness_quorum')
    .select('quorum')
    .where('chain_id', '=', chain)
    .executeTakeFirst();
  return row ? row.quorum : null;
}

export type CosignatureRow = Selectable<AuditCosignaturesTable>;

/** Every cosignature of the chain, oldest checkpoint first. */
export async function cosignaturesOf(q: Q, chain: string): Promise<CosignatureRow[]> {
  const rows = await q
    .selectFrom('audit_cosignatures')
    .selectAll()
    .where('chain_id', '=', chain)
    .orderBy('tree_size')
    .orderBy('key_name')
    .execute();
  return rows.map((r) => ({ ...r, tree_size: Number(r.tree_size), timestamp: Number(r.timestamp) }));
}

/**
 * The cosignatures of the newest few checkpoints that `quorum` of the named keys cosigned with
 * one root, newest first: what a status needs, without reading (and checking) every cosignature
 * the chain ever collected. A candidate whose signatures fail is dropped by the caller.
 */
export async function quorumCandidates(
  q: Q,
  chain: string,
  keyNames: string[],
  quorum: number,
): Promise<CosignatureRow[]> {
  const { rows } = await sql<CosignatureRow>`
    SELECT c.* FROM audit_cosignatures c
      JOIN (SELECT tree_size, root_hash FROM audit_cosignatures
             WHERE chain_id = ${chain} AND key_name = ANY(${keyNames}::text[])
             GROUP BY tree_size, root_hash HAVING count(DISTINCT key_name) >= ${quorum}
             ORDER BY tree_size DESC LIMIT 8) g USING (tree_size, root_hash)
     WHERE c.chain_id = ${chain} AND c.key_name = ANY(${keyNames}::text[])
     ORDER BY c.tree_size DESC, c.key_name`.execute(q);
  return rows.map((r) => ({ ...r, tree_size: Number(r.tree_size), timestamp: Number(r.timestamp) }));
}

export async function recordCosignature(q: Q, row: Omit<CosignatureRow, 'received_at'>): Promise<void> {
  await q
    .insertInto('audit_cosignatures')
    .values(row)
    .onConflict((oc) => oc.columns(['chain_id', 'key_name', 'tree_size']).doNothing())
    .execute();
}

export async function submitted(q: Q, witnessId: string, status: number): Promise<void> {
  await sql`
    UPDATE audit_witness_state SET last_success_at = now(), last_status = ${status}, last_error = NULL,
           attempts = 0, next_attempt_at = NULL, raised = NULL
     WHERE witness_id = ${witnessId}`.execute(q);
}

/** A failed or refused submission; retried after 1 s, doubling to 5 minutes. */
export async function failed(q: Q, witnessId: string, status: number | null, error: string): Promise<void> {
  await sql`
    UPDATE audit_witness_state SET attempts = attempts + 1, last_status = ${status},
           last_error = ${error.slice(0, 500)}, last_error_at = now(),
           next_attempt_at = now() + make_interval(secs => least(300, power(2, attempts)::int))
     WHERE witness_id = ${witnessId}`.execute(q);
}

/** Marks `finding` raised; false when it already was (raise each finding once). */
export async function markRaised(q: Q, witnessId: string, finding: string): Promise<boolean> {
  const { rows } = await sql`
    UPDATE audit_witness_state SET raised = ${finding}
     WHERE witness_id = ${witnessId} AND raised IS DISTINCT FROM ${finding}
    RETURNING witness_id`.execute(q);
  return rows.length > 0;
}
