/**
 * @module audit/audit.store
 * Appends events to their chains inside the caller's transaction. The chain head row is locked
 * (one round trip, `INSERT … ON CONFLICT DO UPDATE … RETURNING`), the hashes are computed here in
 * the writer, the events go in as one multi-row INSERT, and the head moves. The lock is held to
 * COMMIT, so concurrent writers, in this process or another, keep each chain gapless.
 */
import { sql } from 'kysely';
import type { Tx } from '../db/pool.js';
import type { AuditTarget, Outcome } from './actions.js';
import { type ChainedFields, chainHash, GENESIS_HASH } from './chain.js';

export interface PendingEvent {
  chain: string;
  id: string;
  time: string;
  action: string;
  outcome: Outcome;
  actor: Record<string, unknown>;
  target: AuditTarget;
  details: Record<string, unknown>;
}

export interface StoredEvent extends ChainedFields {
  prev_hash: Buffer;
  hash: Buffer;
}

async function lockHead(tx: Tx, chain: string): Promise<{ seq: number; hash: Buffer }> {
  const head = await tx
    .insertInto('audit_chains')
    .values({ id: chain, last_seq: 0, last_hash: GENESIS_HASH })
    .onConflict((oc) => oc.column('id').doUpdateSet({ last_seq: sql`audit_chains.last_seq` }))
    .returning(['last_seq', 'last_hash'])
    .executeTakeFirstOrThrow();
  return { seq: Number(head.last_seq), hash: head.last_hash };
}

/** Appends `events` (any number of chains); chains are locked in sorted order to avoid deadlock. */
export async function appendEvents(tx: Tx, events: PendingEvent[]): Promise<StoredEvent[]> {
  const byChain = new Map<string, PendingEvent[]>();
  for (const e of events) byChain.set(e.chain, [...(byChain.get(e.chain) ?? []), e]);
  const stored: StoredEvent[] = [];
  for (const chain of [...byChain.keys()].sort()) {
    const head = await lockHead(tx, chain);
    let { seq, hash } = head;
    const rows: StoredEvent[] = [];
    for (const e of byChain.get(chain) ?? []) {
      seq += 1;
      const fields: ChainedFields = { ...e, seq };
      const next = chainHash(hash, fields);
      rows.push({ ...fields, prev_hash: hash, hash: next });
      hash = next;
    }
    await tx
      .insertInto('audit_events')
      .values(
        rows.map((r) => ({
          chain_id: r.chain,
          seq: r.seq,
          id: r.id,
          time: r.time,
          action: r.action,
          outcome: r.outcome,
          actor: JSON.stringify(r.actor),
          target: JSON.stringify(r.target),
          details: JSON.stringify(r.details),
          prev_hash: r.prev_hash,
          hash: r.hash,
        })),
      )
      .execute();
    await tx
      .updateTable('audit_chains')
      .set({ last_seq: seq, last_hash: hash })
      .where('id', '=', chain)
      .execute();
    stored.push(...rows);
  }
  return stored;
}
