/**
 * @module alerting/rules/evaluate
 * The rules as one pure function over one committed event: given the org's settings, the
 * chain's state and the event with its seq, it updates the state and calls `raise` for each
 * alert the event triggers. Deterministic: it reads only the event (its time, never the clock)
 * and the state, so evaluating the same events from the same state raises the same alerts.
 * It runs on the audit append path, so the common case (a statement event) does a switch, one
 * lookup and a few additions, and allocates only when it raises.
 */
import type { RuleId, RuleSetting } from './catalog.js';
import { localMoment, type WorkingHours } from './hours.js';
import { networkOf } from './networks.js';
import { type Counter, type Hit, MAX_NETWORKS, type RuleState } from './state.js';

export interface OrgRules {
  org_id: string;
  settings: Record<RuleId, RuleSetting>;
  hours: WorkingHours | null;
  /** The org's projects whose audit level is `hipaa`. */
  hipaa_projects: ReadonlySet<string>;
}

export interface RuleEvent {
  id: string;
  time: string;
  action: string;
  outcome: string;
  actor: Record<string, unknown>;
  target: { type?: string; id?: string; name?: string };
  details: Record<string, unknown>;
}

export interface Trigger {
  rule: RuleId;
  /** The seq of the event that fired the rule: with the rule and chain, the alert's identity. */
  seq: number;
  time: string;
  /** The audit events the alert rests on (the firing one last). */
  events: { seq: number; id: string }[];
  summary: string;
  subject: Record<string, unknown>;
}

const MINUTE = 60_000;
const ACCOUNT_FAILURES = new Set(['bad_password', 'bad_token', 'locked', 'address_locked']);
const BACKUP_ENDS: Record<string, string> = {
  'backup.finish': 'backup',
  'backup.verify.finish': 'backup verification',
  'backup.drill.finish': 'restore drill',
  'backup.restore.finish': 'restore',
};

let lastTime = '';
let lastMs = 0;
function msOf(time: string): number {
  if (time !== lastTime) {
    lastTime = time;
    lastMs = Date.parse(time);
  }
  return lastMs;
}

function count(
  s: RuleState,
  key: string,
  set: RuleSetting,
  ms: number,
  seq: number,
  id: string,
): Hit[] | undefined {
  let c: Counter | undefined = s.fail[key];
  if (!c) {
    c = { hits: [], quiet: 0 };
    s.fail[key] = c;
  }
  const floor = ms - set.window_seconds * 1000;
  while (c.hits.length && (c.hits[0] as Hit)[0] <= floor) c.hits.shift();
  c.hits.push([ms, seq, id]);
  if (c.hits.length > set.threshold) c.hits.shift();
  if (c.hits.length < set.threshold || ms < c.quiet) return undefined;
  c.quiet = ms + set.window_seconds * 1000;
  return c.hits.slice();
}

function failure(
  org: OrgRules,
  s: RuleState,
  seq: number,
  e: RuleEvent,
  account: string | undefined,
  raise: (t: Trigger) => void,
): void {
  const ms = msOf(e.time);
  const ip = typeof e.actor.ip === 'string' ? e.actor.ip : undefined;
  const byAccount = org.settings.failed_signins_account;
  if (byAccount.enabled && account) {
    const hits = count(s, `a:${account.toLowerCase()}`, byAccount, ms, seq, e.id);
    if (hits)
      raise({
        rule: 'failed_signins_account',
        seq,
        time: e.time,
        events: hits.map((h) => ({ seq: h[1], id: h[2] })),
        summary: `${hits.length} refused sign-ins for ${account} within ${byAccount.window_seconds} s`,
        subject: { account, ip: ip ?? null },
      });
  }
  const byAddress = org.settings.failed_signins_address;
  if (byAddress.enabled && ip) {
    const hits = count(s, `i:${ip}`, byAddress, ms, seq, e.id);
    if (hits)
      raise({
        rule: 'failed_signins_address',
        seq,
        time: e.time,
        events: hits.map((h) => ({ seq: h[1], id: h[2] })),
        summary: `${hits.length} refused sign-ins from ${ip} within ${byAddress.window_seconds} s`,
        subject: { ip },
      });
  }
}

function rowsRead(
  org: OrgRules,
  s: RuleState,
  seq: number,
  e: RuleEvent,
  rows: unknown,
  raise: (t: Trigger) => void,
  individuals?: number,
): void {
  const set = org.settings.bulk_read;
  if (!set.enabled || typeof rows !== 'number' || rows <= 0) return;
  const project = e.target.id;
  const person = e.actor.id;
  if (!project || typeof person !== 'string' || !org.hipaa_projects.has(project)) return;
  const ms = msOf(e.time);
  const key = `${person} ${project}`;
  let w = s.rows[key];
  if (!w) {
    w = { b: [], total: 0, quiet: 0 };
    s.rows[key] = w;
  }
  const floor = ms - set.window_seconds * 1000;
  while (w.b.length && (w.b[0] as [number, number])[0] + MINUTE <= floor)
    w.total -= (w.b.shift() as [number, number])[1];
  const minute = ms - (ms % MINUTE);
  const last = w.b[w.b.length - 1];
  if (last && last[0] === minute) last[1] += rows;
  else w.b.push([minute, rows]);
  w.total += rows;
  // A statement the gateway flagged as a bulk read (its rows reached 10,000 or more individuals,
  // issue 22) raises the alert by itself, whatever the window's sum.
  const flagged = individuals !== undefined;
  if (!flagged && (w.total < set.threshold || ms < w.quiet)) return;
  w.quiet = ms + set.window_seconds * 1000;
  const email = typeof e.actor.email === 'string' ? e.actor.email : person;
  const from = e.target.name ?? project;
  raise({
    rule: 'bulk_read',
    seq,
    time: e.time,
    events: [{ seq, id: e.id }],
    summary: flagged
      ? `${email} read the rows of ${individuals} individuals from ${from} in one statement (a bulk read)`
      : `${email} read ${w.total} rows from ${from} within ${set.window_seconds} s`,
    subject: {
      user_id: person,
      email,
      project_id: project,
      rows: w.total,
      ...(flagged ? { individuals } : {}),
    },
  });
}

