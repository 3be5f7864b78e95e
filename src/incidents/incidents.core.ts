/**
 * @module incidents/core
 * What every incident service shares: who may read and manage (incidents.read, incidents.manage,
 * checked in the org the call concerns), loading an incident with everything that hangs off it,
 * and `step`, the one way an incident changes: the change, its timeline entry and its audit
 * event commit in one transaction (audit.mutate) with the incident's row locked, so the timeline
 * and the audit log never disagree and two steps on one incident happen one after the other.
 */
import type { AccessAccounting } from '../accounting/index.js';
import type { AlertService } from '../alerting/index.js';
import type { AuditAction, AuditPayloads, AuditReader, AuditService } from '../audit/index.js';
import type { Db, IncidentRow, Org, Tx } from '../db/index.js';
import type { Accounts } from '../identity/index.js';
import type { KeyService } from '../keys/index.js';
import type { RequestContext } from '../lib/context.js';
import { notFound } from '../lib/errors.js';
import type { Signer } from '../lib/signing.js';
import type { OrgService } from '../orgs/index.js';
import { authorize, principalOf } from '../policy/index.js';
import { dayOf } from './days.js';
import * as store from './incidents.store.js';
import { type IncidentRows, incidentView } from './record.js';

export interface IncidentDeps {
  db: Db;
  audit: AuditService;
  orgs: OrgService;
  keys: KeyService;
  accounts: Pick<Accounts, 'byEmail'>;
  /** The org chain's events and their inclusion proofs. */
  auditReader: Pick<AuditReader, 'get' | 'prove'>;
  signer: Signer;
  /** Alerts turned into incidents: claimed in the incident's transaction, listed on its record. */
  alerts: Pick<AlertService, 'get' | 'escalateIn' | 'ofIncident'>;
  /** The accounting of access: whom a person's statements reached, per State (affected counts). */
  accounting: Pick<AccessAccounting, 'subjectsReached'>;
  /** Today, for days left (tests move it). */
  now?: () => Date;
}

export type IncidentStep<A extends AuditAction> = {
  action: A;
  details: AuditPayloads[A];
  /** The timeline's sentence for this step. */
  summary: string;
};

export function createIncidentCore(deps: IncidentDeps) {
  const { db, audit, orgs } = deps;
  const today = () => dayOf((deps.now ?? (() => new Date()))());

  async function readable(ctx: RequestContext, orgRef: string) {
    const a = await orgs.access(ctx, orgRef);
    authorize(ctx, a, 'incidents.read');
    return a;
  }

  async function ownerOf(orgId: string, ownerId: string | null, q: Db | Tx = db) {
    if (!ownerId) return null;
    const m = await orgs.member(orgId, ownerId, q);
    return m
      ? { id: ownerId, email: m.email, name: m.name }
      : { id: ownerId, email: '(no longer a member)', name: '' };
  }

  async function rowsOf(q: Db | Tx, incident: IncidentRow): Promise<IncidentRows> {
    const [owner, knowledge, holds, events, notices, timeline, packets, alerts] = await Promise.all([
      ownerOf(incident.org_id, incident.owner_id, q),
      store.knowledgeOf(q, [incident.id]),
      store.holdsOf(q, [incident.id]),
      store.eventsOf(q, incident.id),
      store.noticesOf(q, incident.id),
      store.timelineOf(q, incident.id),
      store.packetsOf(q, incident.id),
      deps.alerts.ofIncident(q, incident.id),
    ]);
    return { incident, owner, knowledge, holds, events, notices, timeline, packets, alerts };
  }

  async function found(q: Db | Tx, org: Org, id: string): Promise<IncidentRow> {
    const i = await store.findIncident(q, org.id, id);
    if (!i) throw notFound(`'${org.name}' has no incident '${id}'`);
    return i;
  }

  async function load(ctx: RequestContext, orgRef: string, id: string) {
    const a = await readable(ctx, orgRef);
    const rows = await rowsOf(db, await found(db, a.org, id));
    return { org: a.org, rows, view: incidentView(rows, today()) };
  }

  /** One audited change of incident `id`, with its timeline entry, the incident's row locked. */
  async function step<A extends AuditAction, T>(
    ctx: RequestContext,
    orgRef: string,
    id: string,
    s: IncidentStep<A>,
    run: (tx: Tx, incident: IncidentRow, org: Org, details: AuditPayloads[A]) => Promise<T>,
  ): Promise<T> {
    const a = await orgs.access(ctx, orgRef);
    return audit.mutate(
      ctx,
      {
        action: s.action,
        chain: a.org.id,
        target: { type: 'incident', id },
        details: s.details,
      } as Parameters<AuditService['mutate']>[1],
      async (tx, draft) => {
        authorize(ctx, a, 'incidents.manage');
        const incident = await store.lockIncident(tx, a.org.id, id);
        if (!incident) throw notFound(`'${a.org.name}' has no incident '${id}'`);
        draft.target = { type: 'incident', id, name: incident.title };
        const value = await run(tx, incident, a.org, draft.details as AuditPayloads[A]);
        await store.addTimeline(tx, id, principalOf(ctx).email, s.action, s.summary);
        return value;
      },
    );
  }

  return { readable, load, step, rowsOf, found, ownerOf, today };
}

export type IncidentCore = ReturnType<typeof createIncidentCore>;
