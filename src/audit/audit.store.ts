/**
 * @module audit/audit.store
 * Appends events to their chains inside the caller's transaction. The chain head row is locked
 * (one round trip, `INSERT … ON CONFLICT DO UPDATE … RETURNING`), the hashes are computed here in
 * the writer, the events go in as one multi-row INSERT, and the head moves. The lock is held to
 * COMMIT, so concurrent writers, in this process or another, keep each chain gapless.
 */
import { sql } from 'kysely';
import type { Db, Tx } from '../db/pool.js';
import { BinaryArray } from '../lib/pg-binary-array.js';
import type { AuditTarget, Outcome } from './actions.js';
import { type ChainedFields, canonicalEvent, canonicalEventAt, GENESIS_HASH, linkHash } from './chain.js';

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

/** The project an event concerns: a project target, or `details.project_id`. */
export function projectOf(e: Pick<PendingEvent, 'target' | 'details'>): string | null {
  if (e.target.type === 'project') return e.target.id;
  return typeof e.details.project_id === 'string' ? e.details.project_id : null;
}

export interface StoredEvent extends ChainedFields {
  body: string;
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
    const projects: (string | null)[] = [];
    for (const e of byChain.get(chain) ?? []) {
      seq += 1;
      const fields: ChainedFields = { ...e, seq };
      const body = canonicalEvent(fields);
      const next = linkHash(hash, body);
      rows.push({ ...fields, body, prev_hash: hash, hash: next });
      projects.push(projectOf(e));
      hash = next;
    }
    await tx
      .insertInto('audit_events')
      .values(
        rows.map((r, i) => ({
          chain_id: r.chain,
          seq: r.seq,
          id: r.id,
          time: r.time,
          action: r.action,
          outcome: r.outcome,
          actor_id: typeof r.actor.id === 'string' ? r.actor.id : null,
          project_id: projects[i] ?? null,
          body: r.body,
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

export interface ChainHead {
  seq: number;
  hash: Buffer;
}

/** The chain's head, creating the chain (at the genesis hash) when it has none. */
export async function readHead(db: Db, chain: string): Promise<ChainHead> {
  await db
    .insertInto('audit_chains')
    .values({ id: chain, last_seq: 0, last_hash: GENESIS_HASH })
    .onConflict((oc) => oc.column('id').doNothing())
    .execute();
  const h = await db
    .selectFrom('audit_chains')
    .select(['last_seq', 'last_hash'])
    .where('id', '=', chain)
    .executeTakeFirstOrThrow();
  return { seq: Number(h.last_seq), hash: h.last_hash };
}

/** A batch hashed after a given head, ready to send: one binary array per column. */
export interface PreparedBatch {
  head: ChainHead;
  next: ChainHead;
  columns: Buffer[];
}

/** Hashes `events` after `head` (no database work): the rows to send and the head they lead to. */
export function prepareBatch(head: ChainHead, events: PendingEvent[]): PreparedBatch {
  const n = events.length;
  const seqs = new BinaryArray('int8', 12 * n + 32);
  const ids = new BinaryArray('text', 32 * n + 32);
  const times = new BinaryArray('timestamptz', 12 * n + 32);
  const actions = new BinaryArray('text', 28 * n + 32);
  const outcomes = new BinaryArray('text', 12 * n + 32);
  const actors = new BinaryArray('text', 28 * n + 32);
  const projects = new BinaryArray('text', 28 * n + 32);
  const bodies = new BinaryArray('text', 640 * n + 32);
  const prevs = new BinaryArray('bytea', 36 * n + 32);
  const hashes = new BinaryArray('bytea', 36 * n + 32);
  let { seq, hash } = head;
  let lastTime = '';
  let lastMs = 0;
  for (const e of events) {
    seq += 1;
    const body = canonicalEventAt(e, seq);
    const next = linkHash(hash, body);
    // Events of one caller share their time: parse it once.
    if (e.time !== lastTime) {
      lastTime = e.time;
      lastMs = Date.parse(e.time);
    }
    seqs.push(seq);
    ids.push(e.id);
    times.push(lastMs);
    actions.push(e.action);
    outcomes.push(e.outcome);
    actors.push(typeof e.actor.id === 'string' ? e.actor.id : null);
    projects.push(projectOf(e));
    bodies.push(body);
    prevs.push(hash);
    hashes.push(next);
    hash = next;
  }
  const columns = [seqs, ids, times, actions, outcomes, actors, projects, bodies, prevs, hashes].map((c) =>
    c.finish(),
  );
  return { head, next: { seq, hash }, columns };
}

/**
 * Sends a prepared batch as one autocommitted statement: the chain head moves from the batch's
 * head to its last event and the events go in, both or neither (each column travels as one
 * binary array parameter, see lib/pg-binary-array.ts). False when the chain's head was no
 * longer the batch's head (another writer appended, or an earlier batch failed): nothing was
 * written then.
 */
export async function sendBatch(db: Db, chain: string, b: PreparedBatch): Promise<boolean> {
  const [seqs, ids, times, actions, outcomes, actors, projects, bodies, prevs, hashes] = b.columns;
  const { rows } = await sql<{ moved: number }>`
    WITH head AS (
      UPDATE audit_chains SET last_seq = ${b.next.seq}, last_hash = ${b.next.hash}
       WHERE id = ${chain} AND last_seq = ${b.head.seq} AND last_hash = ${b.head.hash}
      RETURNING id
    ), ins AS (
      INSERT INTO audit_events (chain_id, seq, id, time, action, outcome, actor_id, project_id, body, prev_hash, hash)
      SELECT ${chain}, r.* FROM unnest(${seqs}::int8[], ${ids}::text[], ${times}::timestamptz[],
                                       ${actions}::text[], ${outcomes}::text[], ${actors}::text[],
                                       ${projects}::text[], ${bodies}::text[], ${prevs}::bytea[],
                                       ${hashes}::bytea[]) AS r
       WHERE EXISTS (SELECT 1 FROM head)
      RETURNING 1
    )
    SELECT (SELECT count(*) FROM head)::int AS moved, (SELECT count(*) FROM ins)::int AS inserted`.execute(
    db,
  );
  return rows[0]?.moved === 1;
}
