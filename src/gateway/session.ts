/**
 * @module gateway/session
 * One client's session after login: the relay between the client and its server connection.
 * Client messages are framed, recorded (statements become audit events as they arrive), checked
 * (PHI in a HIPAA project's schema names) and forwarded; server messages are framed, matched to
 * what they answer (expectations.ts) so each statement gets its outcome, and released to the
 * client only once the statements before them are durable (audit-gate.ts, outbox.ts). Chunks
 * are forwarded as they came whenever nothing in them changed. What each message does is in
 * client-messages.ts and server-messages.ts: they change only the relay's state (relay-state.ts)
 * and return what the session should do, so neither knows the session.
 */
import { connect, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { AuditService } from '../audit/index.js';
import { statementSealer } from '../dbaccess/index.js';
import type { RequestContext } from '../lib/context.js';
import type { Logger } from '../lib/logger.js';
import { AuditGate, type AuditHealth, type RetryBacklog } from './audit-gate.js';
import { FORWARD, onClientFrame, REPLY } from './client-messages.js';
import { errorMessage, GatewayError } from './errors.js';
import { disconnectEvent, resultEvent, type SessionInfo } from './events.js';
import type { ExpectationQueue } from './expectations.js';
import type { GatewayMetrics } from './metrics.js';
import { Outbox } from './outbox.js';
import { cancelRequest, terminate } from './protocol/build.js';
import { SQLSTATE } from './protocol/codes.js';
import { type Frame, Framer, ProtocolError } from './protocol/framing.js';
import { RelayState } from './relay-state.js';
import { onServerFrame } from './server-messages.js';
import type { Normalizer } from './statements/normalizer.js';
import type { SessionSubjects } from './subjects/session-subjects.js';

export interface SessionEnv {
  audit: AuditService;
  health: AuditHealth;
  backlog: RetryBacklog;
  normalizer: Normalizer;
  log: Logger;
  metrics?: GatewayMetrics;
  onEnd: (s: Session) => void;
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
/** How long a statement's outcome event may wait for the session's next statement to share its append. */
export const RESULT_DELAY_MS = 5;

export class Session {
  readonly gate: AuditGate;
  lastActivity = Date.now();
  ended = false;
  /** What the message handlers read and change; the session owns the sockets around it. */
  private readonly state: RelayState;
  private readonly toClient: Outbox;
  private readonly toServer: Outbox;
  private readonly clientFramer = new Framer(clientLimit);
  private readonly serverFramer = new Framer(() => SERVER_LIMIT);
  private readonly clientFrames: Frame[] = [];
  private readonly serverFrames: Frame[] = [];
  private serverClosed = false;
  private upstreamPaused = false;
  private resultTimer: NodeJS.Timeout | undefined;
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
    subjects?: SessionSubjects,
  ) {
    this.state = new RelayState(info, env.normalizer, statementSealer(info.sid, textKey), subjects);
    let unsupported: GatewayError | undefined;
    for (const [name, value] of parameters) {
      const refusal = this.state.parameter(name, value);
      unsupported ??= refusal;
    }
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
    // A server parameter the relay cannot work with (an unsafe client encoding) ends it at once.
    if (unsupported) this.end('protocol_violation', unsupported);
  }

  /** Statements sent to the server and not yet answered. */
  get busy(): number {
    return this.state.busy;
  }

  /** The number of the session's last statement. */
  get seq(): number {
    return this.state.seq;
  }

  /** What the forwarded messages are still owed (read it; only the handlers change it). */
  get exp(): Readonly<ExpectationQueue> {
    return this.state.exp;
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
    const state = this.state;
    const firstSeq = state.seq;
    try {
      for (const f of this.clientFrames) {
        const action = onClientFrame(state, f);
        if (action === FORWARD) forward.push(f.raw);
        else {
          changed = true;
          if (action === REPLY) this.replyWhenDue();
        }
        if (this.ended) return;
      }
    } catch (err) {
      this.protocolError(err);
      return;
    }
    const sentStatements = state.seq > firstSeq;
    const wait = sentStatements && this.gate.mustWaitToForward();
    this.flushEvents();
    const bytes = !changed ? chunk : forward.length === 1 ? (forward[0] as Buffer) : Buffer.concat(forward);
    this.toServer.send(bytes, wait ? state.seq : 0);
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
    const state = this.state;
    const tag = state.seq;
    let from = 0;
    const frames = this.serverFrames;
    for (let i = 0; i < frames.length; i++) {
      const fatal = onServerFrame(state, frames[i] as Frame);
      if (fatal) {
        this.end('protocol_violation', fatal);
        return;
      }
      let head = state.exp.peek();
      if (head?.k === 'local') {
        this.toClient.send(Buffer.concat(frames.slice(from, i + 1).map((f) => f.raw)), tag);
        from = i + 1;
        while (head?.k === 'local') {
          state.exp.shift();
          this.toClient.send(head.bytes(), head.tag);
          head = state.exp.peek();
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
    if (this.state.events.length === 0 || this.resultTimer) return;
    this.resultTimer = setTimeout(() => {
      this.resultTimer = undefined;
      this.flushEvents();
    }, RESULT_DELAY_MS);
  }

  /** Sends the gateway's own reply now if nothing before it is still owed. */
  private replyWhenDue(): void {
    const exp = this.state.exp;
    let head = exp.peek();
    while (head?.k === 'local') {
      exp.shift();
      this.toClient.send(head.bytes(), head.tag);
      head = exp.peek();
    }
  }

  private flushEvents(): void {
    if (this.resultTimer) {
      clearTimeout(this.resultTimer);
      this.resultTimer = undefined;
    }
    const { events, seq } = this.state;
    if (events.length === 0) return;
    this.gate.submit(events.splice(0), seq);
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
    const state = this.state;
    for (const stmt of state.exp.statements()) state.events.push(resultEvent(this.info, stmt, now, true));
    state.events.push(disconnectEvent(this.info, reason, state.seq, Date.now()));
    const events = state.events.splice(0);
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
