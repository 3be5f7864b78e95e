/**
 * @module alerting/alerts.store
 * The SQL of the alert rules: raised alerts (their identity is rule + chain + seq, so a second
 * evaluation of the same events inserts nothing), each chain's evaluated seq and rule state,
 * deliveries waiting to go out, and the org's rule settings and working hours.
 */
import { sql } from 'kysely';
import type { AlertChannel, AlertStatus, Db, Tx } from '../db/index.js';
import { newId } from '../lib/ids.js';
import { RULES } from './rules/catalog.js';
import type { Trigger } from './rules/evaluate.js';

export interface Raised {
  chain: string;
  org_id: string;
  trigger: Trigger;
}

export type AlertRow = Awaited<ReturnType<typeof findAlert>> & object;

/** Inserts what is new; returns the alerts inserted (not those raised before). */
export async function insertAlerts(tx: Tx, raised: Raised[]) {
  if (raised.length === 0) return [];
  return tx
    .insertInto('alerts')
    .values(
      raised.map(({ chain, org_id, trigger: t }) => ({
        id: newId('alr'),
        org_id,
        rule: t.rule,
        chain_id: chain,
        seq: t.seq,
        event_ids: t.events.map((e) => e.id),
        event_seqs: t.events.map((e) => e.seq),
        title: RULES[t.rule].title,
        summary: t.summary.slice(0, 1000),
        subject: JSON.stringify(t.subject),
        event_time: t.time,
      })),
    )
    .onConflict((oc) => oc.columns(['rule', 'chain_id', 'seq']).doNothing())
    .returning(['id', 'org_id', 'rule', 'chain_id', 'seq', 'event_ids', 'summary'])
    .execute();
}

export async function addDeliveries(tx: Tx, alertIds: string[], channels: AlertChannel[]): Promise<void> {
  const rows = alertIds.flatMap((alert_id) => channels.map((channel) => ({ alert_id, channel })));
  if (rows.length) await tx.insertInto('alert_deliveries').values(rows).execute();
}

export async function saveStates(
  tx: Tx,
  states: { chain_id: string; evaluated_seq: number; state: string }[],
): Promise<void> {
  if (states.length === 0) return;
  await tx
    .insertInto('alert_chain_state')
    .values(states)
    .onConflict((oc) =>
      oc.column('chain_id').doUpdateSet({
        evaluated_seq: sql`greatest(alert_chain_state.evaluated_seq, excluded.evaluated_seq)`,
        state: sql`excluded.state`,
        updated_at: sql`now()`,
      }),
    )
    .execute();
}

export const loadStates = (db: Db) =>
  db.selectFrom('alert_chain_state').select(['chain_id', 'evaluated_seq', 'state']).execute();

export async function findAlert(q: Db | Tx, orgId: string, id: string) {
  return q
    .selectFrom('alerts')
    .leftJoin('users', 'users.id', 'alerts.status_by')
    .selectAll('alerts')
    .select('users.email as status_by_email')
    .where('alerts.org_id', '=', orgId)
    .where('alerts.id', '=', id)
    .executeTakeFirst();
}

export async function lockAlert(tx: Tx, orgId: string, id: string) {
  return tx
    .selectFrom('alerts')
    .selectAll()
    .where('org_id', '=', orgId)
    .where('id', '=', id)
    .forUpdate()
    .executeTakeFirst();
}

/** The alerts that became incident `incidentId`. */
export async function alertsOfIncident(q: Db | Tx, incidentId: string) {
  return q
    .selectFrom('alerts')
    .select(['id', 'rule', 'title', 'raised_at'])
    .where('incident_id', '=', incidentId)
    .orderBy('raised_at')
    .execute();
}

export async function listAlerts(
  db: Db,
  orgId: string,
  filter: { status?: AlertStatus; rule?: string; limit: number; before?: string },
) {
  return db
    .selectFrom('alerts')
    .leftJoin('users', 'users.id', 'alerts.status_by')
    .selectAll('alerts')
    .select('users.email as status_by_email')
    .where('alerts.org_id', '=', orgId)
    .$if(filter.status !== undefined, (q) => q.where('alerts.status', '=', filter.status as AlertStatus))
    .$if(filter.rule !== undefined, (q) => q.where('alerts.rule', '=', filter.rule as string))
    .orderBy('alerts.raised_at', 'desc')
    .orderBy('alerts.id', 'desc')
    .limit(filter.limit)
    .execute();
}

export async function openCount(db: Db, orgId: string): Promise<number> {
  const r = await db
    .selectFrom('alerts')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('org_id', '=', orgId)
    .where('status', '=', 'open')
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

export async function setStatus(
  tx: Tx,
  orgId: string,
  id: string,
  status: AlertStatus,
  by: string,
  note: string | null,
  incidentId?: string,
): Promise<void> {
  await tx
    .updateTable('alerts')
    .set({
      status,
      status_by: by,
      status_at: new Date(),
      status_note: note,
      ...(incidentId ? { incident_id: incidentId } : {}),
    })
    .where('org_id', '=', orgId)
    .where('id', '=', id)
    .execute();
}

/** Deliveries whose time has come, with what their alert says. */
export async function dueDeliveries(db: Db, limit: number) {
  return db
    .selectFrom('alert_deliveries as d')
    .innerJoin('alerts as a', 'a.id', 'd.alert_id')
    .innerJoin('orgs as o', 'o.id', 'a.org_id')
    .select([
      'd.alert_id',
      'd.channel',
      'd.attempts',
      'a.org_id',
      'o.name as org_name',
      'a.rule',
      'a.title',
      'a.summary',
      'a.chain_id',
      'a.seq',
      'a.event_ids',
      'a.event_time',
      'a.raised_at',
    ])
    .where('d.status', '=', 'pending')
    .where('d.next_attempt_at', '<=', new Date())
    .orderBy('d.next_attempt_at')
    .limit(limit)
    .execute();
}

export async function settleDelivery(
  db: Db,
  alertId: string,
  channel: AlertChannel,
  outcome: { status: 'sent' | 'skipped' | 'failed' | 'pending'; error?: string; retryInMs?: number },
): Promise<void> {
  await db
    .updateTable('alert_deliveries')
    .set((eb) => ({
      status: outcome.status,
      attempts: eb('attempts', '+', 1),
      last_error: outcome.error?.slice(0, 500) ?? null,
      sent_at: outcome.status === 'sent' ? new Date() : null,
      next_attempt_at: new Date(Date.now() + (outcome.retryInMs ?? 0)),
    }))
    .where('alert_id', '=', alertId)
    .where('channel', '=', channel)
    .execute();
}

export async function deliveriesOf(q: Db | Tx, alertId: string) {
  return q
    .selectFrom('alert_deliveries')
    .select(['channel', 'status', 'attempts', 'last_error', 'sent_at'])
    .where('alert_id', '=', alertId)
    .orderBy('channel')
    .execute();
}

/** The e-mail addresses of the org's owners and admins. */
export async function adminEmails(db: Db, orgId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('org_members as m')
    .innerJoin('users as u', 'u.id', 'm.user_id')
    .select('u.email')
    .where('m.org_id', '=', orgId)
    .where('m.role', 'in', ['owner', 'admin'])
    .orderBy('u.email')
    .execute();
  return rows.map((r) => r.email);
}
