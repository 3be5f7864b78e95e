/**
 * @module audit/writer
 * Durable appends at volume (the gateway's statement events): group commit per chain. Events
 * queue while a chain's commit is in flight and go in together on the next one: one transaction
 * locks the chain head, inserts the whole batch (hashes computed here), moves the head and
 * commits. `append` resolves only after its events are committed (synchronous_commit on), and
 * rejects if they could not be, so a caller that waits never acts on an event that is not
 * durable. Changes made through `audit.mutate` lock the same head row, so both paths keep one
 * gapless chain, across processes too.
 */
import type { Db } from '../db/pool.js';
import { appendEvents, type PendingEvent } from './audit.store.js';

const MAX_BATCH = 2000;

interface Waiter {
  events: PendingEvent[];
  resolve(): void;
  reject(err: unknown): void;
}

export function createAuditWriter(deps: { db: Db }) {
  const queues = new Map<string, Waiter[]>();
  const flushing = new Map<string, Promise<void>>();

  async function flush(chain: string): Promise<void> {
    for (;;) {
      const queue = queues.get(chain) ?? [];
      if (queue.length === 0) {
        queues.delete(chain);
        return;
      }
      // Take whole callers until the batch is full; a caller's events always commit together.
      const taken: Waiter[] = [];
      let rows = 0;
      while (queue.length > 0 && (taken.length === 0 || rows + (queue[0]?.events.length ?? 0) <= MAX_BATCH)) {
        const w = queue.shift() as Waiter;
        taken.push(w);
        rows += w.events.length;
      }
      try {
        await deps.db.transaction().execute((tx) =>
          appendEvents(
            tx,
            taken.flatMap((w) => w.events),
          ),
        );
        for (const w of taken) w.resolve();
      } catch (err) {
        for (const w of taken) w.reject(err);
      }
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
        queue.push({ events, resolve, reject });
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
