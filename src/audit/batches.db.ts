/**
 * @module audit/batches.db
 * Reading the events stored in batches (audit_batches, migration 0065) the way readers read rows
 * of audit_events: by seq, by id, and as filtered pages newest first. A batch's keys (time range,
 * actors, projects, actions, outcomes) only choose which batches to decode; each event is then
 * matched against the filter from its own hashed record, so a key that says too much costs a
 * decode and one that says too little is caught by verification, never shown as an event.
 */
import { sql } from 'kysely';
import pg from 'pg';
import type { Db, Tx } from '../db/index.js';
import { eventIdTime } from '../lib/ids.js';
import type { AuditTarget } from './actions.js';
import { MAX_BATCH_SPAN_MS, projectOf } from './audit.store.js';
import { decodeBatch } from './batch-codec.js';
import { type IndexedBatch, readSlices, slicesOf } from './batch-slices.db.js';
import { copyTuples, int8, type StoredRow } from './chain-rows.db.js';

type Q = Db | Tx;

/** A stored batch as a query returns it (more columns may come along). */
export interface BatchRow {
  first_seq: string | number;
  payload: Buffer;
  seal: Buffer;
}

/** A decoded event: its stored row and its parsed record. */
export interface BatchedEvent extends StoredRow {
  record: Record<string, unknown> & { id: string; time: string; action: string; outcome: string };
}

/** A batch's events, each with its parsed record; the seal on the last. */
export function decodedBatch(b: BatchRow): BatchedEvent[] {
  // The decoded rows become the events in place (one object an event, not two).
  const events = decodeBatch({ first_seq: Number(b.first_seq), payload: b.payload }) as BatchedEvent[];
  for (const e of events) {
    e.seal = null;
    e.record = JSON.parse(e.body.toString('utf8'));
  }
  const last = events.at(-1);
  if (last) last.seal = b.seal;
  return events;
}

/** What a page shows: the filters of ListAuditQuery with names resolved to ids and times to ms. */
export interface EventFilter {
  actors?: string[];
  projects?: string[];
  action?: string;
  outcome?: string;
  /** The id of what the events acted on (their target). */
  target?: string;
  sinceMs?: number;
  untilMs?: number;
  /** Only events before this (time, seq): the page's cursor. */
  before?: { ms: number; seq: number };
}

/**
 * The actor and project a parsed record names, as audit_events' columns hold them (`projectOf`
 * for the project); null where the record, damaged or odd, names none as a string.
 */
export function keysOf(r: BatchedEvent['record']): { actor_id: string | null; project_id: string | null } {
  const a = r.actor as { id?: unknown } | undefined;
  const target = (r.target ?? {}) as AuditTarget;
  const project = projectOf({ target, details: (r.details ?? {}) as Record<string, unknown> });
  return {
    actor_id: typeof a?.id === 'string' ? a.id : null,
    project_id: typeof project === 'string' ? project : null,
  };
}

function matches(e: BatchedEvent, f: EventFilter): boolean {
  const r = e.record;
  const ms = Date.parse(r.time);
  if (f.sinceMs !== undefined && !(ms >= f.sinceMs)) return false;
  if (f.untilMs !== undefined && !(ms < f.untilMs)) return false;
  if (f.before && !(ms < f.before.ms || (ms === f.before.ms && e.seq < f.before.seq))) return false;
  if (f.action !== undefined) {
    if (f.action.endsWith('*') ? !r.action.startsWith(f.action.slice(0, -1)) : r.action !== f.action)
      return false;
  }
  if (f.outcome !== undefined && r.outcome !== f.outcome) return false;
  if (f.target !== undefined && (r.target as { id?: unknown } | undefined)?.id !== f.target) return false;
  const keys = f.actors || f.projects ? keysOf(r) : undefined;
  if (f.actors && !f.actors.includes(keys?.actor_id as string)) return false;
  if (f.projects && !f.projects.includes(keys?.project_id as string)) return false;
  return true;
}

/** Newest first by (time, seq). */
export const newestFirst = (a: { ms: number; seq: number }, b: { ms: number; seq: number }) =>
  b.ms - a.ms || b.seq - a.seq;

const SCAN = 32;
/** How many payload bytes a page reads ahead of the batch it needs. */
const AHEAD_BYTES = 1024 * 1024;

/**
 * The newest `n` batched events of `chain` that match `f`, newest first by (time, seq). Batches are
 * read newest first by their newest time, SCAN at a time, narrowed by their keys; the walk stops
 * once `n` events are found and the next batch's newest time is older than the n-th of them (no
 * later batch can hold an event that would come before it).
 */
