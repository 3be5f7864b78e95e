/**
 * @module gateway/expectations
 * The explicit state of a session's conversation with its server: what each forwarded client
 * message is still owed, in order. PostgreSQL answers messages in the order it receives them
 * (Query: results then ReadyForQuery; Parse: ParseComplete; Bind: BindComplete; Describe: a
 * description or NoData; Execute: rows then CommandComplete, EmptyQueryResponse or
 * PortalSuspended; Close: CloseComplete; Sync: ReadyForQuery), and after an error in the
 * extended protocol it skips everything up to the next Sync. Knowing which message each reply
 * answers lets the gateway attribute outcomes to statements and place its own replies (a refusal)
 * exactly where the server's would have been.
 * https://www.postgresql.org/docs/current/protocol-flow.html
 */

import type { PortalSubjects, StatementSubjects } from './subjects/statement-subjects.js';

export interface Statement {
  seq: number;
  startedAt: number;
  tags: string[];
  rows: number | null;
  sqlstate: string | null;
  /** The subjects it reaches (accounting of access), in projects that declare subject keys. */
  subj?: StatementSubjects;
}

export type Expectation =
  | { k: 'query'; stmt: Statement }
  | { k: 'execute'; stmt: Statement }
  | { k: 'function'; stmt: Statement }
  | { k: 'parse' }
  | { k: 'bind' }
  /** A Describe; with subject keys, what its RowDescription describes (a portal or a statement). */
  | { k: 'describe'; portal?: PortalSubjects; prepared?: { desc?: Buffer } }
  | { k: 'close' }
  | { k: 'sync' }
  /** The gateway's own reply, sent when everything before it has been answered. */
  | { k: 'local'; bytes: () => Buffer; tag: number };

const MAX_OUTSTANDING = 100_000;

export class ExpectationQueue {
  private items: Expectation[] = [];
  private head = 0;

  get size(): number {
    return this.items.length - this.head;
  }

  push(e: Expectation): boolean {
    if (this.size >= MAX_OUTSTANDING) return false;
    this.items.push(e);
    return true;
  }

  peek(): Expectation | undefined {
    return this.items[this.head];
  }

  shift(): Expectation | undefined {
    const e = this.items[this.head];
    if (e === undefined) return undefined;
    this.items[this.head] = undefined as unknown as Expectation;
    this.head++;
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return e;
  }

  /** Statements still owed an outcome (for the session's end). */
  statements(): Statement[] {
    const out: Statement[] = [];
    for (let i = this.head; i < this.items.length; i++) {
      const e = this.items[i] as Expectation;
      if (e.k === 'query' || e.k === 'execute' || e.k === 'function') out.push(e.stmt);
    }
    return out;
  }
}
