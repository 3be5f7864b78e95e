/**
 * @module compliance/subprocessors-service
 * The operator's subprocessor list. Every change (a new subprocessor, changed details, a removal)
 * is announced at least the notice period (`subprocessor_notice_days`) before it takes effect; the
 * announcement is audited on the operator's chain, stored as a notice for every HIPAA org (its
 * owners read it in the console) and sent to each one's alert webhook once it commits. Any
 * signed-in person may read the list; the trust page shows what is in effect and what is
 * announced, and the report asks what was in effect at a given time (`inEffect(at)`).
 */
import { sql } from 'kysely';
import type { AuditService } from '../audit/index.js';
import type { Tx } from '../db/index.js';
import { OPERATOR_CHAIN } from '../evidence/index.js';
import type { RequestContext } from '../lib/context.js';
import { conflict, invalid, notFound } from '../lib/errors.js';
import { newId } from '../lib/ids.js';
import { principalOf, requireOperator } from '../policy/index.js';
import { dayOf } from './days.js';
import type {
  CreateSubprocessorBody,
  PublicSubprocessor,
  RemoveSubprocessorBody,
  SubprocessorView,
  UpdateSubprocessorBody,
} from './publicity.schemas.js';
import { createSubprocessorNotices, type NoticeDeps } from './subprocessor-notices.js';
import {
  inEffectAt,
  latestVersion,
  momentOf,
  type SubprocessorDetails,
  type SubprocessorEntry,
  type SubprocessorVersion,
} from './subprocessor-timeline.js';
import * as store from './subprocessors.store.js';

const MANAGE = 'add, change and remove subprocessors';
const FIELDS = ['name', 'purpose', 'location', 'phi'] as const;

export interface SubprocessorDeps extends NoticeDeps {
  audit: AuditService;
  now?: () => Date;
}

const describeDetails = (d: SubprocessorDetails) =>
  `${d.purpose}; ${d.location}; ${d.phi ? 'may handle PHI' : 'no access to PHI'}`;

const shown = (v: SubprocessorDetails) => ({
  name: v.name,
  purpose: v.purpose,
  location: v.location,
  phi: v.phi,
});

