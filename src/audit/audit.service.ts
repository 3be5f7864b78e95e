/**
 * @module audit/audit.service
 * The one choke point for changes: `mutate` runs a change and appends its audit event in the
 * same transaction, so a change without its event cannot commit; a refused change (any
 * WardError) is recorded with outcome `denied` or `failure` in a transaction of its own. When
 * the event cannot be written the caller gets 503 and nothing has changed.
 */
import { type Db, inTransaction, type Tx } from '../db/index.js';
import { constant } from '../evidence/index.js';
import type { RequestContext } from '../lib/context.js';
import { isWardError, WardError } from '../lib/errors.js';
import { newEventId } from '../lib/ids.js';
import type { AuditAction, AuditError, AuditPayloads, AuditTarget, Outcome } from './actions.js';
import { appendEvents, type PendingEvent, type StoredEvent } from './audit.store.js';
import { type CommitObserver, observers } from './observer.js';
import type { Sealer } from './seal.js';
import { createAuditWriter } from './writer.js';

export interface EventSpec<A extends AuditAction = AuditAction> {
  action: A;
  /** The chain: an org id, or OPERATOR_CHAIN for events that belong to no org. */
  chain: string;
  target: AuditTarget;
  outcome?: Outcome;
  details: AuditPayloads[A] & AuditError;
  /** The project the event concerns, when the target is not the project itself (hashed, as details.project_id). */
  project?: string;
  /** The event's id, when its maker must refer to it before it is written (else one is made). */
  id?: string;
  /**
   * Subject tokens the event's details carry (accounting of access): the writer keeps them in
   * the batch's row (audit_batches.subject_tokens, an index key). Not part of the hashed record.
   */
  subjectTokens?: Buffer[];
  /**
   * The canonical text of `details`, when their maker wrote it directly (the gateway's statement
   * events, gateway/event-text): hashed instead of canonicalizing them again. It must be exactly
   * `canonicalize(details)`, and the details must not change after it is made.
   */
  detailsText?: string;
}

/** A change's event while the change runs: it may fill in details and add events. */
export interface Draft<A extends AuditAction> extends EventSpec<A> {
  also: EventSpec[];
}

export class AuditWriteError extends WardError {
  constructor(cause: unknown) {
    super('unavailable', 'the audit log could not be written, so nothing was changed; try again shortly');
    this.cause = cause;
  }
}

/** The event actor of a frozen context (a gateway session's), made once and reused. */
const actors = new WeakMap<RequestContext, Record<string, unknown>>();

function actorOf(ctx: RequestContext): Record<string, unknown> {
  const known = actors.get(ctx);
  if (known) return known;
  const base = ctx.ip ? { ip: ctx.ip } : {};
  const req = ctx.requestId ? { request_id: ctx.requestId } : {};
  const actor = { ...ctx.actor, ...base, ...req };
  if (Object.isFrozen(ctx) && Object.isFrozen(ctx.actor)) actors.set(ctx, constant(actor));
  return actor;
}

/** `now` is the clock reading `time` was made from: the event's id carries the same millisecond. */
function pending(ctx: RequestContext, spec: EventSpec, now: number, time: string): PendingEvent {
  return {
    chain: spec.chain,
    id: spec.id ?? newEventId(now),
    time,
    action: spec.action,
    outcome: spec.outcome ?? 'success',
    actor: actorOf(ctx),
    target: spec.target,
    details: spec.project
      ? { ...spec.details, project_id: spec.project }
      : (spec.details as Record<string, unknown>),
    ...(spec.subjectTokens ? { subjectTokens: spec.subjectTokens } : {}),
    // The text is of the details as made; with a project added they are other details.
    ...(spec.detailsText !== undefined && !spec.project ? { detailsText: spec.detailsText } : {}),
  };
}

/** `sealer` seals every write (audit/seal.ts); its key is derived from Ward's signing key. */
export function createAuditService(deps: { db: Db; sealer: Sealer }) {
  const { db, sealer } = deps;
  const watchers = observers();
  const writer = createAuditWriter({ db, sealer, observer: watchers });

  /** Tells the observers about events a transaction of ours committed. */
  function committed(stored: StoredEvent[]): void {
    if (watchers.empty) return;
    for (const e of stored) watchers.onCommitted(e.chain, e.seq, [e]);
  }

  async function appendIn(tx: Tx, ctx: RequestContext, specs: EventSpec[]): Promise<StoredEvent[]> {
    const now = Date.now();
    const time = new Date(now).toISOString();
    try {
      return await appendEvents(
        tx,
        specs.map((s) => pending(ctx, s, now, time)),
        sealer,
      );
    } catch (err) {
      throw new AuditWriteError(err);
    }
  }

  async function recordIn(tx: Tx, ctx: RequestContext, specs: EventSpec[]): Promise<void> {
    await appendIn(tx, ctx, specs);
  }

  async function record(ctx: RequestContext, specs: EventSpec[]): Promise<void> {
    let stored: StoredEvent[];
    try {
      stored = await inTransaction(db, (tx) => appendIn(tx, ctx, specs));
    } catch (err) {
      if (err instanceof AuditWriteError) throw err;
      throw new AuditWriteError(err);
    }
    committed(stored);
  }

  async function mutate<A extends AuditAction, T>(
    ctx: RequestContext,
    spec: EventSpec<A>,
    run: (tx: Tx, draft: Draft<A>) => Promise<T>,
  ): Promise<T> {
    const draft: Draft<A> = { ...spec, details: { ...spec.details }, also: [] };
    try {
      const [value, stored] = await inTransaction(db, async (tx) => {
        const value = await run(tx, draft);
        const { also, ...main } = draft;
        return [value, await appendIn(tx, ctx, [main as EventSpec, ...also])] as const;
      });
      committed(stored);
      return value;
    } catch (err) {
      // Not a refusal: the audit log or the database failed. Nothing committed; no event to add.
      if (err instanceof AuditWriteError || !isWardError(err)) throw err;
      const outcome: Outcome =
        err.code === 'forbidden' || err.code === 'unauthenticated' ? 'denied' : 'failure';
      await record(ctx, [
        {
          ...spec,
          outcome,
          details: { ...draft.details, error: { code: err.code, message: err.message } },
        } as EventSpec,
      ]);
      throw err;
    }
  }

  /**
   * Durable append for events that record no change in Ward's own tables (statements through the
   * gateway): batched with other callers' events by chain; resolves once committed, rejects with
   * AuditWriteError if they could not be, so the caller can refuse to go on (fail closed).
   */
  async function append(ctx: RequestContext, specs: EventSpec[]): Promise<void> {
    const now = Date.now();
    const time = new Date(now).toISOString();
    const byChain = new Map<string, PendingEvent[]>();
    for (const s of specs) {
      const events = byChain.get(s.chain);
      if (events) events.push(pending(ctx, s, now, time));
      else byChain.set(s.chain, [pending(ctx, s, now, time)]);
    }
    try {
      await Promise.all([...byChain].map(([chain, events]) => writer.append(chain, events)));
    } catch (err) {
      throw new AuditWriteError(err);
    }
  }

  return {
    mutate,
    record,
    recordIn,
    append,
    drain: () => writer.drain(),
    /** Adds an observer told of every event after it commits (audit/observer.ts). */
    observe: (o: CommitObserver) => watchers.add(o),
  };
}

export type AuditService = ReturnType<typeof createAuditService>;