export async function batchedPage(q: Tx, chain: string, f: EventFilter, n: number): Promise<BatchedEvent[]> {
  const where = [sql`chain_id = ${chain}`];
  if (f.actors) where.push(sql`actor_ids && ${f.actors}::text[]`);
  if (f.projects) where.push(sql`project_ids && ${f.projects}::text[]`);
  if (f.action !== undefined)
    where.push(
      f.action.endsWith('*')
        ? sql`EXISTS (SELECT 1 FROM unnest(actions) a WHERE starts_with(a, ${f.action.slice(0, -1)}))`
        : sql`${f.action} = ANY(actions)`,
    );
  if (f.outcome !== undefined) where.push(sql`${f.outcome} = ANY(outcomes)`);
  if (f.sinceMs !== undefined) where.push(sql`time_to >= ${new Date(f.sinceMs)}`);
  // A batch's events lie within MAX_BATCH_SPAN_MS of each other (the writer keeps them so), so
  // a batch that starts before a bound ends before the bound plus that: a range of the time index.
  if (f.untilMs !== undefined)
    where.push(
      sql`time_from < ${new Date(f.untilMs)}`,
      sql`time_to < ${new Date(f.untilMs + MAX_BATCH_SPAN_MS)}`,
    );
  if (f.before)
    where.push(
      sql`time_from <= ${new Date(f.before.ms)}`,
      sql`time_to <= ${new Date(f.before.ms + MAX_BATCH_SPAN_MS)}`,
    );
  const hints = byteHints(f);
  const byIndex = f.actors !== undefined || f.projects !== undefined;
  const found: (BatchedEvent & { ms: number })[] = [];
  /** Whether an event at (ms, seq) would still make the page. */
  const wanted = (ms: number, seq: number) => {
    const kth = found[n - 1];
    return !kth || ms > kth.ms || (ms === kth.ms && seq > kth.seq);
  };
  let after: { timeTo: Date; firstSeq: number } | undefined;
  /**
   * Events decoded so far, and the fewest batches the next round trip reads: one when most
   * events may match (no actor, project, action or target), else four, as a narrow filter finds
   * few events a batch.
   */
  let scanned = 0;
  let least = f.actors || f.projects || f.action !== undefined || f.target !== undefined ? 4 : 1;
  for (;;) {
    const page = after
      ? [...where, sql`(time_to, first_seq) < (${after.timeTo}, ${after.firstSeq}::int8)`]
      : where;
    // The batches' keys first: a payload is read only when its batch can still add to the page.
    // A payload's size comes from its TOAST pointer; the payload itself is not read.
    // With an actor or a project, each batch's event index too: only its matching events are read.
    const { rows } = await sql<
      Omit<IndexedBatch, 'event_index'> & { time_to: Date; events: number; event_index?: Buffer | null }
    >`
      SELECT first_seq, time_from, time_to, octet_length(payload) AS bytes,
             (last_seq - first_seq + 1)::int AS events
             ${byIndex ? sql`, event_index, actor_ids, project_ids` : sql``} FROM audit_batches
       WHERE ${sql.join(page, sql` AND `)}
       ORDER BY time_to DESC, first_seq DESC LIMIT ${SCAN}`.execute(q);
    const sliced = rows.map((r) =>
      byIndex ? slicesOf({ ...r, event_index: r.event_index ?? null }, f) : undefined,
    );
    const payloads = new Map<string, (Omit<BatchRow, 'seal'> & { seal: Buffer | null })[]>();
    for (const [at, b] of rows.entries()) {
      if (found.length >= n && !wanted(b.time_to.getTime(), Number.POSITIVE_INFINITY)) return found;
      const key = `${b.first_seq}|${b.time_from.getTime()}`;
      if (!payloads.has(key)) {
        // The payloads of this batch and of the next few, in one round trip: as many batches as
        // should hold the events the page still lacks, at the share of events that matched so
        // far (all, before any was read: an unfiltered page reads one busy batch, not three),
        // and at least `least`, which doubles each round trip; never more bytes than AHEAD_BYTES
        // beyond the first (a busy writer's batches hold hundreds of events).
        const share = scanned > 0 ? Math.max(found.length, 1) / scanned : 1;
        const lacking = (n - Math.min(found.length, n) + 1) / share;
        // A batch read through its index costs the bytes of its matching events only.
        const cost = (i: number) => sliced[i]?.bytes ?? (rows[i] as (typeof rows)[number]).bytes;
        let take = 1;
        for (
          let bytes = cost(at), events = b.events;
          at + take < rows.length && (take < least || events < lacking);
          take++
        ) {
          bytes += cost(at + take);
          events += (rows[at + take] as (typeof rows)[number]).events;
          if (bytes > AHEAD_BYTES) break;
        }
        const next = rows.slice(at, at + take);
        const whole = next.filter((_, i) => !sliced[at + i]);
        least = Math.min(take * 2, SCAN);
        const [stored, slices] = await Promise.all([
          whole.length > 0
            ? payloadsOf(
                q,
                chain,
                whole.map((r) => Number(r.first_seq)),
              )
            : [],
          readSlices(
            q,
            chain,
            next.flatMap((_, i) => sliced[at + i]?.slices ?? []),
          ),
        ]);
        for (const r of next) payloads.set(`${r.first_seq}|${r.time_from.getTime()}`, []);
        for (const r of stored) payloads.get(`${r.first_seq}|${r.time_from.getTime()}`)?.push(r);
        for (const r of slices) payloads.get(`${r.batchSeq}|${r.time_from.getTime()}`)?.push(r);
        // A batch read through its index was looked at whole: all its events count as scanned.
        next.forEach((r, i) => {
          if (sliced[at + i]) scanned += r.events;
        });
      }
      for (const row of payloads.get(key) ?? []) {
        const events = decodeBatch({ first_seq: Number(row.first_seq), payload: row.payload });
        // Newest first (a batch's times rise with its seqs, give or take a clock step), so once
        // the page is full the rest of the batch is passed over by time, unparsed.
        if (!sliced[at]) scanned += events.length;
        for (let i = events.length - 1; i >= 0; i--) {
          const e = events[i] as (typeof events)[number];
          // Only what could still make the page is parsed: its time is read from the record's end.
          const ms = timeOf(e.body);
          if (found.length >= n && ms !== undefined && !wanted(ms, e.seq)) continue;
          if (!hints.every((h) => e.body.includes(h))) continue;
          const event: BatchedEvent = {
            ...e,
            seal: i === events.length - 1 ? row.seal : null,
            record: JSON.parse(e.body.toString('utf8')),
          };
          if (!matches(event, f)) continue;
          found.push({ ...event, ms: Date.parse(event.record.time) });
          found.sort(newestFirst);
          if (found.length > n) found.length = n;
        }
      }
    }
    const last = rows[rows.length - 1];
    if (!last || rows.length < SCAN) return found;
    after = { timeTo: last.time_to, firstSeq: Number(last.first_seq) };
  }
}

