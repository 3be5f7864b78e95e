/**
 * @module audit/writer
 * Durable appends at volume (the gateway's statement events): group commit per chain, pipelined.
 * Events queue while a chain's writes are in flight and go in together on the next one, each
 * write a single autocommitted statement (one round trip, one WAL flush) that moves the chain
 * head from an expected head and inserts the batch (hashes computed here), both or neither.
 * Up to PIPELINE writes per chain are in flight: the next batch is hashed after the head the
 * previous one will leave, so preparing it overlaps the previous write. A flushing chain holds one
 * connection (at most CONNECTIONS chains at once, each for at most ROUNDS batches before it lets
 * another in), so its writes reach PostgreSQL in the order they were hashed; new work wakes the
 * loop while a write is in flight. If a write finds the head elsewhere (another process, a change
 * through `audit.mutate`, or an earlier batch that failed), nothing of it was written: it and
 * every batch after it are re-hashed after the head read afresh, in their original order. Writes
 * are settled in order, so callers are answered in order; `append` resolves only after its events
 * are committed (synchronous_commit on) and rejects if they could not be, so a caller that waits
 * never acts on an event that is not durable.
 */
import type { Db } from '../db/pool.js';
import {
  type ChainHead,
  type PendingEvent,
  type PreparedBatch,
  prepareBatch,
  readHead,
  sendBatch,
} from './audit.store.js';

const MAX_BATCH = 2000;
const PIPELINE = 2;
const MAX_ATTEMPTS = 20;
const CONNECTIONS = 4;
const SPLIT_FROM = 16;
const ROUNDS = 64;

interface Waiter {
  events: PendingEvent[];
  resolve(): void;
  reject(err: unknown): void;
}

interface Batch {
  waiters: Waiter[];
  attempts: number;
}

interface InFlight {
  batch: Batch;
  sent: Promise<boolean>;
}

