/**
 * @module audit/writer
 * Durable appends at volume (the gateway's statement events): group commit per chain, pipelined.
 * Events queue while a chain's writes are in flight and go in together on the next one, each
 * write a single autocommitted statement (one round trip, one WAL flush) that moves the chain
 * head from an expected head and inserts the batch (hashes computed here), both or neither.
 * Up to PIPELINE writes per chain are in flight: the next batch is hashed after the head the
 * previous one will leave, so preparing it overlaps the previous commit; PostgreSQL's row lock
 * on the chain head orders them. If a write finds the head elsewhere (another process, a change
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
  function take(chain: string): Batch | undefined {
    const queue = queues.get(chain);
    if (!queue?.length) return undefined;
    const first = queue.shift() as Batch;
    if (first.attempts > 0) return first;
    let rows = first.waiters.reduce((n, w) => n + w.events.length, 0);
    while (queue.length && (queue[0] as Batch).attempts === 0) {
      const w = (queue[0] as Batch).waiters[0] as Waiter;
      if (rows + w.events.length > MAX_BATCH) break;
      queue.shift();
      first.waiters.push(w);
      rows += w.events.length;
    }
    return first;
  }

  async function flush(chain: string): Promise<void> {
    const inflight: InFlight[] = [];
    for (;;) {
      while (inflight.length < PIPELINE) {
        const batch = take(chain);
        if (!batch) break;
        let prepared: PreparedBatch;
        try {
          const head = predicted.get(chain) ?? (await readHead(deps.db, chain));
          prepared = prepareBatch(
            head,
            batch.waiters.flatMap((w) => w.events),
          );
        } catch (err) {
          for (const w of batch.waiters) w.reject(err);
          continue;
        }
        predicted.set(chain, prepared.next);
        const sent = sendBatch(deps.db, chain, prepared);
        sent.catch(() => undefined);
        inflight.push({ batch, sent });
      }
      const first = inflight.shift();
      if (!first) return;
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
    if (flushing.has(chain)) return;
    const run = flush(chain).finally(() => {
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
