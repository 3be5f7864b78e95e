/**
 * @module gateway/audit-gate
 * How a session's statement events reach the audit log (ADR 0010).
 *
 * Each batch of events goes to `audit.append` (group commit per org chain) the moment its
 * statements arrive; the statements are forwarded at once, so the commit overlaps their
 * execution. In `sync` delivery the session's outboxes hold every byte of a result until the
 * events of all statements sent before it are durable. Forwarding without waiting is allowed
 * only while the audit log has proven itself lately (a commit within the lease and no failure
 * since): otherwise a statement waits for its own event before it is forwarded, so when the log
 * is down no statement runs. In `async` delivery nothing waits, but a session whose unconfirmed
 * events are too many or older than 50 ms stops reading from its client (backpressure), and events that failed are
 * retried until they commit (never dropped while Ward runs). Either way a failure ends the
 * session: the gateway refuses work it cannot record.
 */
import type { AuditService, EventSpec } from '../audit/index.js';
import type { RequestContext } from '../lib/context.js';
import type { GatewayMetrics } from './metrics.js';

export type Delivery = 'sync' | 'async';

/** How long after its last successful commit the audit log counts as healthy. */
export const AUDIT_LEASE_MS = 250;
/** A statement event not durable after this long fails its session. */
export const AUDIT_DEADLINE_MS = 5_000;
/** Async delivery: unconfirmed statements a session may have before it stops reading. */
export const ASYNC_MAX_IN_FLIGHT = 64;
/** Async delivery: how old its oldest unconfirmed event may get before a session stops reading. */
export const ASYNC_MAX_LAG_MS = 50;

export function createAuditHealth(leaseMs = AUDIT_LEASE_MS) {
  let lastOk = 0;
  let lastFailure = 0;
  return {
    ok: () => lastOk > lastFailure && Date.now() - lastOk < leaseMs,
    success: () => {
      lastOk = Date.now();
    },
    failure: () => {
      lastFailure = Date.now();
    },
  };
}

export type AuditHealth = ReturnType<typeof createAuditHealth>;

/** Events whose append failed in async delivery, retried until they commit. */
export function createRetryBacklog(audit: AuditService, onError: (err: unknown) => void) {
  const backlog: { ctx: RequestContext; events: EventSpec[] }[] = [];
  let timer: NodeJS.Timeout | undefined;
  async function attempt(): Promise<void> {
    timer = undefined;
    while (backlog.length > 0) {
      const next = backlog[0] as (typeof backlog)[number];
      try {
        await audit.append(next.ctx, next.events);
        backlog.shift();
      } catch (err) {
        onError(err);
        timer = setTimeout(() => void attempt(), 1_000);
        timer.unref();
        return;
      }
    }
  }
  return {
    add(ctx: RequestContext, events: EventSpec[]): void {
      backlog.push({ ctx, events });
      if (!timer) {
        timer = setTimeout(() => void attempt(), 100);
        timer.unref();
      }
    },
    get size(): number {
      return backlog.reduce((n, b) => n + b.events.length, 0);
    },
    /** One last try (at shutdown). */
    async flush(): Promise<void> {
      if (timer) clearTimeout(timer);
      await attempt();
      if (timer) clearTimeout(timer);
    },
  };
}

export type RetryBacklog = ReturnType<typeof createRetryBacklog>;

export class AuditGate {
  /** Every statement up to this sequence number has a durable event. */
  private durable = 0;
  private submitted = 0;
  private readonly pending: { seq: number; at: number }[] = [];

  constructor(
    private readonly opts: {
      audit: AuditService;
      ctx: RequestContext;
      delivery: Delivery;
      health: AuditHealth;
      backlog: RetryBacklog;
      metrics?: GatewayMetrics;
      onDurable: () => void;
      onFailure: (err: unknown) => void;
    },
  ) {}

  get delivery(): Delivery {
    return this.opts.delivery;
  }

  /** What the outboxes compare tags with: everything, in async delivery. */
  durableUpTo = (): number => (this.opts.delivery === 'async' ? Number.POSITIVE_INFINITY : this.durable);

  /** Statements sent whose events are not yet confirmed. */
  get inFlight(): number {
    return this.submitted - this.durable;
  }

  /** In sync delivery, whether a statement must wait for its event before it is forwarded. */
  mustWaitToForward(): boolean {
    return this.opts.delivery === 'sync' && !this.opts.health.ok();
  }

  /** Appends `events`; `lastSeq` is the highest statement number among them (or the last one sent). */
  submit(events: EventSpec[], lastSeq: number): void {
    if (events.length === 0) return;
    const { audit, ctx, health, metrics, delivery } = this.opts;
    const started = performance.now();
    if (lastSeq > this.submitted) {
      metrics?.statements.inc({ delivery }, lastSeq - this.submitted);
      this.submitted = lastSeq;
      this.pending.push({ seq: lastSeq, at: Date.now() });
    }
    audit.append(ctx, events).then(
      () => {
        health.success();
        metrics?.auditWait.observe({ delivery }, (performance.now() - started) / 1000);
        if (lastSeq > this.durable) this.durable = lastSeq;
        while (this.pending.length > 0 && (this.pending[0] as { seq: number }).seq <= this.durable)
          this.pending.shift();
        this.opts.onDurable();
      },
      (err) => {
        health.failure();
        if (this.opts.delivery === 'async') this.opts.backlog.add(ctx, events);
        this.opts.onFailure(err);
      },
    );
  }

  /**
   * Async delivery: whether the session should stop reading from its client until the audit log
   * catches up, which bounds what a crash can lose to about ASYNC_MAX_LAG_MS of statements.
   */
  behind(now = Date.now()): boolean {
    const first = this.pending[0];
    return this.inFlight > ASYNC_MAX_IN_FLIGHT || (first !== undefined && now - first.at > ASYNC_MAX_LAG_MS);
  }

  /** A statement event waited past the deadline. */
  overdue(now: number, deadlineMs = AUDIT_DEADLINE_MS): boolean {
    const first = this.pending[0];
    return first !== undefined && now - first.at > deadlineMs;
  }
}
