/**
 * @module audit/writer
 * Durable appends at volume (the gateway's statement events): group commit per chain, pipelined.
 * Events queue while a chain's write is in flight and go in together on the next one, each
 * write a single autocommitted statement (one round trip, one WAL flush) that moves the chain
 * head from an expected head and inserts the batch (hashes computed here) as one row of
 * audit_batches, both or neither.
 * One write per chain is in flight. Callers that arrive meanwhile are hashed at once into the
 * next batch, after the head that write will leave, so hashing overlaps the write, the next batch
 * is sent the moment the write returns, and it holds every caller that came meanwhile (none waits
 * for a batch closed before it arrived). A flushing chain holds one
 * connection (at most CONNECTIONS chains at once, each for at most ROUNDS batches before it lets
 * another in), so its writes reach PostgreSQL in the order they were hashed; new work wakes the
 * loop while a write is in flight. If a write finds the head elsewhere (another process, a change
 * through `audit.mutate`, or an earlier batch that failed), nothing of it was written: it and
 * the batch hashed after it go again, in their original order, each in a transaction that locks
 * the head first (as a change does), so a chain busy with changes cannot starve the writer. Writes
 * are settled in order, so callers are answered in order; `append` resolves only after its events
 * are committed (synchronous_commit on) and rejects if they could not be, so a caller that waits
 * never acts on an event that is not durable.
 */
import type { Db } from '../db/index.js';
import {
  BatchBuilder,
  type ChainHead,
  type PendingEvent,
  readHead,
  sendBatch,
  sendBatchLocked,
} from './audit.store.js';
import type { CommitObserver } from './observer.js';
import type { Sealer } from './seal.js';

const MAX_BATCH = 2000;
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
  /** Written under the chain head's lock (a retry): nothing is hashed after it until it is done. */
  locked: boolean;
  /** The chain's head once it is written: its last event's seq. */
  head?: ChainHead;
}

/** The batch being hashed while the one before it is written, sent the moment that write returns. */
interface Open {
  batch: Batch;
  builder: BatchBuilder;
}

export function createAuditWriter(deps: { db: Db; sealer: Sealer; observer?: CommitObserver }) {
  /** Tells the observer about a written batch: its callers' events end at `head`, in order. */
  function observed(chain: string, batch: Batch, head: ChainHead | undefined): void {
    if (!deps.observer || !head) return;
    let seq = head.seq + 1;
    for (const w of batch.waiters) seq -= w.events.length;
    for (const w of batch.waiters) {
      deps.observer.onCommitted(chain, seq, w.events);
      seq += w.events.length;
    }
  }

  const queues = new Map<string, Batch[]>();
  const flushing = new Map<string, Promise<void>>();
  /** The head after the last batch sent on each chain; unknown after a failure or a stale head. */
  const predicted = new Map<string, ChainHead>();

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

  /** Hashes a caller's events into the open batch; a caller whose events cannot be written is refused alone. */
  function add(open: Open, w: Waiter): void {
    try {
      open.builder.add(w.events);
      open.batch.waiters.push(w);
    } catch (err) {
      w.reject(err);
    }
  }

  /**
   * Hashes what is queued into the open batch, making one when there is none: after the head the
   * batch being written will leave, or (nothing in flight, nothing known) the head read afresh.
   * A retried batch goes again as it was, alone; fresh callers join an open batch of fresh ones
   * while their events fit (the first always does).
   */
  async function absorb(
    chain: string,
    db: Db,
    open: Open | undefined,
    writing: boolean,
  ): Promise<Open | undefined> {
    const queue = queues.get(chain) ?? [];
    let limit = MAX_BATCH;
    if (!open) {
      const first = queue[0];
      if (!first) return undefined;
      const queued = queuedRows(chain);
      // With nothing being written, a large queue goes as two halves: hashing the second overlaps
      // writing the first, and the two groups of callers then keep alternating.
      if (!writing) limit = Math.max(SPLIT_FROM, Math.ceil(queued / 2));
      let head: ChainHead;
      try {
        head = predicted.get(chain) ?? (await readHead(db, chain));
      } catch (err) {
        queue.shift();
        for (const w of first.waiters) w.reject(err);
        return undefined;
      }
      open = {
        batch: { waiters: [], attempts: first.attempts },
        builder: new BatchBuilder(chain, head, Math.min(limit, queued)),
      };
      if (first.attempts > 0) {
        queue.shift();
        for (const w of first.waiters) add(open, w);
      }
    }
    while (open.batch.attempts === 0 && queue.length && (queue[0] as Batch).attempts === 0) {
      const w = (queue[0] as Batch).waiters[0] as Waiter;
      if (
        open.builder.size > 0 &&
        (open.builder.size + w.events.length > limit || !open.builder.spans(w.events))
      )
        break;
      queue.shift();
      add(open, w);
    }
    return open.batch.waiters.length > 0 ? open : undefined;
  }

  async function flush(chain: string, db: Db): Promise<void> {
    let inflight: InFlight | undefined;
    let open: Open | undefined;
    let rounds = 0;
    const send = (o: Open): InFlight => {
      rounds += 1;
      if (o.batch.attempts > 0) {
        // It lost the head once (to a change's transaction, or another process): this time it is
        // hashed and written under the head's lock, so it cannot lose again, however busy the chain.
        predicted.delete(chain);
        const sent = sendBatchLocked(
          db,
          chain,
          o.batch.waiters.map((w) => w.events),
          deps.sealer,
        ).then((next) => {
          predicted.set(chain, next);
          flight.head = next;
          return true;
        });
        sent.catch(() => undefined);
        const flight: InFlight = { batch: o.batch, sent, locked: true };
        return flight;
      }
      const prepared = o.builder.finish(deps.sealer);
      predicted.set(chain, prepared.next);
      const sent = sendBatch(db, chain, prepared);
      sent.catch(() => undefined);
      return { batch: o.batch, sent, locked: false, head: prepared.next };
    };
    for (;;) {
      if (rounds < ROUNDS && !inflight?.locked) open = await absorb(chain, db, open, inflight !== undefined);
      if (!inflight && open) {
        inflight = send(open);
        open = undefined;
        continue;
      }
      if (!inflight) return;
      if (rounds < ROUNDS) {
        const settled = inflight.sent.then(
          () => 'settled' as const,
          () => 'settled' as const,
        );
        const why = await Promise.race([settled, woken(chain)]);
        wakers.delete(chain);
        if (why === 'woken') continue;
      }
      const first = inflight;
      inflight = undefined;
      let outcome: boolean | Error;
      try {
        outcome = await first.sent;
      } catch (err) {
        outcome = err as Error;
      }
      if (outcome === true) {
        // The next write starts before these callers are answered (answering them sends their
        // sessions' replies, which would keep the database waiting).
        if (open) {
          inflight = send(open);
          open = undefined;
        }
        for (const w of first.batch.waiters) w.resolve();
        observed(chain, first.batch, first.head);
        continue;
      }
      // Nothing of this batch was written, and the open batch was hashed after a head that never
      // came: re-hash both, in order, after the head read afresh.
      predicted.delete(chain);
      const retry: Batch[] = [];
      if (outcome instanceof Error) {
        for (const w of first.batch.waiters) w.reject(outcome);
      } else retry.push(first.batch);
      if (open) retry.push(open.batch);
      open = undefined;
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