/** Milliseconds between the Unix epoch and PostgreSQL's (2000-01-01 UTC). */
const PG_EPOCH_MS = 946_684_800_000;

/**
 * The stored batches of `chain` starting at `firstSeqs`, read with a binary COPY on the page's
 * transaction: as a query's text a payload arrives hex-encoded, twice its size, encoded by the
 * server and decoded here, which was most of a page's cost.
 */
async function payloadsOf(
  tx: Tx,
  chain: string,
  firstSeqs: number[],
): Promise<(BatchRow & { time_from: Date })[]> {
  if (chain.includes('\0')) throw new Error('a chain id cannot contain a NUL character');
  if (!firstSeqs.every((n) => Number.isSafeInteger(n))) throw new Error('a batch starts at an integer seq');
  const tuples = await copyTuples(
    tx,
    `COPY (SELECT first_seq, time_from, payload, seal FROM audit_batches
            WHERE chain_id = ${pg.escapeLiteral(chain)} AND first_seq IN (${firstSeqs.join(', ')}))
       TO STDOUT (FORMAT binary)`,
    4,
  );
  return tuples.map(([first, from, payload, seal]) => {
    if (from?.length !== 8) throw new Error(`a batch's time arrived as ${from?.length ?? 'NULL'} bytes`);
    const us = from.readBigInt64BE(0);
    return {
      first_seq: int8(first),
      time_from: new Date(PG_EPOCH_MS + Number(us / 1000n)),
      payload: payload ?? Buffer.alloc(0),
      seal: seal ?? Buffer.alloc(0),
    };
  });
}

/**
 * An event's time, read from the end of its record: canonical JSON sorts the keys, and `time` is
 * the last (`…,"time":"2026-12-06T23:18:48.123Z"}`). Undefined when the end is not that shape
 * (a damaged record): the event is then parsed, and judged on what it says.
 */
function timeOf(body: Buffer): number | undefined {
  if (body.length < 35 || body[body.length - 1] !== 0x7d || body[body.length - 2] !== 0x22) return undefined;
  const text = body.toString('latin1', body.length - 35, body.length - 2);
  if (!text.startsWith(',"time":"')) return undefined;
  const ms = Date.parse(text.slice(9));
  return Number.isFinite(ms) ? ms : undefined;
}

/**
 * Bytes every matching record contains, to skip the others without parsing them: the start of the
 * record up to an exact action, or up to an action prefix's last character (canonical JSON opens
 * every record with its action, and escapes a string character by character, so a prefix's
 * escaped text is the escaped action's prefix), and an actor's or project's id when there is one
 * (as a JSON string). A record that has them is still parsed and matched exactly.
 */
