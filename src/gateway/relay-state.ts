/**
 * @module gateway/relay-state
 * The conversation's state, which the message handlers (client-messages.ts, server-messages.ts)
 * read and change: what each forwarded message is still owed, the prepared statements and
 * portals, the statement counter, the events not yet submitted, and the server parameters the
 * relay tracks. It holds no socket and knows no session: the handlers return what the session
 * should do next, so the session depends on them and never the other way round.
 */
import type { EventSpec } from '../audit/index.js';
import { GatewayError } from './errors.js';
import {
  type Protocol,
  resultEvent,
  type SealedText,
  type SessionInfo,
  type StatementOutcome,
  statementEvent,
} from './events.js';
import { ExpectationQueue, type Statement } from './expectations.js';
import { SQLSTATE } from './protocol/codes.js';
import type { Normalizer, StatementInfo } from './statements/normalizer.js';
import type { SessionSubjects } from './subjects/session-subjects.js';
import type { PortalSubjects, StatementSubjects } from './subjects/statement-subjects.js';

export interface PreparedText {
  info: StatementInfo;
  text: SealedText;
  /** With subject keys: the Parse text's literals (a predicate may compare a key with one). */
  lits?: { base: number; raw: string[]; standardStrings: boolean };
  /** With subject keys: its RowDescription, from a Describe of the statement. */
  desc?: Buffer;
}

/** Encodings in which a byte of a multibyte character can look like a quote: literals cannot be found safely. */
const UNSAFE_ENCODING = /^(SJIS|SHIFT_JIS_2004|BIG5|GBK|GB18030|UHC|JOHAB)$/;

export class RelayState {
  readonly exp = new ExpectationQueue();
  readonly prepared = new Map<string, PreparedText>();
  readonly portals = new Map<string, PreparedText | undefined>();
  /** With subject keys: what each portal's Bind named, and its rows' plan once described. */
  readonly portalSubjects = new Map<string, PortalSubjects>();
  /** Events of the chunk being processed; the session submits them together when it is done. */
  readonly events: EventSpec[] = [];
  /** The sequence number of the last statement. */
  seq = 0;
  standardStrings = true;
  utf8 = true;
  txStatus = 0x49;
  /** After a refused Parse: drop messages up to Sync, as the server would after an error. */
  discarding = false;
  /** Statements sent to the server and not yet answered. */
  busy = 0;
  private textSeq = 0;

  constructor(
    readonly info: SessionInfo,
    readonly normalizer: Normalizer,
    /** Seals raw statement text under the session's key (dbaccess `statementSealer`). */
    private readonly sealer: (textId: number, text: Buffer) => Buffer,
    /** The project's subject keys as this session matches them; undefined when it declares none. */
    readonly subjects?: SessionSubjects,
  ) {}

  /** A new statement: its sequence number, and its raw text sealed (or the prepared one's). */
  statement(
    protocol: Protocol,
    info: StatementInfo,
    raw: Buffer | SealedText | undefined,
    refused?: GatewayError,
    subj?: StatementSubjects,
  ): Statement {
    const stmt: Statement = {
      seq: ++this.seq,
      startedAt: performance.now(),
      tags: [],
      rows: null,
      sqlstate: null,
    };
    if (subj) stmt.subj = subj;
    const text = raw === undefined || !Buffer.isBuffer(raw) ? raw : this.seal(raw);
    this.events.push(
      statementEvent(
        this.info,
        stmt,
        protocol,
        info,
        text,
        refused ? { sqlstate: refused.sqlstate, reason: refused.reason } : undefined,
        this.takeSuccess(stmt.seq - 1),
      ),
    );
    return stmt;
  }

  /**
   * The outcome of statement `seq`, taken out of the events not yet submitted, when it is the last
   * of them and a success: it then travels in the next statement's event (one event a statement
   * in the common case). A failure keeps its own event, which filters by outcome find.
   */
  private takeSuccess(seq: number): StatementOutcome | undefined {
    const last = this.events[this.events.length - 1];
    if (last?.action !== 'db.statement.result' || last.outcome !== 'success') return undefined;
    // An outcome that returned subjects keeps its own event: its tokens are indexed with it.
    if (last.subjectTokens) return undefined;
    const outcome = last.details as StatementOutcome;
    if (outcome.seq !== seq || outcome.session_id !== this.info.sid) return undefined;
    this.events.pop();
    return outcome;
  }

  seal(raw: Buffer): SealedText {
    const id = ++this.textSeq;
    return {
      id,
      sealed: this.sealer(id, raw),
      bytes: raw.length,
      recorded: false,
    };
  }

  /** A statement's outcome: its result event. */
  finish(stmt: Statement, skipped = false): void {
    this.busy = Math.max(0, this.busy - 1);
    this.events.push(resultEvent(this.info, stmt, performance.now(), skipped));
  }

  decode(bytes: Buffer): string {
    return bytes.toString(this.utf8 ? 'utf8' : 'latin1');
  }

  /**
   * A server parameter the relay cares about (standard_conforming_strings, client_encoding).
   * Returns why the session must end if the relay cannot work with it (an unsafe client encoding).
   */
  parameter(name: string, value: string): GatewayError | undefined {
    if (name === 'standard_conforming_strings') this.standardStrings = value !== 'off';
    if (name !== 'client_encoding') return undefined;
    const enc = value.toUpperCase();
    this.utf8 = enc === 'UTF8' || enc === 'UNICODE' || enc === 'SQL_ASCII';
    if (!UNSAFE_ENCODING.test(enc)) return undefined;
    return new GatewayError(
      SQLSTATE.feature_not_supported,
      `the gateway cannot remove literals safely from statements in client encoding ${value}; use UTF8`,
    );
  }
}
