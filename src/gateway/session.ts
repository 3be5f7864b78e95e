/**
 * @module gateway/session
 * One client's session after login: the relay between the client and its server connection.
 * Client messages are framed, recorded (statements become audit events as they arrive), checked
 * (PHI in a HIPAA project's schema names) and forwarded; server messages are framed, matched to
 * what they answer (expectations.ts) so each statement gets its outcome, and released to the
 * client only once the statements before them are durable (audit-gate.ts, outbox.ts). Chunks
 * are forwarded as they came whenever nothing in them changed. See client-messages.ts and
 * server-messages.ts for what each message does.
 */
import { connect, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { AuditService, EventSpec } from '../audit/audit.service.js';
import { statementSealer } from '../dbaccess/statement-text.js';
import type { RequestContext } from '../lib/context.js';
import type { Logger } from '../lib/logger.js';
import { AuditGate, type AuditHealth, type RetryBacklog } from './audit-gate.js';
import { onClientFrame } from './client-messages.js';
import { errorMessage, GatewayError } from './errors.js';
import {
  disconnectEvent,
  type Protocol,
  resultEvent,
  type SealedText,
  type SessionInfo,
  statementEvent,
} from './events.js';
import { ExpectationQueue, type Statement } from './expectations.js';
import type { GatewayMetrics } from './metrics.js';
import { Outbox } from './outbox.js';
import { cancelRequest, terminate } from './protocol/build.js';
import { SQLSTATE } from './protocol/codes.js';
import { type Frame, Framer, ProtocolError } from './protocol/framing.js';
import { onServerFrame } from './server-messages.js';
import type { Normalizer, StatementInfo } from './statements/normalizer.js';

export interface SessionEnv {
  audit: AuditService;
  health: AuditHealth;
  backlog: RetryBacklog;
  normalizer: Normalizer;
  log: Logger;
  metrics?: GatewayMetrics;
  onEnd: (s: Session) => void;
}

export interface PreparedText {
  info: StatementInfo;
  text: SealedText;
}

const MB = 1 << 20;
const CLIENT_LIMITS: Record<string, number> = {
  Q: 64 * MB,
  P: 64 * MB,
  B: 256 * MB,
  F: 256 * MB,
  d: 256 * MB,
};
const clientLimit = (type: number) => CLIENT_LIMITS[String.fromCharCode(type)] ?? MB;
const SERVER_LIMIT = 1024 * MB;
const HIGH_WATER = 8 * MB;
export const MAX_PREPARED = 20_000;
/** How long a statement's outcome event may wait for the session's next statement to share its append. */
export const RESULT_DELAY_MS = 5;

export class Session {
  readonly exp = new ExpectationQueue();
  readonly prepared = new Map<string, PreparedText>();
  readonly portals = new Map<string, PreparedText | undefined>();
  readonly gate: AuditGate;
  readonly toClient: Outbox;
  readonly toServer: Outbox;
  /** Events of the chunk being processed; submitted together when it is done. */
  readonly events: EventSpec[] = [];
  seq = 0;
  textSeq = 0;
  standardStrings = true;
  utf8 = true;
  txStatus = 0x49;
  /** After a refused Parse: drop messages up to Sync, as the server would after an error. */
  discarding = false;
  lastActivity = Date.now();
  busy = 0;
  ended = false;
  private readonly clientFramer = new Framer(clientLimit);
  private readonly serverFramer = new Framer(() => SERVER_LIMIT);
  private readonly clientFrames: Frame[] = [];
  private readonly serverFrames: Frame[] = [];
  private serverClosed = false;
  private upstreamPaused = false;
  private resultTimer: NodeJS.Timeout | undefined;
  private readonly sealer: (textId: number, text: Buffer) => Buffer;
  private clientPaused = false;

  constructor(
    readonly env: SessionEnv,
    readonly info: SessionInfo,
    readonly ctx: RequestContext,
    readonly client: Duplex,
    readonly upstream: Socket,
    readonly upstreamPath: string,
    textKey: Buffer,
    readonly key: { pid: number; secret: number; serverPid: number; serverSecret: number },
    parameters: [string, string][],
  ) {
    this.sealer = statementSealer(info.sid, textKey);
    for (const [name, value] of parameters) this.parameter(name, value);
    this.gate = new AuditGate({
      audit: env.audit,
      ctx,
      delivery: info.delivery,
      health: env.health,
      backlog: env.backlog,
      metrics: env.metrics,
      onDurable: () => this.durable(),
      onFailure: (err) => this.auditFailed(err),
    });
    this.toClient = new Outbox(client, this.gate.durableUpTo, () => this.pauseUpstream());
    this.toServer = new Outbox(upstream, this.gate.durableUpTo, () => this.pauseClient());
  }

  start(rest: Buffer[]): void {
    this.client.on('data', (chunk: Buffer) => this.fromClient(chunk));
    this.upstream.on('data', (chunk: Buffer) => this.onServerData(chunk));
    this.client.on('drain', () => this.resumeUpstream());
    this.upstream.on('drain', () => this.resumeClient());
    this.client.on('error', () => this.end('client'));
    this.client.on('close', () => this.end('client'));
    this.upstream.on('error', () => this.serverGone());
    this.upstream.on('close', () => this.serverGone());
    for (const chunk of rest) this.onServerData(chunk);
    // The login left the server socket paused (it read one reply at a time).
    this.upstream.resume();
  }

  /** A server parameter the relay cares about (standard_conforming_strings, client_encoding). */
  parameter(name: string, value: string): void {
    if (name === 'standard_conforming_strings') this.standardStrings = value !== 'off';
    if (name === 'client_encoding') {
      const enc = value.toUpperCase();
      this.utf8 = enc === 'UTF8' || enc === 'UNICODE' || enc === 'SQL_ASCII';
      if (/^(SJIS|SHIFT_JIS_2004|BIG5|GBK|GB18030|UHC|JOHAB)$/.test(enc)) {
        this.end(
          'protocol_violation',
          new GatewayError(
            SQLSTATE.feature_not_supported,
            `the gateway cannot remove literals safely from statements in client encoding ${value}; use UTF8`,
          ),
        );
      }
    }
  }

  /** A new statement: its sequence number, and its raw text sealed (or the prepared one's). */
  statement(
    protocol: Protocol,
    info: StatementInfo,
    raw: Buffer | SealedText | undefined,
    refused?: GatewayError,
  ) {
    const stmt: Statement = {
      seq: ++this.seq,
      startedAt: performance.now(),
      tags: [],
      rows: null,
      sqlstate: null,
    };
    const text = raw === undefined || !Buffer.isBuffer(raw) ? raw : this.seal(raw);
    this.events.push(
      statementEvent(
        this.info,
        stmt,
        protocol,
        info,
        text,
        refused ? { sqlstate: refused.sqlstate, reason: refused.reason } : undefined,
      ),
    );
    return stmt;
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

  finish(stmt: Statement, skipped = false): void {
    this.busy = Math.max(0, this.busy - 1);
    this.events.push(resultEvent(this.info, stmt, performance.now(), skipped));
  }

  decode(bytes: Buffer): string {
    return bytes.toString(this.utf8 ? 'utf8' : 'latin1');
  }

  fromClient(chunk: Buffer): void {
    if (this.ended) return;
    this.lastActivity = Date.now();
    let whole: boolean;
    try {
      whole = this.clientFramer.push(chunk, this.clientFrames);
    } catch (err) {
      this.protocolError(err);
      return;
    }
    const forward: Buffer[] = [];
    let changed = !whole;
    const firstSeq = this.seq;
    try {
      for (const f of this.clientFrames) {
        if (onClientFrame(this, f)) forward.push(f.raw);
        else changed = true;
        if (this.ended) return;
      }
    } catch (err) {
      this.protocolError(err);
      return;
    }
    const sentStatements = this.seq > firstSeq;
    const wait = sentStatements && this.gate.mustWaitToForward();
    this.flushEvents();
    const bytes = !changed ? chunk : forward.length === 1 ? (forward[0] as Buffer) : Buffer.concat(forward);
    this.toServer.send(bytes, wait ? this.seq : 0);
    if (this.gate.delivery === 'async' && this.gate.behind()) this.pauseClient();
  }

  private onServerData(chunk: Buffer): void {
    if (this.ended) return;
    let whole: boolean;
    try {
      whole = this.serverFramer.push(chunk, this.serverFrames);
    } catch (err) {
      this.env.log.error(
        { session: this.info.sid, err: (err as Error).message },
        'project database sent a malformed message',
      );
      this.end(
        'server_closed',
        new GatewayError(
          SQLSTATE.protocol_violation,
          'the project database sent a malformed reply; the session ends',
        ),
      );
      return;
    }
    // Replies that arrive now answer statements sent so far, at most: they wait for those.
    const tag = this.seq;
    let from = 0;
    const frames = this.serverFrames;
    for (let i = 0; i < frames.length; i++) {
      onServerFrame(this, frames[i] as Frame);
      let head = this.exp.peek();
      if (head?.k === 'local') {
        this.toClient.send(Buffer.concat(frames.slice(from, i + 1).map((f) => f.raw)), tag);
        from = i + 1;
        while (head?.k === 'local') {
          this.exp.shift();
          this.toClient.send(head.bytes(), head.tag);
          head = this.exp.peek();
        }
      }
      if (this.ended) return;
    }
    if (from === 0 && whole) this.toClient.send(chunk, tag);
    else if (from < frames.length)
      this.toClient.send(Buffer.concat(frames.slice(from).map((f) => f.raw)), tag);
    this.flushResultsSoon();
  }

  /** Outcome events hold nothing back: they ride with the next statement's append (ADR 0010). */
  private flushResultsSoon(): void {
    if (this.events.length === 0 || this.resultTimer) return;
    this.resultTimer = setTimeout(() => {
      this.resultTimer = undefined;
      this.flushEvents();
    }, RESULT_DELAY_MS);
  }

  /** Sends the gateway's own reply now if nothing before it is still owed. */
  replyWhenDue(): void {
    let head = this.exp.peek();
    while (head?.k === 'local') {
      this.exp.shift();
      this.toClient.send(head.bytes(), head.tag);
      head = this.exp.peek();
    }
  }

  flushEvents(): void {
    if (this.resultTimer) {
      clearTimeout(this.resultTimer);
      this.resultTimer = undefined;
    }
    if (this.events.length === 0) return;
    this.gate.submit(this.events.splice(0), this.seq);
  }

  private durable(): void {
    if (this.ended) return;
    this.toServer.release();
    this.toClient.release();
    if (this.toClient.held < HIGH_WATER) this.resumeUpstream();
    if (this.gate.delivery === 'async' && !this.gate.behind()) this.resumeClient();
    if (this.serverClosed && this.toClient.held === 0) this.end('server_closed');
  }

  private auditFailed(err: unknown): void {
    this.env.log.error(
      { session: this.info.sid, err: (err as Error)?.message },
      'audit log unavailable; ending session',
    );
    this.end(
      'audit_unavailable',
      new GatewayError(
        SQLSTATE.cannot_connect_now,
        'the audit log could not be written, so the gateway refuses work: results not yet recorded were withheld and this session ends; try again shortly',
      ),
    );
  }

  private protocolError(err: unknown): void {
    const message = err instanceof ProtocolError ? err.message : 'malformed message';
    this.end(
      'protocol_violation',
      new GatewayError(SQLSTATE.protocol_violation, `protocol violation: ${message}`),
    );
  }

  private serverGone(): void {
    if (this.ended || this.serverClosed) return;
    this.serverClosed = true;
    if (this.toClient.held === 0) this.end('server_closed');
  }

  private pauseUpstream(): void {
    if (!this.upstreamPaused) {
      this.upstreamPaused = true;
      this.upstream.pause();
    }
  }

  private resumeUpstream(): void {
    if (this.upstreamPaused && this.toClient.held < HIGH_WATER) {
      this.upstreamPaused = false;
      this.upstream.resume();
    }
  }

  private pauseClient(): void {
    if (!this.clientPaused) {
      this.clientPaused = true;
      this.client.pause();
    }
  }

  private resumeClient(): void {
    if (this.clientPaused) {
      this.clientPaused = false;
      this.client.resume();
    }
  }

  /** Cancels the statement running on the server (a CancelRequest on a new socket). */
  cancel(): void {
    if (this.key.serverPid === 0) return;
    const s = connect(this.upstreamPath);
    s.on('error', () => undefined);
    s.end(cancelRequest(this.key.serverPid, this.key.serverSecret));
  }

  /** Ends the session once: the client hears why (FATAL), the server stops what it was doing. */
  end(reason: string, error?: GatewayError): void {
    if (this.ended) return;
    this.ended = true;
    if (this.resultTimer) clearTimeout(this.resultTimer);
    const now = performance.now();
    for (const stmt of this.exp.statements()) this.events.push(resultEvent(this.info, stmt, now, true));
    this.events.push(disconnectEvent(this.info, reason, this.seq, Date.now()));
    const events = this.events.splice(0);
    this.env.audit.append(this.ctx, events).catch(() => this.env.backlog.add(this.ctx, events));
    if (reason === 'audit_unavailable') this.toClient.drop();
    if (error && !this.client.destroyed && !this.client.writableEnded)
      this.client.write(errorMessage('FATAL', error));
    this.client.end();
    setTimeout(() => this.client.destroy(), 1_000).unref();
    if (this.busy > 0 && !this.serverClosed) this.cancel();
    if (!this.upstream.destroyed && !this.upstream.writableEnded) this.upstream.end(terminate());
    setTimeout(() => this.upstream.destroy(), 1_000).unref();
    this.env.onEnd(this);
  }
}