function byteHints(f: EventFilter): Buffer[] {
  const hints: string[] = [];
  if (f.action !== undefined)
    hints.push(
      f.action.endsWith('*')
        ? `{"action":${JSON.stringify(f.action.slice(0, -1)).slice(0, -1)}`
        : `{"action":${JSON.stringify(f.action)},`,
    );
  if (f.actors?.length === 1) hints.push(JSON.stringify(f.actors[0]));
  if (f.projects?.length === 1) hints.push(JSON.stringify(f.projects[0]));
  if (f.outcome !== undefined) hints.push(`"outcome":${JSON.stringify(f.outcome)}`);
  return hints.map((h) => Buffer.from(h, 'utf8'));
}

/**
 * A batched event by id. An id carries the millisecond it was made (lib/ids newEventId), which
 * is the event's time, so only the batches around it are decoded.
 */
export async function batchedEventById(q: Q, chain: string, id: string): Promise<BatchedEvent | undefined> {
  const ms = eventIdTime(id);
  if (ms === undefined) return undefined;
  const { rows } = await sql<BatchRow>`
    SELECT first_seq, payload, seal FROM audit_batches
     WHERE chain_id = ${chain} AND time_from <= ${new Date(ms + 1000)} AND time_to >= ${new Date(ms - 1000)}
     ORDER BY first_seq`.execute(q);
  for (const b of rows) for (const e of decodedBatch(b)) if (e.record.id === id) return e;
  return undefined;
}

/** A plain query's rows of audit_events as stored rows. */
interface PlainRow {
  seq: string | number;
  body: string;
  prev_hash: Buffer;
  hash: Buffer;
  seal: Buffer | null;
}

/**
 * The first `limit` events of `chain` after `afterSeq`, in seq order, from both tables (what a
 * sink delivers next). Plain queries, for readers that are not in a transaction of their own.
 */
export async function eventsAfter(
  q: Q,
  chain: string,
  afterSeq: number,
  limit: number,
): Promise<StoredRow[]> {
  // A chain's seqs are dense, so the next `limit` events are seqs afterSeq+1 … afterSeq+limit: read
  // only those (a batch is decoded only when it holds one). Below the retention floor they are gone;
  // then the first that remain are read without the window.
  const windowed = await rowsAfter(q, chain, afterSeq, limit, afterSeq + limit);
  return windowed.length > 0 ? windowed : rowsAfter(q, chain, afterSeq, limit, undefined);
}

async function rowsAfter(
  q: Q,
  chain: string,
  afterSeq: number,
  limit: number,
  upTo: number | undefined,
): Promise<StoredRow[]> {
  const [single, batched] = await Promise.all([
    sql<PlainRow>`
      SELECT seq, body, prev_hash, hash, seal FROM audit_events
       WHERE chain_id = ${chain} AND seq > ${afterSeq}
         ${upTo === undefined ? sql`` : sql`AND seq <= ${upTo}`}
       ORDER BY seq LIMIT ${limit}`.execute(q),
    sql<BatchRow>`
      SELECT first_seq, payload, seal FROM audit_batches
       WHERE chain_id = ${chain} AND last_seq > ${afterSeq}
         ${upTo === undefined ? sql`` : sql`AND first_seq <= ${upTo}`}
       ORDER BY first_seq LIMIT ${limit}`.execute(q),
  ]);
  const rows: StoredRow[] = single.rows.map((r) => ({
    seq: Number(r.seq),
    body: Buffer.from(r.body, 'utf8'),
    prev_hash: r.prev_hash,
    hash: r.hash,
    seal: r.seal,
  }));
  // The first `limit` batched events (batches come in seq order) are all the union can use.
  let fromBatches = 0;
  for (const b of batched.rows) {
    if (fromBatches >= limit) break;
    for (const e of decodedBatch(b))
      if (e.seq > afterSeq) {
        rows.push(e);
        fromBatches++;
      }
  }
  rows.sort((a, b) => a.seq - b.seq);
  return rows.slice(0, limit);
}

/** When the event at `seq` happened (a batched event: when its batch's oldest did, at most that). */
export async function eventTime(q: Q, chain: string, seq: number): Promise<Date | undefined> {
  const { rows } = await sql<{ time: Date | null }>`
    SELECT coalesce(
      (SELECT time FROM audit_events WHERE chain_id = ${chain} AND seq = ${seq}),
      (SELECT time_from FROM audit_batches WHERE chain_id = ${chain} AND first_seq <= ${seq} AND last_seq >= ${seq}
        LIMIT 1)) AS time`.execute(q);
  return rows[0]?.time ?? undefined;
}
