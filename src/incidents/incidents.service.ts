/**
 * @module incidents/service
 * The incident record (issue 21, "Respond"): create one (citing audit events of the org's chain,
 * or made from alerts, which it claims), read and list them, change details,
 * owner, status and the facts deadlines depend on, record who knew when, cite more events (each
 * provable against a signed checkpoint), record the 164.402 risk assessment, and law-enforcement
 * holds (holds.service.ts). Every change is one
 * `step` (incidents.core.ts): audited, on the timeline, in one transaction.
 */
import type { Db, Org, Tx } from '../db/index.js';
import type { RequestContext } from '../lib/context.js';
import { invalid, notFound } from '../lib/errors.js';
import { newId } from '../lib/ids.js';
import { authorize, principalOf } from '../policy/index.js';
import { determine } from './assessment.js';
import { discoveryOf } from './discovery.js';
import { createHoldService } from './holds.service.js';
import type { IncidentCore, IncidentDeps } from './incidents.core.js';
import type { CreateIncidentInput, UpdateIncidentBody } from './incidents.schemas.js';
import { createIncidentBody } from './incidents.schemas.js';
import * as store from './incidents.store.js';
import type { IncidentSummary, IncidentView } from './incidents.views.js';
import { EMPTY_AFFECTED, incidentSummary, incidentView } from './record.js';