export function createAuditWriter(deps: { db: Db }) {
  const queues = new Map<string, Batch[]>();
  const flushing = new Map<string, Promise<void>>();
  /** The head after the last batch sent on each chain; unknown after a failure or a stale head. */
  const predicted = new Map<string, ChainHead>();

  /** The next batch: queued retries first, then whole callers until the batch is full. */
  function take(chain: string, limit = MAX_BATCH): Batch | undefined {
    const queue = queues.get(chain);
    if (!queue?.length) return undefined;
    const first = queue.shift() as Batch;
    if (first.attempts > 0) return first;
    let rows = first.waiters.reduce((n, w) => n + w.events.length, 0);
    while (queue.length && (queue[0] as Batch).attempts === 0) {
      const w = (queue[0] as Batch).waiters[0] as Waiter;
      if (rows + w.events.length > limit) break;
      queue.shift();
      first.waiters.push(w);
      rows += w.events.length;
    }
    return first;
  }

  const queuedRows = (chain: string) =>
    (queues.get(chain) ?? []).reduce((n, b) => n + b.waiters.reduce((m, w) => m + w.events.length, 0), 0);

  /** Chains waiting for one of the CONNECTIONS, first come first served. */
  const waiting: (() => void)[] = [];
  let holding = 0;
  async function withConnection(work: (db: Db) => Promise<void>): Promise<void> {
    if (holding >= CONNECTIONS) await new Promise<void>((resolve) => waiting.push(resolve));
    else holding += 1;
    try {
      await deps.db.connection().execute(work);
    } finally {
      const next = waiting.shift();
      if (next) next();
      else holding -= 1;
    }
  }

  /** Resolves a flushing chain's wait when new work arrives for it. */
  const wakers = new Map<string, () => void>();

  function woken(chain: string): Promise<'woken'> {
    return new Promise((resolve) =>
      wakers.set(chain, () => {
        wakers.delete(chain);
        // On the next turn of the event loop: every caller released by the same commit (each a
        // chain of microtasks) queues first, and they go out as one batch.
        setImmediate(resolve, 'woken');
      }),
    );
  }

  async function flush(chain: string, db: Db): Promise<void> {
    const inflight: InFlight[] = [];
    let rounds = 0;
    for (;;) {
      while (inflight.length < PIPELINE && rounds < ROUNDS) {
        // With nothing in flight, a large queue goes as two halves: hashing the second overlaps
        // writing the first, and the two groups of callers then keep alternating.
        const batch = take(
          chain,
          inflight.length === 0 ? Math.max(SPLIT_FROM, Math.ceil(queuedRows(chain) / 2)) : MAX_BATCH,
        );
        if (!batch) break;
        let prepared: PreparedBatch;
        try {
          const head = predicted.get(chain) ?? (await readHead(db, chain));
          prepared = prepareBatch(
            head,
            batch.waiters.flatMap((w) => w.events),
          );
        } catch (err) {
          for (const w of batch.waiters) w.reject(err);
          continue;
        }
        predicted.set(chain, prepared.next);
        const sent = sendBatch(db, chain, prepared);
        sent.catch(() => undefined);
        inflight.push({ batch, sent });
        rounds += 1;
      }
      const first = inflight[0];
      if (!first) return;
      if (inflight.length < PIPELINE && rounds < ROUNDS) {
        const settled = first.sent.then(
          () => 'settled' as const,
          () => 'settled' as const,
        );
        const why = await Promise.race([settled, woken(chain)]);
        wakers.delete(chain);
        if (why === 'woken') continue;
      }
      inflight.shift();
      let outcome: boolean | Error;
      try {
        outcome = await first.sent;
      } catch (err) {
        outcome = err as Error;
      }
      if (outcome === true) {
        for (const w of first.batch.waiters) w.resolve();
        continue;
      }
      // Nothing of this batch was written, and every batch sent after it was hashed after a head
      // that never came: let them settle (unwritten), then re-hash all of them, in order.
      predicted.delete(chain);
      const later = inflight.splice(0);
      await Promise.allSettled(later.map((f) => f.sent));
      const retry: Batch[] = [];
      if (outcome instanceof Error) {
        for (const w of first.batch.waiters) w.reject(outcome);
      } else retry.push(first.batch);
      retry.push(...later.map((f) => f.batch));
      for (const b of retry) b.attempts += 1;
      const given = retry.filter((b) => b.attempts > MAX_ATTEMPTS);
      for (const b of given)
        for (const w of b.waiters)
          w.reject(new Error(`the head of audit chain ${chain} kept moving; the events were not written`));
      queues.set(chain, [...retry.filter((b) => b.attempts <= MAX_ATTEMPTS), ...(queues.get(chain) ?? [])]);
    }
  }

  function kick(chain: string): void {
    if (flushing.has(chain)) {
      wakers.get(chain)?.();
      return;
    }
    // Starts on the next turn of the event loop, for the same reason as `woken`.
    const run = new Promise((resolve) => setImmediate(resolve))
      .then(() => withConnection((db) => flush(chain, db)))
      .catch((err) => {
        // No connection (the database is unreachable): what waits for this chain fails now.
        predicted.delete(chain);
        const queued = queues.get(chain) ?? [];
        queues.delete(chain);
        for (const b of queued) for (const w of b.waiters) w.reject(err);
      })
      .finally(() => {
        flushing.delete(chain);
        if ((queues.get(chain)?.length ?? 0) > 0) kick(chain);
      });
    flushing.set(chain, run);
  }

  return {
    /** Appends events of one chain; resolves once they are committed. */
    append(chain: string, events: PendingEvent[]): Promise<void> {
      if (events.length === 0) return Promise.resolve();
      return new Promise<void>((resolve, reject) => {
        const queue = queues.get(chain) ?? [];
        queue.push({ waiters: [{ events, resolve, reject }], attempts: 0 });
        queues.set(chain, queue);
        kick(chain);
      });
    },
    /** Waits until everything queued so far is committed (or failed). */
    async drain(): Promise<void> {
      while (flushing.size > 0) await Promise.allSettled([...flushing.values()]);
    },
  };
}

export type AuditWriter = ReturnType<typeof createAuditWriter>;
