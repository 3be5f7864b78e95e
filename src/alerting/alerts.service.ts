/**
 * @module alerting/alerts.service
 * What people do with alerts: list and read them (with the audit events each rests on),
 * acknowledge, dismiss with a reason, mark as escalated; read and change the org's rule settings,
 * its working hours and e-mail recipients. Every change goes through `audit.mutate`.
 * `get` is the seam an incident is later made from: the alert with its triggering events.
 */
import type { AuditService } from '../audit/index.js';
import type { AlertStatus, Db, Tx } from '../db/index.js';
import type { RequestContext } from '../lib/context.js';
import { conflict, invalid, notFound } from '../lib/errors.js';
import type { OrgService } from '../orgs/index.js';
import { authorize } from '../policy/index.js';
import type { AlertSettingsBody, AlertView, RuleBody } from './alerts.schemas.js';
import {
  type AlertRow,
  alertsOfIncident,
  deliveriesOf,
  findAlert,
  listAlerts,
  lockAlert,
  openCount,
  setStatus,
} from './alerts.store.js';
import { defaultSetting, RULE_IDS, RULES, type RuleId } from './rules/catalog.js';
import { knownTimeZone } from './rules/hours.js';

const actorId = (ctx: RequestContext) => (ctx.actor.type === 'user' ? ctx.actor.id : 'usr_unknown');
const iso = (d: Date | string | null) => (d === null ? null : new Date(d).toISOString());
const hhmm = (m: number) =>
  `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
const minutes = (t: string) => Number(t.slice(0, 2)) * 60 + Number(t.slice(3));

export function alertOf(r: AlertRow): AlertView {
  return {
    id: r.id,
    rule: r.rule as RuleId,
    title: r.title,
    summary: r.summary,
    status: r.status,
    subject: r.subject,
    event_time: iso(r.event_time) as string,
    raised_at: iso(r.raised_at) as string,
    chain: r.chain_id,
    seq: Number(r.seq),
    events: r.event_ids.map((id, i) => ({ id, seq: Number(r.event_seqs[i]) })),
    status_by: r.status_by_email ?? r.status_by,
    status_at: iso(r.status_at),
    status_note: r.status_note,
    incident_id: r.incident_id,
  };
}

/** Which status each change may start from. */
const FROM: Record<'acknowledged' | 'dismissed' | 'escalated', AlertStatus[]> = {
  acknowledged: ['open'],
  dismissed: ['open', 'acknowledged', 'escalated'],
  escalated: ['open', 'acknowledged'],
};
const ACTION = { acknowledged: 'alert.acknowledge', dismissed: 'alert.dismiss' } as const;

export function createAlertService(deps: {
  db: Db;
  audit: AuditService;
  orgs: OrgService;
  /** Whether this Ward has an SMTP server to e-mail alerts through. */
  smtp: boolean;
  /** The rules read their settings again (after a change here). */
  reload(): void;
}) {
  const { db, audit, orgs } = deps;

  async function readable(ctx: RequestContext, orgRef: string) {
    const a = await orgs.access(ctx, orgRef);
    authorize(ctx, a, 'alerts.read');
    return a;
  }

  async function get(ctx: RequestContext, orgRef: string, id: string) {
    const a = await readable(ctx, orgRef);
    const row = await findAlert(db, a.org.id, id);
    if (!row) throw notFound(`no alert '${id}' in '${a.org.name}'`);
    return {
      ...alertOf(row),
      deliveries: (await deliveriesOf(db, id)).map((d) => ({ ...d, sent_at: iso(d.sent_at) })),
    };
  }

  async function list(
    ctx: RequestContext,
    orgRef: string,
    filter: { status?: AlertStatus; rule?: string; limit: number },
  ) {
    const a = await readable(ctx, orgRef);
    const [rows, open] = await Promise.all([listAlerts(db, a.org.id, filter), openCount(db, a.org.id)]);
    return { open, alerts: rows.map(alertOf) };
  }

  async function change(
    ctx: RequestContext,
    orgRef: string,
    id: string,
    to: 'acknowledged' | 'dismissed',
    note: string | undefined,
  ) {
    const a = await orgs.access(ctx, orgRef);
    const action = ACTION[to];
    const details =
      to === 'dismissed' ? { rule: '', reason: note ?? '' } : { rule: '', ...(note ? { note } : {}) };
    await audit.mutate(
      ctx,
      { action, chain: a.org.id, target: { type: 'alert', id }, details } as never,
      async (tx, draft) => {
        authorize(ctx, a, 'alerts.manage');
        const row = await findAlert(tx, a.org.id, id);
        if (!row) throw notFound(`no alert '${id}' in '${a.org.name}'`);
        (draft.details as { rule: string }).rule = row.rule;
        if (!FROM[to].includes(row.status))
          throw conflict(`alert '${id}' is ${row.status}; it cannot be marked ${to} now`);
        await setStatus(tx, a.org.id, id, to, actorId(ctx), note ?? null);
      },
    );
    return get(ctx, orgRef, id);
  }

  /**
   * Claims alert `id` of org `orgId` for incident `incidentId` in the incident's own transaction
   * (the alert row locked): it must be open or acknowledged, and becomes escalated, naming the
   * incident. The caller (incidents) has checked who may; returns what the incident is made from.
   */
  async function escalateIn(tx: Tx, orgId: string, id: string, by: string, incidentId: string) {
    const row = await lockAlert(tx, orgId, id);
    if (!row) throw notFound(`no alert '${id}' in this organization`);
    if (!FROM.escalated.includes(row.status))
      throw conflict(
        row.incident_id
          ? `alert '${id}' is already incident '${row.incident_id}'`
          : `alert '${id}' is ${row.status}; only an open or acknowledged alert can become an incident`,
      );
    await setStatus(tx, orgId, id, 'escalated', by, `incident ${incidentId}`, incidentId);
    return alertOf({ ...row, status_by_email: null });
  }

  async function rules(ctx: RequestContext, orgRef: string) {
    const a = await readable(ctx, orgRef);
    const own = await db.selectFrom('alert_rules').selectAll().where('org_id', '=', a.org.id).execute();
    return RULE_IDS.map((rule) => {
      const mine = own.find((r) => r.rule === rule);
      const s = mine ?? defaultSetting(rule, a.org.hipaa_enabled);
      const info = RULES[rule];
      return {
        rule,
        title: info.title,
        description: info.description,
        counts: info.counts,
        enabled: s.enabled,
        threshold: s.threshold,
        window_seconds: s.window_seconds,
        default: mine === undefined,
      };
    });
  }

  async function rule(ctx: RequestContext, orgRef: string, id: RuleId) {
    return (await rules(ctx, orgRef)).find((r) => r.rule === id) as Awaited<ReturnType<typeof rules>>[number];
  }

  async function setRule(ctx: RequestContext, orgRef: string, id: RuleId, body: RuleBody) {
    const a = await orgs.access(ctx, orgRef);
    await audit.mutate(
      ctx,
      {
        action: 'alert.rule.update',
        chain: a.org.id,
        target: { type: 'alert_rule', id, name: id },
        details: { rule: id, changes: {} },
      },
      async (tx, draft) => {
        authorize(ctx, a, 'alerts.manage');
        const mine = await tx
          .selectFrom('alert_rules')
          .selectAll()
          .where('org_id', '=', a.org.id)
          .where('rule', '=', id)
          .executeTakeFirst();
        const was = mine ?? defaultSetting(id, a.org.hipaa_enabled);
        const next = {
          enabled: body.enabled ?? was.enabled,
          threshold: body.threshold ?? was.threshold,
          window_seconds: body.window_seconds ?? was.window_seconds,
        };
        for (const k of ['enabled', 'threshold', 'window_seconds'] as const)
          if (next[k] !== was[k]) draft.details.changes[k] = { from: was[k], to: next[k] };
        await tx
          .insertInto('alert_rules')
          .values({ org_id: a.org.id, rule: id, ...next, updated_by: actorId(ctx) })
          .onConflict((oc) =>
            oc
              .columns(['org_id', 'rule'])
              .doUpdateSet({ ...next, updated_by: actorId(ctx), updated_at: new Date() }),
          )
          .execute();
      },
    );
    deps.reload();
    return rule(ctx, orgRef, id);
  }

  async function settings(ctx: RequestContext, orgRef: string) {
    const a = await readable(ctx, orgRef);
    const s = await db
      .selectFrom('alert_settings')
      .selectAll()
      .where('org_id', '=', a.org.id)
      .executeTakeFirst();
    return {
      working_hours:
        s && s.work_start !== null && s.work_end !== null
          ? { start: hhmm(s.work_start), end: hhmm(s.work_end), days: s.work_days, time_zone: s.time_zone }
          : null,
      email_to: s?.email_to ?? [],
      smtp: deps.smtp,
    };
  }

  async function setSettings(ctx: RequestContext, orgRef: string, body: AlertSettingsBody) {
    const a = await orgs.access(ctx, orgRef);
    const hours = body.working_hours;
    if (hours) {
      if (!knownTimeZone(hours.time_zone))
        throw invalid(`'${hours.time_zone}' is not a time zone; use an IANA name such as America/Chicago`);
      if (minutes(hours.start) >= minutes(hours.end))
        throw invalid(`working hours must start before they end (${hours.start} is not before ${hours.end})`);
    }
    const before = await settings(ctx, orgRef);
    await audit.mutate(
      ctx,
      {
        action: 'alert.settings.update',
        chain: a.org.id,
        target: { type: 'org', id: a.org.id, name: a.org.name },
        details: { changes: {} },
      },
      async (tx, draft) => {
        authorize(ctx, a, 'alerts.manage');
        const wh = hours === undefined ? before.working_hours : hours;
        const to = body.email_to ?? before.email_to;
        if (hours !== undefined && JSON.stringify(hours) !== JSON.stringify(before.working_hours))
          draft.details.changes.working_hours = { from: before.working_hours, to: hours };
        if (body.email_to && JSON.stringify(to) !== JSON.stringify(before.email_to))
          draft.details.changes.email_to = { from: before.email_to.length, to: to.length };
        const values = {
          work_start: wh ? minutes(wh.start) : null,
          work_end: wh ? minutes(wh.end) : null,
          work_days: wh ? [...new Set(wh.days)].sort() : [1, 2, 3, 4, 5],
          time_zone: wh?.time_zone ?? 'UTC',
          email_to: to,
          updated_by: actorId(ctx),
        };
        await tx
          .insertInto('alert_settings')
          .values({ org_id: a.org.id, ...values })
          .onConflict((oc) => oc.column('org_id').doUpdateSet({ ...values, updated_at: new Date() }))
          .execute();
      },
    );
    deps.reload();
    return settings(ctx, orgRef);
  }

  return {
    list,
    /** The alert with its triggering audit events (ids and seqs): what an incident is made from. */
    get,
    acknowledge: (ctx: RequestContext, org: string, id: string, note?: string) =>
      change(ctx, org, id, 'acknowledged', note),
    dismiss: (ctx: RequestContext, org: string, id: string, reason: string) =>
      change(ctx, org, id, 'dismissed', reason),
    escalateIn,
    /** The alerts that became incident `incidentId` (for its record). */
    ofIncident: (q: Db | Tx, incidentId: string) => alertsOfIncident(q, incidentId),
    rules,
    rule,
    setRule,
    settings,
    setSettings,
  };
}

export type AlertService = ReturnType<typeof createAlertService>;
