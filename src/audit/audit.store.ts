/**
 * @module audit/audit.store
 * Appends events to their chains inside the caller's transaction. The chain head row is locked
 * (one round trip, `INSERT … ON CONFLICT DO UPDATE … RETURNING`), the hashes are computed here in
 * the writer, the events go in as one multi-row INSERT, and the head moves. The lock is held to
 * COMMIT, so concurrent writers, in this process or another, keep each chain gapless.
 */
import { CompiledQuery, sql } from 'kysely';
import type { Db, Tx } from '../db/index.js';
import {
  type ChainedFields,
  canonicalEvent,
  canonicalEventAt,
  GENESIS_HASH,
  linkHash,
} from '../evidence/index.js';
import { BinaryArray } from '../lib/pg-binary-array.js';
import type { AuditTarget, Outcome } from './actions.js';
import type { Sealer } from './seal.js';

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

/**
 * Appends `events` (any number of chains); chains are locked in sorted order to avoid deadlock.
 * Each chain's last new event carries the seal of the write (audit/seal.ts).
 */
export async function appendEvents(tx: Tx, events: PendingEvent[], sealer: Sealer): Promise<StoredEvent[]> {
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
          seal: i === rows.length - 1 ? sealer.seal(chain, head, { seq, hash }) : null,
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

/** A batch hashed after a given head, ready to send: one binary array per column, and its seal. */
export interface PreparedBatch {
  head: ChainHead;
  next: ChainHead;
  columns: Buffer[];
  seal: Buffer;
}

/**
 * A batch being hashed after a given head, one caller's events at a time (no database work): the
 * writer adds each caller's events as they arrive while the previous batch is being written, so
 * the batch is ready to send the moment that write returns, and holds everything that came
 * meanwhile. Each column grows as one binary array.
 */
export class BatchBuilder {
  private seq: number;
  private hash: Buffer;
  private lastTime = '';
  private lastMs = 0;
  private readonly seqs: BinaryArray;
  private readonly ids: BinaryArray;
  private readonly times: BinaryArray;
  private readonly actions: BinaryArray;
  private readonly outcomes: BinaryArray;
  private readonly actors: BinaryArray;
  private readonly projects: BinaryArray;
  private readonly bodies: BinaryArray;
  private readonly prevs: BinaryArray;
  private readonly hashes: BinaryArray;

  constructor(
    readonly chain: string,
    readonly head: ChainHead,
    expected = 32,
  ) {
    ({ seq: this.seq, hash: this.hash } = head);
    const n = expected;
    this.seqs = new BinaryArray('int8', 12 * n + 32);
    this.ids = new BinaryArray('text', 32 * n + 32);
    this.times = new BinaryArray('timestamptz', 12 * n + 32);
    this.actions = new BinaryArray('text', 28 * n + 32);
    this.outcomes = new BinaryArray('text', 12 * n + 32);
    this.actors = new BinaryArray('text', 28 * n + 32);
    this.projects = new BinaryArray('text', 28 * n + 32);
    this.bodies = new BinaryArray('text', 640 * n + 32);
    this.prevs = new BinaryArray('bytea', 36 * n + 32);
    this.hashes = new BinaryArray('bytea', 36 * n + 32);
  }

  /** The head the batch leads to once written. */
  get next(): ChainHead {
    return { seq: this.seq, hash: this.hash };
  }

  /** Events added so far. */
  get size(): number {
    return this.seq - this.head.seq;
  }

  /**
   * Adds `events` after those already added: all of them, or (when one cannot be written: a time
   * that is not one, a value JSON cannot hold) none, with the error thrown and the batch as it was.
   */
  add(events: PendingEvent[]): void {
    const bodies: string[] = [];
    const links: Buffer[] = [];
    const ms: number[] = [];
    let { seq, hash, lastTime, lastMs } = this;
    for (const e of events) {
      seq += 1;
      const body = canonicalEventAt(e, seq);
      hash = linkHash(hash, body);
      // Events of one caller share their time: parse it once.
      if (e.time !== lastTime) {
        lastTime = e.time;
        lastMs = Date.parse(e.time);
        if (!Number.isSafeInteger(lastMs))
          throw new TypeError(`an event's time must be a timestamp, not ${e.time}`);
      }
      bodies.push(body);
      links.push(hash);
      ms.push(lastMs);
    }
    events.forEach((e, i) => {
      this.seqs.push(this.seq + i + 1);
      this.ids.push(e.id);
      this.times.push(ms[i] as number);
      this.actions.push(e.action);
      this.outcomes.push(e.outcome);
      this.actors.push(typeof e.actor.id === 'string' ? e.actor.id : null);
      this.projects.push(projectOf(e));
      this.bodies.push(bodies[i] as string);
      this.prevs.push(i === 0 ? this.hash : (links[i - 1] as Buffer));
      this.hashes.push(links[i] as Buffer);
    });
    this.seq = seq;
    this.hash = hash;
    this.lastTime = lastTime;
    this.lastMs = lastMs;
  }

  /** The rows to send, sealed by `sealer`; the builder is done with. */
  finish(sealer: Sealer): PreparedBatch {
    const columns = [
      this.seqs,
      this.ids,
      this.times,
      this.actions,
      this.outcomes,
      this.actors,
      this.projects,
      this.bodies,
      this.prevs,
      this.hashes,
    ].map((c) => c.finish());
    return { head: this.head, next: this.next, columns, seal: sealer.seal(this.chain, this.head, this.next) };
  }
}

/** Hashes `events` after `head` (no database work): the rows to send and the head they lead to. */
export function prepareBatch(
  chain: string,
  head: ChainHead,
  events: PendingEvent[],
  sealer: Sealer,
): PreparedBatch {
  const batch = new BatchBuilder(chain, head, events.length);
  batch.add(events);
  return batch.finish(sealer);
}

/**
 * The statement that sends a prepared batch: the chain head moves from the batch's head to its
 * last event and the events go in, both or neither. No RETURNING and no result rows: the command
 * tag's row count says whether the head moved (all of the batch was inserted) or not (none was).
 * Parameters: $1 next seq, $2 next hash, $3 chain, $4 head seq, $5 head hash, then one binary
 * array per column (see lib/pg-binary-array.ts), then the seal, stored on the event numbered $1.
 */
const SEND_BATCH = `
  WITH head AS (
    UPDATE audit_chains SET last_seq = $1, last_hash = $2
     WHERE id = $3 AND last_seq = $4 AND last_hash = $5
    RETURNING id
  )
  INSERT INTO audit_events (chain_id, seq, id, time, action, outcome, actor_id, project_id, body, prev_hash, hash, seal)
  SELECT $3, r.*, CASE WHEN r.seq = $1 THEN $16::bytea END
    FROM unnest($6::int8[], $7::text[], $8::timestamptz[], $9::text[], $10::text[], $11::text[],
                $12::text[], $13::text[], $14::bytea[], $15::bytea[])
         AS r(seq, id, time, action, outcome, actor_id, project_id, body, prev_hash, hash)
   WHERE EXISTS (SELECT 1 FROM head)`;

/**
 * Sends a prepared batch as one autocommitted statement (`SEND_BATCH`), already compiled: it runs
 * for every batch the gateway writes, so it skips the query builder and has the server send back
 * only a command tag. False when the chain's head was no longer the batch's head (another writer
 * appended, or an earlier batch failed): nothing was written then.
 */
export async function sendBatch(db: Db, chain: string, b: PreparedBatch): Promise<boolean> {
  const result = await db.executeQuery(
    CompiledQuery.raw(SEND_BATCH, [
      b.next.seq,
      b.next.hash,
      chain,
      b.head.seq,
      b.head.hash,
      ...b.columns,
      b.seal,
    ]),
  );
  return Number(result.numAffectedRows ?? 0) === b.next.seq - b.head.seq;
}