function access(org: OrgRules, s: RuleState, seq: number, e: RuleEvent, raise: (t: Trigger) => void): void {
  const person = e.actor.id;
  if (e.actor.type !== 'user' || typeof person !== 'string') return;
  const email = typeof e.actor.email === 'string' ? e.actor.email : person;
  const ms = msOf(e.time);
  const via = e.action === 'db.connect' ? `connected to ${e.target.name ?? e.target.id}` : 'signed in';
  if (org.settings.off_hours.enabled && org.hours) {
    const local = localMoment(ms, org.hours);
    if (local.outside && s.days[person] !== local.day) {
      s.days[person] = local.day;
      raise({
        rule: 'off_hours',
        seq,
        time: e.time,
        events: [{ seq, id: e.id }],
        summary: `${email} ${via} outside working hours (${local.day}, ${org.hours.time_zone})`,
        subject: { user_id: person, email },
      });
    }
  }
  if (org.settings.new_network.enabled) {
    const net = networkOf(typeof e.actor.ip === 'string' ? e.actor.ip : null);
    if (!net) return;
    const seen = s.nets[person];
    if (!seen) {
      s.nets[person] = [net];
      return;
    }
    const at = seen.indexOf(net);
    if (at >= 0) {
      if (at !== seen.length - 1) seen.push(...seen.splice(at, 1));
      return;
    }
    seen.push(net);
    if (seen.length > MAX_NETWORKS) seen.shift();
    raise({
      rule: 'new_network',
      seq,
      time: e.time,
      events: [{ seq, id: e.id }],
      summary: `${email} ${via} from ${net}, a network not seen for them before`,
      subject: { user_id: person, email, network: net },
    });
  }
}

function once(
  rule: RuleId,
  seq: number,
  e: RuleEvent,
  summary: string,
  subject: Record<string, unknown>,
): Trigger {
  return { rule, seq, time: e.time, events: [{ seq, id: e.id }], summary, subject };
}

/** Evaluates one committed event of `org`'s chain; see the module comment. */
export function evaluate(
  org: OrgRules,
  s: RuleState,
  seq: number,
  e: RuleEvent,
  raise: (t: Trigger) => void,
): void {
  const d = e.details;
  switch (e.action) {
    case 'db.statement': {
      const prev = d.previous as { rows?: unknown } | undefined;
      if (prev) rowsRead(org, s, seq, e, prev.rows, raise);
      return;
    }
    case 'db.statement.result':
      rowsRead(org, s, seq, e, d.rows, raise, d.bulk_read === true ? Number(d.subject_count) : undefined);
      return;
    case 'db.connect':
      if (e.outcome === 'success') access(org, s, seq, e, raise);
      else if (ACCOUNT_FAILURES.has(d.reason as string))
        failure(org, s, seq, e, typeof d.login === 'string' ? d.login : undefined, raise);
      return;
    case 'auth.login.success':
      access(org, s, seq, e, raise);
      return;
    case 'auth.login.failure':
      if (d.reason !== 'mfa_required')
        failure(org, s, seq, e, typeof d.email === 'string' ? d.email : undefined, raise);
      return;
    case 'breakglass.request':
      if (e.outcome === 'success' && org.settings.break_glass.enabled)
        raise(
          once(
            'break_glass',
            seq,
            e,
            `${String(e.actor.email ?? e.actor.id)} started break-glass access (${String(d.role)}) to ${e.target.name ?? d.project_id}, until ${String(d.expires_at)}`,
            { user_id: e.actor.id ?? null, project_id: d.project_id ?? null },
          ),
        );
      return;
    case 'db.disconnect': {
      const set = org.settings.audit_unavailable;
      if (d.reason !== 'audit_unavailable' || !set.enabled) return;
      const key = `u:${e.target.id}`;
      const ms = msOf(e.time);
      if ((s.quiet[key] ?? 0) > ms) return;
      s.quiet[key] = ms + set.window_seconds * 1000;
      raise(
        once(
          'audit_unavailable',
          seq,
          e,
          `the gateway refused work on ${e.target.name ?? e.target.id}: the audit log could not be written`,
          { project_id: e.target.id ?? null },
        ),
      );
      return;
    }
    case 'audit.sink.failure':
      if (org.settings.audit_sink_failing.enabled)
        raise(
          once(
            'audit_sink_failing',
            seq,
            e,
            `audit sink '${String(d.sink)}' (${String(d.kind)}) is failing`,
            {
              sink_id: e.target.id ?? null,
            },
          ),
        );
      return;
    case 'compliance.control.change':
      if (org.settings.compliance_control_failing.enabled && d.kind === 'required' && d.to === 'failing')
        raise(
          once(
            'compliance_control_failing',
            seq,
            e,
            `required control ${String(d.control_id)} (${String(d.citation)}) is failing`,
            { control_id: d.control_id ?? null },
          ),
        );
      return;
    default: {
      const what = BACKUP_ENDS[e.action];
      if (what && e.outcome === 'failure' && org.settings.backup_failed.enabled)
        raise(
          once('backup_failed', seq, e, `a ${what} of ${e.target.name ?? e.target.id} failed`, {
            project_id: e.target.id ?? null,
            operation_id: d.operation_id ?? null,
          }),
        );
    }
  }
}