export function createSubprocessorService(deps: SubprocessorDeps) {
  const { db, audit } = deps;
  const now = deps.now ?? (() => new Date());
  const notices = createSubprocessorNotices(deps);
  const { effectiveFrom } = notices;

  function view(e: SubprocessorEntry, at: Date): SubprocessorView {
    const m = momentOf(e, at);
    return {
      id: e.id,
      ...shown(m.shown),
      status: m.status,
      effective_at: m.shown.effective_at.toISOString(),
      next: m.next ? { ...shown(m.next), effective_at: m.next.effective_at.toISOString() } : null,
      removal_effective_at: e.removal_effective_at?.toISOString() ?? null,
      created_at: e.created_at.toISOString(),
    };
  }

  async function locked(tx: Tx): Promise<SubprocessorEntry[]> {
    await sql`SELECT pg_advisory_xact_lock(hashtext('ward-subprocessors'))`.execute(tx);
    return store.allSubprocessors(tx, true);
  }

  function find(all: SubprocessorEntry[], id: string): SubprocessorEntry {
    const e = all.find((s) => s.id === id);
    if (!e) throw notFound(`there is no subprocessor '${id}'; ward subprocessor list shows them`);
    return e;
  }

  function refuseDuplicate(all: SubprocessorEntry[], name: string, at: Date, except?: string): void {
    const taken = all.find(
      (e) =>
        e.id !== except &&
        momentOf(e, at).status !== 'removed' &&
        e.versions.some((v) => v.name.toLowerCase() === name.toLowerCase()),
    );
    if (taken) throw conflict(`the subprocessor list already names '${name}' (${taken.id})`);
  }

  /** The list as it stands now: every subprocessor, its details in effect and what is announced. */
  async function list(ctx: RequestContext): Promise<SubprocessorView[]> {
    principalOf(ctx);
    const at = now();
    return (await store.allSubprocessors(db)).map((e) => view(e, at));
  }

  async function create(ctx: RequestContext, body: CreateSubprocessorBody): Promise<SubprocessorView> {
    const id = newId('sub');
    const at = now();
    const details = {
      name: body.name,
      purpose: body.purpose,
      location: body.location,
      phi: body.phi,
      effective_at: body.effective_at,
      notified: 0,
    };
    let send: (() => void) | undefined;
    const entry = await audit.mutate(
      ctx,
      {
        action: 'subprocessor.create',
        chain: OPERATOR_CHAIN,
        target: { type: 'subprocessor', id, name: body.name },
        details,
      },
      async (tx, draft) => {
        requireOperator(ctx, MANAGE);
        const effective = effectiveFrom(body.effective_at, at);
        draft.details.effective_at = effective.toISOString();
        refuseDuplicate(await locked(tx), body.name, at);
        const version = { ...shown(body), effective_at: effective };
        await store.insertSubprocessor(tx, id, version);
        const summary = `New subprocessor from ${dayOf(effective)}: ${body.name} (${describeDetails(body)})`;
        const orgIds = await notices.record(tx, { subprocessorId: id, change: 'added', summary, effective });
        draft.details.notified = orgIds.length;
        send = () =>
          notices.send(orgIds, 'added', {
            subprocessor: { id, ...shown(body) },
            effective_at: effective.toISOString(),
            summary,
          });
        return { id, created_at: at, removal_effective_at: null, versions: [version] };
      },
    );
    send?.();
    return view(entry, at);
  }

  async function update(
    ctx: RequestContext,
    id: string,
    body: UpdateSubprocessorBody,
  ): Promise<SubprocessorView> {
    const at = now();
    let send: (() => void) | undefined;
    const result = await audit.mutate(
      ctx,
      {
        action: 'subprocessor.update',
        chain: OPERATOR_CHAIN,
        target: { type: 'subprocessor', id },
        details: { name: '', changes: {}, effective_at: body.effective_at, notified: 0 },
      },
      async (tx, draft) => {
        requireOperator(ctx, MANAGE);
        const effective = effectiveFrom(body.effective_at, at);
        draft.details.effective_at = effective.toISOString();
        const all = await locked(tx);
        const entry = find(all, id);
        const latest = latestVersion(entry);
        draft.target = { type: 'subprocessor', id, name: latest.name };
        draft.details.name = latest.name;
        if (entry.removal_effective_at)
          throw conflict(`'${latest.name}' is being removed (from ${dayOf(entry.removal_effective_at)})`);
        if (effective.getTime() <= latest.effective_at.getTime())
          throw conflict(
            `'${latest.name}' already has a change taking effect on ${latest.effective_at.toISOString()}; announce this one to take effect after it`,
          );
        const next: SubprocessorVersion = { ...shown(latest), ...definedOf(body), effective_at: effective };
        const changes: Record<string, { from: unknown; to: unknown }> = {};
        for (const f of FIELDS) if (next[f] !== latest[f]) changes[f] = { from: latest[f], to: next[f] };
        if (Object.keys(changes).length === 0) throw invalid(`that is what '${latest.name}' already says`);
        if (changes.name) refuseDuplicate(all, next.name, at, id);
        draft.details.changes = changes;
        await store.insertVersion(tx, id, next);
        const said = Object.entries(changes)
          .map(([f, c]) => `${f} ${JSON.stringify(c.from)} → ${JSON.stringify(c.to)}`)
          .join(', ');
        const summary = `Subprocessor ${latest.name} changes from ${dayOf(effective)}: ${said}`;
        const orgIds = await notices.record(tx, {
          subprocessorId: id,
          change: 'changed',
          summary,
          effective,
        });
        draft.details.notified = orgIds.length;
        send = () =>
          notices.send(orgIds, 'changed', {
            subprocessor: { id, ...shown(next) },
            changes,
            effective_at: effective.toISOString(),
            summary,
          });
        return { ...entry, versions: [...entry.versions, next] };
      },
    );
    send?.();
    return view(result, at);
  }

  async function remove(
    ctx: RequestContext,
    id: string,
    body: RemoveSubprocessorBody,
  ): Promise<SubprocessorView> {
    const at = now();
    let send: (() => void) | undefined;
    const result = await audit.mutate(
      ctx,
      {
        action: 'subprocessor.remove',
        chain: OPERATOR_CHAIN,
        target: { type: 'subprocessor', id },
        details: { name: '', effective_at: body.effective_at, notified: 0 },
      },
      async (tx, draft) => {
        requireOperator(ctx, MANAGE);
        const effective = effectiveFrom(body.effective_at, at);
        draft.details.effective_at = effective.toISOString();
        const entry = find(await locked(tx), id);
        const latest = latestVersion(entry);
        draft.target = { type: 'subprocessor', id, name: latest.name };
        draft.details.name = latest.name;
        if (entry.removal_effective_at)
          throw conflict(
            `the removal of '${latest.name}' was already announced (from ${dayOf(entry.removal_effective_at)})`,
          );
        if (effective.getTime() < latest.effective_at.getTime())
          throw conflict(
            `'${latest.name}' has a change taking effect on ${latest.effective_at.toISOString()}; its removal cannot come before it`,
          );
        await store.announceRemoval(tx, id, effective);
        const summary = `Subprocessor ${latest.name} will no longer be used from ${dayOf(effective)}`;
        const orgIds = await notices.record(tx, {
          subprocessorId: id,
          change: 'removed',
          summary,
          effective,
        });
        draft.details.notified = orgIds.length;
        send = () =>
          notices.send(orgIds, 'removed', {
            subprocessor: { id, ...shown(latest) },
            effective_at: effective.toISOString(),
            summary,
          });
        return { ...entry, removal_effective_at: effective };
      },
    );
    send?.();
    return view(result, at);
  }

  /** The list for the public trust page: what is in effect now, and what is announced. */
  async function publicList(at = now()): Promise<PublicSubprocessor[]> {
    return (await store.allSubprocessors(db)).flatMap((e): PublicSubprocessor[] => {
      const m = momentOf(e, at);
      if (m.status === 'removed') return [];
      return [
        {
          ...shown(m.shown),
          status: m.status === 'upcoming' ? 'upcoming' : 'in_effect',
          effective_at: m.shown.effective_at.toISOString(),
          removal_effective_at: e.removal_effective_at?.toISOString() ?? null,
          next: m.next ? { ...shown(m.next), effective_at: m.next.effective_at.toISOString() } : null,
        },
      ];
    });
  }

  /** The subprocessors in effect at `at`, with their details then (for the compliance report). */
  async function inEffect(at: Date) {
    return inEffectAt(await store.allSubprocessors(db), at).map((s) => ({
      ...s,
      effective_at: s.effective_at.toISOString(),
    }));
  }

  return { list, create, update, remove, notices: notices.list, publicList, inEffect };
}

/** The fields of a change that were given. */
function definedOf(body: UpdateSubprocessorBody): Partial<SubprocessorDetails> {
  return Object.fromEntries(
    FIELDS.filter((f) => body[f] !== undefined).map((f) => [f, body[f]]),
  ) as Partial<SubprocessorDetails>;
}

export type SubprocessorService = ReturnType<typeof createSubprocessorService>;