export function createIncidentService(deps: IncidentDeps, core: IncidentCore) {
  const { db, audit, orgs } = deps;
  const view = async (ctx: RequestContext, orgRef: string, id: string) =>
    (await core.load(ctx, orgRef, id)).view;

  async function ownerId(org: Org, email: string | null | undefined, q: Db | Tx): Promise<string | null> {
    if (!email) return null;
    const user = await deps.accounts.byEmail(email, q);
    const member = user ? await orgs.member(org.id, user.id, q) : undefined;
    if (!user || !member) throw invalid(`the owner must be a member of '${org.name}'; '${email}' is not`);
    return user.id;
  }

  async function checkEvents(org: Org, ids: string[]): Promise<void> {
    for (const id of ids)
      await deps.auditReader.get(org.id, id).catch(() => {
        throw invalid(`'${id}' is not an audit event of '${org.name}'`);
      });
  }

  /**
   * Records an incident. `sources` says what it came from: audit events of the org's chain (each
   * checked to belong to the org) and alerts, which become this incident in the same transaction
   * (open or acknowledged ones only; each then names it) with their audit events cited. An alert
   * delivered to the org is the day its recipients would have known by reasonable diligence
   * (164.404(a)(2)), so it is entered as who knew when, and the discovery date follows from it.
   */
  async function create(
    ctx: RequestContext,
    orgRef: string,
    input: CreateIncidentInput,
    /** Made from the one alert in `sources`: title (unless given), summary, day and reporter are the alert's. */
    fromAlert?: { title?: string },
  ): Promise<IncidentView> {
    let body = createIncidentBody.parse(input);
    const a = await orgs.access(ctx, orgRef);
    const id = newId('inc');
    const alertIds = [...new Set(body.sources.filter((s) => s.type === 'alert').map((s) => s.id))];
    const cited = body.sources.filter((s) => s.type === 'audit_event').map((s) => s.id);
    await audit.mutate(
      ctx,
      {
        action: 'incident.create',
        chain: a.org.id,
        target: { type: 'incident', id, name: body.title },
        details: {
          incident_id: id,
          title: body.title,
          audit_events: [],
          ...(alertIds.length ? { alerts: alertIds } : {}),
        },
      },
      async (tx, draft) => {
        authorize(ctx, a, 'incidents.manage');
        if (alertIds.length) authorize(ctx, a, 'alerts.manage');
        if (body.occurred_from && body.occurred_to && body.occurred_to < body.occurred_from)
          throw invalid('occurred_to must be on or after occurred_from');
        await checkEvents(a.org, cited);
        const me = principalOf(ctx);
        const alerts = [];
        for (const alertId of alertIds)
          alerts.push(await deps.alerts.escalateIn(tx, a.org.id, alertId, me.id, id));
        const first = alerts[0];
        if (fromAlert && first) {
          body = {
            ...body,
            title: fromAlert.title ?? first.title,
            summary: first.summary,
            occurred_from: first.event_time.slice(0, 10),
            reported_by: `Ward's alert rule ${first.rule}`,
          };
          draft.details.title = body.title;
          draft.target = { type: 'incident', id, name: body.title };
        }
        await store.insertIncident(tx, {
          id,
          org_id: a.org.id,
          title: body.title,
          summary: body.summary,
          occurred_from: body.occurred_from ?? null,
          occurred_to: body.occurred_to ?? null,
          reported_by: body.reported_by,
          owner_id: await ownerId(a.org, body.owner, tx),
          affected: JSON.stringify(EMPTY_AFFECTED),
          created_by: me.id,
        });
        for (const alert of alerts)
          draft.also.push({
            action: 'alert.escalate',
            chain: a.org.id,
            target: { type: 'alert', id: alert.id, name: alert.title },
            details: { rule: alert.rule, note: `incident ${id}` },
          });
        const events = [...new Set([...cited, ...alerts.flatMap((al) => al.events.map((e) => e.id))])];
        draft.details.audit_events = events;
        if (events.length > 0) await store.insertEvents(tx, id, events, me.id);
        await store.addTimeline(
          tx,
          id,
          me.email,
          'incident.create',
          `recorded "${body.title}", reported by ${body.reported_by}${alerts.length ? `, from alert(s) ${alertIds.join(', ')}` : ''}${events.length ? `, citing ${events.length} audit event(s)` : ''}`,
        );
        for (const alert of alerts) {
          const known_on = alert.raised_at.slice(0, 10);
          const person = `the org's alert recipients (alert ${alert.id}, ${alert.rule})`;
          await store.insertKnowledge(tx, {
            id: newId('ikn'),
            incident_id: id,
            person,
            relation: 'workforce',
            known_on,
            basis: 'should_have_known',
            committed_breach: false,
            recorded_by: me.id,
          });
          await store.addTimeline(
            tx,
            id,
            me.email,
            'incident.knowledge.add',
            `${person} would have known on ${known_on}`,
          );
        }
      },
    );
    return view(ctx, orgRef, id);
  }

  /** Turns alert `alertId` into a new incident titled, dated and described from the alert. */
  /** Turns alert `alertId` into a new incident titled, dated and described from the alert. */
  async function fromAlert(
    ctx: RequestContext,
    orgRef: string,
    alertId: string,
    options: { title?: string; owner?: string } = {},
  ): Promise<IncidentView> {
    const input = {
      // Replaced by the alert's inside the transaction, once the caller may and the alert is claimed.
      title: options.title ?? 'alert',
      reported_by: 'alert',
      owner: options.owner,
      sources: [{ type: 'alert' as const, id: alertId }],
    };
    return create(ctx, orgRef, input, { title: options.title });
  }

  async function list(ctx: RequestContext, orgRef: string): Promise<IncidentSummary[]> {
    const a = await core.readable(ctx, orgRef);
    const out: IncidentSummary[] = [];
    for (const i of await store.incidentsOf(db, a.org.id))
      out.push(incidentSummary(incidentView(await core.rowsOf(db, i), core.today())));
    return out;
  }

  async function update(ctx: RequestContext, orgRef: string, id: string, body: UpdateIncidentBody) {
    const fields = Object.keys(body) as (keyof UpdateIncidentBody)[];
    if (fields.length === 0) throw invalid('nothing to change: give at least one field');
    await core.step(
      ctx,
      orgRef,
      id,
      {
        action: 'incident.update',
        details: { incident_id: id, changes: {} },
        summary: `changed ${fields.map((f) => (f === 'status' ? `status to ${body.status}` : f === 'owner' ? `owner to ${body.owner ?? 'none'}` : f)).join(', ')}`,
      },
      async (tx, i, org, details) => {
        const next: Record<string, unknown> = {};
        for (const f of fields) {
          if (f === 'owner') next.owner_id = await ownerId(org, body.owner, tx);
          else if (f === 'affected' || f === 'business_associate')
            next[f] = body[f] === null ? null : JSON.stringify(body[f]);
          else next[f] = body[f];
        }
        const from = (next.occurred_from ?? i.occurred_from) as string | null;
        const to = (next.occurred_to ?? i.occurred_to) as string | null;
        if (from && to && to < from) throw invalid('occurred_to must be on or after occurred_from');
        if (
          (next.role ?? i.role) === 'business_associate' &&
          !(body.business_associate ?? i.business_associate)
        )
          throw invalid(
            'a business associate names its covered entity: give business_associate.covered_entity',
          );
        for (const f of fields) {
          const key = f === 'owner' ? 'owner_id' : f;
          details.changes[f] = { from: (i as Record<string, unknown>)[key] ?? null, to: body[f] ?? null };
        }
        await store.updateIncident(tx, id, next as Parameters<typeof store.updateIncident>[2]);
      },
    );
    return view(ctx, orgRef, id);
  }

  async function addKnowledge(
    ctx: RequestContext,
    orgRef: string,
    id: string,
    k: {
      person: string;
      relation: 'workforce' | 'agent';
      known_on: string;
      basis: 'knew' | 'should_have_known';
      committed_breach: boolean;
    },
  ) {
    const kid = newId('ikn');
    await core.step(
      ctx,
      orgRef,
      id,
      {
        action: 'incident.knowledge.add',
        details: {
          incident_id: id,
          knowledge_id: kid,
          relation: k.relation,
          known_on: k.known_on,
          committed_breach: k.committed_breach,
          discovered_on: null,
        },
        summary: `${k.person} (${k.relation}) ${k.basis === 'knew' ? 'knew' : 'would have known'} on ${k.known_on}${k.committed_breach ? ', the person who committed the breach' : ''}`,
      },
      async (tx, _i, _org, details) => {
        await store.insertKnowledge(tx, { id: kid, incident_id: id, ...k, recorded_by: principalOf(ctx).id });
        details.discovered_on = discoveryOf(await store.knowledgeOf(tx, [id])).discovered_on;
      },
    );
    return view(ctx, orgRef, id);
  }

  async function link(ctx: RequestContext, orgRef: string, id: string, eventIds: string[]) {
    const events = [...new Set(eventIds)];
    await core.step(
      ctx,
      orgRef,
      id,
      {
        action: 'incident.event.link',
        details: { incident_id: id, audit_events: events },
        summary: `cited audit event(s) ${events.join(', ')}`,
      },
      async (tx, _i, org) => {
        await checkEvents(org, events);
        await store.insertEvents(tx, id, events, principalOf(ctx).id);
      },
    );
    return view(ctx, orgRef, id);
  }

  /** The inclusion proof of a cited event against a signed checkpoint of the org's chain. */
  async function proof(ctx: RequestContext, orgRef: string, id: string, eventId: string) {
    const { org, rows } = await core.load(ctx, orgRef, id);
    if (!rows.events.some((e) => e.event_id === eventId))
      throw notFound(`incident '${id}' does not cite audit event '${eventId}'`);
    return deps.auditReader.prove(org.id, eventId);
  }

  async function assess(
    ctx: RequestContext,
    orgRef: string,
    id: string,
    body: Parameters<typeof determine>[0] & object,
  ) {
    const d = determine(body);
    await core.step(
      ctx,
      orgRef,
      id,
      {
        action: 'incident.assess',
        details: { incident_id: id, determination: d.determination, open: d.open },
        summary: `risk assessment recorded: ${d.determination === 'breach' ? 'breach' : 'not a breach'} (${d.reason})`,
      },
      (tx) => store.updateIncident(tx, id, { assessment: JSON.stringify(body) }),
    );
    return view(ctx, orgRef, id);
  }

  async function obligations(ctx: RequestContext, orgRef: string, id: string) {
    const v = await view(ctx, orgRef, id);
    return {
      incident_id: v.id,
      today: v.today,
      discovered_on: v.discovery.discovered_on,
      discovery_reason: v.discovery.reason,
      determination: v.determination.determination,
      determination_reason: v.determination.reason,
      hold: v.hold,
      affected_total: v.affected.total,
      obligations: v.obligations,
    };
  }

  return {
    create,
    fromAlert,
    list,
    get: view,
    update,
    addKnowledge,
    link,
    proof,
    assess,
    obligations,
    ...createHoldService(deps, core),
  };
}

export type IncidentService = ReturnType<typeof createIncidentService>;
