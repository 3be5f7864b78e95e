/**
 * @module audit/audit.store
 * Appends events to their chains, in the two ways the log is stored (migration 0065):
 * - inside the caller's transaction (a change and its events), one row of audit_events each: the
 *   chain head row is locked (`INSERT … ON CONFLICT DO UPDATE … RETURNING`), the hashes are
 *   computed here, the events go in as one multi-row INSERT and the head moves; the lock is held
 *   to COMMIT, so concurrent writers, in this process or another, keep each chain gapless;
 * - by group commit (the gateway's events, audit/writer): a batch hashed here after an expected
 *   head (`BatchBuilder`) goes in as one row of audit_batches, its events in one payload
 *   (audit/batch-codec), in the same statement that moves the head from the expected one.
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
import type { AuditTarget, Outcome } from './actions.js';
import { encodeEventIndex, type IndexedEvent, NO_KEY, PayloadWriter } from './batch-codec.js';
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
  /** Subject tokens to index with the batch (accounting of access); not hashed. */
  subjectTokens?: Buffer[];
  /** The canonical text of `details`, when their maker wrote it (EventSpec.detailsText). */
  detailsText?: string;
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

/**
 * How far apart in time the events of one batch may be. The writer closes a batch rather than
 * let it grow wider, so a reader looking for events before a time T needs only the batches whose
 * newest event is before T + this (an index range), not every batch that started before T.
 */
export const MAX_BATCH_SPAN_MS = 1_000;

/**
 * A batch hashed after a given head, ready to send: its payload (audit/batch-codec), the keys a
 * reader narrows by, and its seal.
 */
export interface PreparedBatch {
  head: ChainHead;
  next: ChainHead;
  payload: Buffer;
  timeFrom: number;
  timeTo: number;
  actors: string[];
  projects: string[];
  actions: string[];
  outcomes: string[];
  seal: Buffer;
  /** The subject tokens its events reached (an index key of the batch's row), or null for none. */
  subjectTokens: Buffer[] | null;
  /** Where each event lies in the payload and whom it names (audit/batch-codec `event_index`). */
  eventIndex: Buffer;
}

/** `key`'s place among a batch's keys, adding it (in order of first appearance) if new. */
function keyIndex(keys: Map<string, number>, key: string): number {
  let at = keys.get(key);
  if (at === undefined) {
    at = keys.size;
    keys.set(key, at);
  }
  return at;
}

/**
 * A batch being hashed after a given head, one caller's events at a time (no database work): the
 * writer adds each caller's events as they arrive while the previous batch is being written, so
 * the batch is ready to send the moment that write returns, and holds everything that came
 * meanwhile. The events go into one payload; the keys are the distinct values of the batch.
 */
export class BatchBuilder {
  private seq: number;
  private hash: Buffer;
  private lastTime = '';
  private lastMs = 0;
  private timeFrom = Number.POSITIVE_INFINITY;
  private timeTo = Number.NEGATIVE_INFINITY;
  private readonly payload: PayloadWriter;
  /** Each distinct actor and project, with its place in the row's keys (for `event_index`). */
  private readonly actors = new Map<string, number>();
  private readonly projects = new Map<string, number>();
  private readonly indexed: IndexedEvent[] = [];
  private readonly actions = new Set<string>();
  private readonly outcomes = new Set<string>();
  /**
   * The subject tokens of the batch's events, as they come: the database's index of them (GIN)
   * keeps each distinct token once, so no set is built here for every statement.
   */
  private readonly subjectTokens: Buffer[] = [];

