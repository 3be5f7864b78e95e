/**
 * @module audit/sinks/store
 * SQL for sinks and their delivery state.
 */
import { sql } from 'kysely';
import type { Db, Tx } from '../../db/index.js';

type Q = Db | Tx;

export interface SinkRow {
  id: string;
  chain_id: string;
  name: string;
  kind: 'file' | 'syslog' | 'webhook';
  format: 'json' | 'ocsf';
  config: Record<string, unknown>;
  secret_sealed: Buffer | null;
  enabled: boolean;
  created_at: Date;
  delivered_seq: number;
  delivered_checkpoint: number;
  last_success_at: Date | null;
  last_error: string | null;
  last_error_at: Date | null;
  attempts: number;
  next_attempt_at: Date | null;
  head_seq: number;
  oldest_undelivered: Date | null;
}

/** Sinks with their delivery state, the chain head, and the time of their oldest undelivered event. */
export async function sinksWithState(
  q: Q,
  where: { chain?: string; id?: string; due?: boolean },
): Promise<SinkRow[]> {
  const { rows } = await sql<SinkRow>`
    SELECT s.*, st.delivered_seq, st.delivered_checkpoint, st.last_success_at, st.last_error, st.last_error_at,
           st.attempts, st.next_attempt_at, coalesce(c.last_seq, 0) AS head_seq,
           coalesce((SELECT e.time FROM audit_events e WHERE e.chain_id = s.chain_id AND e.seq = st.delivered_seq + 1),
                    -- A batched event's time is at least its batch's oldest (audit_batches).
                    (SELECT b.time_from FROM audit_batches b WHERE b.chain_id = s.chain_id
                        AND b.first_seq <= st.delivered_seq + 1 AND b.last_seq >= st.delivered_seq + 1
                      LIMIT 1)) AS oldest_undelivered
      FROM audit_sinks s
      JOIN audit_sink_state st ON st.sink_id = s.id
      LEFT JOIN audit_chains c ON c.id = s.chain_id
     WHERE ${where.chain === undefined ? sql`true` : sql`s.chain_id = ${where.chain}`}
       AND ${where.id === undefined ? sql`true` : sql`s.id = ${where.id}`}
       AND ${
         where.due
           ? sql`s.enabled AND (st.next_attempt_at IS NULL OR st.next_attempt_at <= now())
                              AND (st.lease_until IS NULL OR st.lease_until < now())
                              AND (coalesce(c.last_seq, 0) > st.delivered_seq
                                   OR EXISTS (SELECT 1 FROM audit_checkpoints k WHERE k.chain_id = s.chain_id
                                               AND k.tree_size > st.delivered_checkpoint AND k.tree_size <= st.delivered_seq))`
           : sql`true`
       }
     ORDER BY s.created_at`.execute(q);
  return rows.map((r) => ({
    ...r,
    delivered_seq: Number(r.delivered_seq),
    delivered_checkpoint: Number(r.delivered_checkpoint),
    head_seq: Number(r.head_seq),
  }));
}

/** Takes the sink for `owner` for a while; false if another process holds it. */
export async function lease(q: Q, sinkId: string, owner: string, seconds: number): Promise<boolean> {
  const { rows } = await sql`
    UPDATE audit_sink_state SET lease_owner = ${owner}, lease_until = now() + make_interval(secs => ${seconds})
     WHERE sink_id = ${sinkId} AND (lease_until IS NULL OR lease_until < now() OR lease_owner = ${owner})
    RETURNING sink_id`.execute(q);
  return rows.length > 0;
}

export async function delivered(
  q: Q,
  sinkId: string,
  owner: string,
  upTo: number,
  checkpoint: number,
): Promise<void> {
  await sql`
    UPDATE audit_sink_state SET delivered_seq = greatest(delivered_seq, ${upTo}),
           delivered_checkpoint = greatest(delivered_checkpoint, ${checkpoint}),
           last_success_at = now(), last_error = NULL, attempts = 0, next_attempt_at = NULL,
           lease_owner = NULL, lease_until = NULL
     WHERE sink_id = ${sinkId} AND lease_owner = ${owner}`.execute(q);
}

export async function failed(q: Q, sinkId: string, owner: string, error: string): Promise<void> {
  // Backoff: 1 s, 2 s, 4 s, … up to 5 minutes.
  await sql`
    UPDATE audit_sink_state SET attempts = attempts + 1, last_error = ${error.slice(0, 500)}, last_error_at = now(),
           next_attempt_at = now() + make_interval(secs => least(300, power(2, attempts)::int)),
           lease_owner = NULL, lease_until = NULL
     WHERE sink_id = ${sinkId} AND lease_owner = ${owner}`.execute(q);
}
