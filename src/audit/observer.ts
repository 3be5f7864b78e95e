/**
 * @module audit/observer
 * The seam through which a module above the log hears about events once they are committed
 * (the alert rules, `alerting/`): the log names the shape, the composition root passes the
 * implementation in. Called after COMMIT, never inside a transaction, for changes recorded by
 * `mutate`/`record` and for the writer's group-commit batches. Events recorded with `recordIn`
 * commit with their caller's transaction, which the log does not see end: an observer notices
 * the gap in `seq` (or the chain's head moving) and reads them back. An observer must be quick
 * (it runs on the append path) and must not throw; a throw is caught and dropped here.
 */
import type { Db } from '../db/index.js';
import { eventsAfter } from './batches.db.js';

/** An event as it was appended; its `seq` is `firstSeq` plus its index in the array given. */
export interface CommittedEvent {
  id: string;
  time: string;
  action: string;
  outcome: string;
  actor: Record<string, unknown>;
  target: { type?: string; id?: string; name?: string };
  details: Record<string, unknown>;
}

export interface CommitObserver {
  /** `events` were committed to `chain` with seqs `firstSeq`, `firstSeq + 1`, … in order. */
  onCommitted(chain: string, firstSeq: number, events: readonly CommittedEvent[]): void;
}

/** A list of observers that is itself one, each call guarded. */
export function observers() {
  const list: CommitObserver[] = [];
  return {
    add(o: CommitObserver): void {
      list.push(o);
    },
    get empty(): boolean {
      return list.length === 0;
    },
    onCommitted(chain: string, firstSeq: number, events: readonly CommittedEvent[]): void {
      for (const o of list) {
        try {
          o.onCommitted(chain, firstSeq, events);
        } catch {
          // An observer's failure never reaches the writer of the log; it catches up by reading.
        }
      }
    },
  };
}

export type Observers = ReturnType<typeof observers>;

/**
 * The committed events of `chain` after `afterSeq` (at most `limit`, in seq order) as their
 * hashed records say, for an observer catching up from where it stopped.
 */
export async function committedAfter(
  db: Db,
  chain: string,
  afterSeq: number,
  limit: number,
): Promise<{ seq: number; event: CommittedEvent }[]> {
  const rows = await eventsAfter(db, chain, afterSeq, limit);
  return rows.map((r) => ({ seq: r.seq, event: JSON.parse(r.body.toString('utf8')) as CommittedEvent }));
}

/** Every chain's last seq: where an observer stands against the log. */
export async function chainHeads(db: Db): Promise<Map<string, number>> {
  const rows = await db.selectFrom('audit_chains').select(['id', 'last_seq']).execute();
  return new Map(rows.map((r) => [r.id, Number(r.last_seq)]));
}