  constructor(
    readonly chain: string,
    readonly head: ChainHead,
    expected = 32,
  ) {
    ({ seq: this.seq, hash: this.hash } = head);
    this.payload = new PayloadWriter(600 * expected + 256);
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
   * Whether `events` can join the batch and keep its times within MAX_BATCH_SPAN_MS of each other
   * (readers bound their search by it: audit/batches.db). Callers that waited together always do.
   */
  spans(events: PendingEvent[]): boolean {
    if (this.size === 0) return true;
    for (const e of events) {
      const ms = e.time === this.lastTime ? this.lastMs : Date.parse(e.time);
      if (Math.max(this.timeTo, ms) - Math.min(this.timeFrom, ms) > MAX_BATCH_SPAN_MS) return false;
    }
    return true;
  }

  /**
   * Adds `events` after those already added: all of them, or (when one cannot be written: a time
   * that is not one, a value JSON cannot hold, a time too far from the batch's) none, with the
   * error thrown and the batch as it was.
   */
  add(events: PendingEvent[]): void {
    let { seq, hash, lastTime, lastMs, timeFrom, timeTo } = this;
    const mark = this.payload.mark;
    const offsets: number[] = [];
    try {
      for (const e of events) {
        if (e.chain !== this.chain)
          throw new TypeError(`an event of chain ${e.chain} cannot join chain ${this.chain}`);
        seq += 1;
        offsets.push(this.payload.mark);
        // Encoded once, into the payload; the hash is taken of the bytes written there.
        const body = this.payload.text(canonicalEventAt(e, seq));
        const next = linkHash(hash, body);
        this.payload.link(hash, next);
        hash = next;
        // Events of one caller share their time: parse it once.
        if (e.time !== lastTime) {
          lastTime = e.time;
          lastMs = Date.parse(e.time);
          if (!Number.isSafeInteger(lastMs))
            throw new TypeError(`an event's time must be a timestamp, not ${e.time}`);
          if (lastMs < timeFrom) timeFrom = lastMs;
          if (lastMs > timeTo) timeTo = lastMs;
          if (timeTo - timeFrom > MAX_BATCH_SPAN_MS)
            throw new RangeError(`a batch's events lie more than ${MAX_BATCH_SPAN_MS} ms apart`);
        }
      }
    } catch (err) {
      this.payload.reset(mark);
      throw err;
    }
    events.forEach((e, i) => {
      const actor = typeof e.actor.id === 'string' ? e.actor.id : null;
      const project = projectOf(e);
      this.indexed.push({
        offset: offsets[i] as number,
        actor: actor === null ? NO_KEY : keyIndex(this.actors, actor),
        project: project === null ? NO_KEY : keyIndex(this.projects, project),
      });
      this.actions.add(e.action);
      this.outcomes.add(e.outcome);
      if (e.subjectTokens) for (const t of e.subjectTokens) this.subjectTokens.push(t);
    });
    this.seq = seq;
    this.hash = hash;
    this.lastTime = lastTime;
    this.lastMs = lastMs;
    this.timeFrom = timeFrom;
    this.timeTo = timeTo;
  }

  /** The batch to send, sealed by `sealer`; the builder is done with. */
  finish(sealer: Sealer): PreparedBatch {
    return {
      subjectTokens: this.subjectTokens.length > 0 ? this.subjectTokens : null,
      head: this.head,
      next: this.next,
      payload: this.payload.finish(),
      timeFrom: this.timeFrom,
      timeTo: this.timeTo,
      actors: [...this.actors.keys()],
      projects: [...this.projects.keys()],
      eventIndex: encodeEventIndex(this.indexed),
      actions: [...this.actions],
      outcomes: [...this.outcomes],
      seal: sealer.seal(this.chain, this.head, this.next),
    };
  }
}

/** Hashes `events` after `head` (no database work): the batch to send and the head it leads to. */
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
 * last event and the batch goes in as one row of audit_batches, both or neither. No RETURNING
 * and no result rows: the command tag's row count (1 or 0) says whether the head moved.
 * Parameters: $1 next seq, $2 next hash, $3 chain, $4 head seq, $5 head hash, $6 first seq,
 * $7 and $8 the time range, $9–$12 the keys, $13 the payload, $14 the seal, $15 the subject
 * tokens (null when the batch reached none), $16 the event index.
 */
const SEND_BATCH = `
  WITH head AS (
    UPDATE audit_chains SET last_seq = $1, last_hash = $2
     WHERE id = $3 AND last_seq = $4 AND last_hash = $5
    RETURNING id
  )
  INSERT INTO audit_batches (chain_id, first_seq, last_seq, time_from, time_to, actor_ids, project_ids,
                             actions, outcomes, payload, seal, subject_tokens, event_index)
  SELECT $3, $6, $1, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16
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
      b.head.seq + 1,
      new Date(b.timeFrom),
      new Date(b.timeTo),
      b.actors,
      b.projects,
      b.actions,
      b.outcomes,
      b.payload,
      b.seal,
      b.subjectTokens,
      b.eventIndex,
    ]),
  );
  return Number(result.numAffectedRows ?? 0) === 1;
}

/**
 * Writes `callers`' events as one batch inside a transaction that first locks the chain head (as
 * a change's append does, `lockHead`), hashed after the head it finds: it cannot find the head
 * moved. For a batch that lost the head once; the usual path is `sendBatch`'s single statement.
 * Returns the head it made.
 */
export async function sendBatchLocked(
  db: Db,
  chain: string,
  callers: PendingEvent[][],
  sealer: Sealer,
): Promise<ChainHead> {
  return db.transaction().execute(async (tx) => {
    const head = await lockHead(tx, chain);
    const builder = new BatchBuilder(
      chain,
      head,
      callers.reduce((n, c) => n + c.length, 0),
    );
    for (const events of callers) builder.add(events);
    const prepared = builder.finish(sealer);
    if (!(await sendBatch(tx, chain, prepared)))
      throw new Error(`the head of audit chain ${chain} moved while it was locked`);
    return prepared.next;
  });
}
