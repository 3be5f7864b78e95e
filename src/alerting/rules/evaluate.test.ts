import { describe, expect, it } from 'vitest';
import { defaultSetting, RULE_IDS, type RuleId, type RuleSetting } from './catalog.js';
import { evaluate, type OrgRules, type RuleEvent, type Trigger } from './evaluate.js';
import { localMoment } from './hours.js';
import { networkOf } from './networks.js';
import { emptyState, prune, type RuleState, stateFrom } from './state.js';

const org = (
  over: Partial<Record<RuleId, Partial<RuleSetting>>> = {},
  extra: Partial<OrgRules> = {},
): OrgRules => ({
  org_id: 'org_x',
  settings: Object.fromEntries(
    RULE_IDS.map((r) => [r, { ...defaultSetting(r, true), ...over[r] }]),
  ) as Record<RuleId, RuleSetting>,
  hours: null,
  hipaa_projects: new Set(['prj_h']),
  ...extra,
});

const T0 = Date.parse('2026-03-02T15:00:00Z'); // a Monday
const ev = (action: string, at: number, over: Partial<RuleEvent> = {}): RuleEvent => ({
  id: `evt_${action}_${at}`,
  time: new Date(at).toISOString(),
  action,
  outcome: 'success',
  actor: { type: 'user', id: 'usr_a', email: 'a@x.test', ip: '10.0.0.5' },
  target: { type: 'project', id: 'prj_h', name: 'records' },
  details: {},
  ...over,
});

function run(o: OrgRules, events: RuleEvent[], state: RuleState = emptyState()): Trigger[] {
  const out: Trigger[] = [];
  events.forEach((e, i) => {
    evaluate(o, state, i + 1, e, (t) => out.push(t));
  });
  return out;
}

describe('alert rules as pure functions', () => {
  it('fires on the fifth refused sign-in for one account within the window, once per burst', () => {
    const fail = (i: number, ip = '10.0.0.5') =>
      ev('auth.login.failure', T0 + i * 1000, {
        outcome: 'denied',
        actor: { type: 'anonymous', ip },
        details: { email: 'A@x.test', reason: 'bad_credentials' },
      });
    const fired = run(
      org(),
      [0, 1, 2, 3, 4, 5, 6].map((i) => fail(i)),
    );
    const byAccount = fired.filter((t) => t.rule === 'failed_signins_account');
    expect(byAccount).toHaveLength(1);
    expect(byAccount[0]?.seq).toBe(5);
    expect(byAccount[0]?.events.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5]);
    // Spread beyond the window: nothing.
    expect(
      run(
        org(),
        [0, 200, 400, 600, 800].map((s) => fail(s)),
      ),
    ).toEqual([]);
  });

  it('counts refused gateway connections per address, and only credential failures', () => {
    const deny = (i: number, reason: string) =>
      ev('db.connect', T0 + i, {
        outcome: 'denied',
        actor: { type: 'anonymous', ip: '192.0.2.9' },
        details: { login: `u${i}@x.test`, reason },
      });
    const o = org({ failed_signins_address: { threshold: 3 } });
    expect(run(o, [deny(1, 'tls_required'), deny(2, 'tls_required'), deny(3, 'tls_required')])).toEqual([]);
    const fired = run(o, [deny(1, 'bad_password'), deny(2, 'bad_token'), deny(3, 'bad_password')]);
    expect(fired.map((t) => t.rule)).toEqual(['failed_signins_address']);
    expect(fired[0]?.subject).toEqual({ ip: '192.0.2.9' });
  });

  it('sums rows from results and carried outcomes per person and HIPAA project in the window', () => {
    const o = org({ bulk_read: { threshold: 100, window_seconds: 600 } });
    const events = [
      ev('db.statement.result', T0, { details: { rows: 40 } }),
      ev('db.statement', T0 + 1000, { details: { previous: { rows: 30 } } }),
      ev('db.statement.result', T0 + 2000, {
        target: { type: 'project', id: 'prj_std' },
        details: { rows: 500 },
      }),
      ev('db.statement', T0 + 3000, { details: { previous: { rows: 30 } } }),
    ];
    const fired = run(o, events);
    expect(fired).toHaveLength(1);
    expect(fired[0]).toMatchObject({
      rule: 'bulk_read',
      seq: 4,
      subject: { rows: 100, project_id: 'prj_h' },
    });
    // A statement the gateway flagged as a bulk read (10,000 or more individuals) raises by itself,
    // below the window's threshold.
    const flagged = run(org({ bulk_read: { threshold: 1_000_000, window_seconds: 600 } }), [
      ev('db.statement.result', T0, { details: { rows: 12_000, bulk_read: true, subject_count: 12_000 } }),
      ev('db.statement.result', T0 + 1000, { details: { rows: 12_000 } }),
    ]);
    expect(flagged.map((t) => [t.rule, t.seq, t.subject.individuals])).toEqual([['bulk_read', 1, 12_000]]);
    // The same rows spread past the window do not add up.
    const late = events.map((e, i) => ({ ...e, time: new Date(T0 + i * 400_000).toISOString() }));
    expect(run(o, late)).toEqual([]);
  });

  it('alerts access outside declared hours once a person a day, in the org’s time zone', () => {
    const o = org(
      {},
      { hours: { start: 8 * 60, end: 18 * 60, days: [1, 2, 3, 4, 5], time_zone: 'America/Chicago' } },
    );
    // 15:00Z is 09:00 in Chicago (inside); 02:00Z next day is 20:00 Chicago (outside).
    const inside = ev('db.connect', T0);
    const night = ev('auth.login.success', T0 + 11 * 3_600_000);
    const later = ev('db.connect', T0 + 12 * 3_600_000);
    const fired = run(o, [inside, night, later]);
    expect(fired.map((t) => [t.rule, t.seq])).toEqual([['off_hours', 2]]);
    expect(run(org(), [night])).toEqual([]); // no hours declared: nothing
    expect(localMoment(T0, o.hours as never)).toEqual({ day: '2026-03-02', outside: false });
  });

  it('learns a person’s first network and alerts a new one', () => {
    const from = (ip: string, i: number) =>
      ev('db.connect', T0 + i, { actor: { type: 'user', id: 'usr_a', email: 'a@x.test', ip } });
    const fired = run(org(), [
      from('10.0.0.5', 1),
      from('10.0.0.77', 2),
      from('10.0.9.1', 3),
      from('10.0.0.1', 4),
    ]);
    expect(fired.map((t) => [t.rule, t.seq, t.subject.network])).toEqual([['new_network', 3, '10.0.9.0/24']]);
    expect(networkOf('2001:db8:1:2::5')).toBe('2001:db8:1::/48');
    expect(networkOf('::ffff:192.0.2.1')).toBe('192.0.2.0/24');
    expect(networkOf('::1')).toBe('0:0:0::/48');
    expect(networkOf('nonsense')).toBeNull();
  });

  it('fires on break-glass, audit refusal, backup, sink and required-control failures', () => {
    const fired = run(org(), [
      ev('breakglass.request', T0, { details: { project_id: 'prj_h', role: 'owner', expires_at: 'x' } }),
      ev('db.disconnect', T0 + 1, { details: { reason: 'audit_unavailable' } }),
      ev('db.disconnect', T0 + 2, { details: { reason: 'audit_unavailable' } }),
      ev('backup.drill.finish', T0 + 3, { outcome: 'failure', details: { operation_id: 'op_1' } }),
      ev('backup.finish', T0 + 4, { outcome: 'success' }),
      ev('audit.sink.failure', T0 + 5, {
        target: { type: 'audit_sink', id: 'snk_1' },
        details: { sink: 's', kind: 'syslog' },
      }),
      ev('compliance.control.change', T0 + 6, {
        details: { kind: 'required', to: 'failing', control_id: 'c' },
      }),
      ev('compliance.control.change', T0 + 7, {
        details: { kind: 'addressable', to: 'failing', control_id: 'd' },
      }),
    ]);
    expect(fired.map((t) => [t.rule, t.seq])).toEqual([
      ['break_glass', 1],
      ['audit_unavailable', 2],
      ['backup_failed', 4],
      ['audit_sink_failing', 6],
      ['compliance_control_failing', 7],
    ]);
  });

  it('raises nothing for a rule switched off', () => {
    const o = org({ break_glass: { enabled: false } });
    expect(run(o, [ev('breakglass.request', T0, { details: {} })])).toEqual([]);
  });

  it('is deterministic: state saved as JSON and read back gives the same alerts', () => {
    const o = org({ bulk_read: { threshold: 50 } });
    const events = Array.from({ length: 40 }, (_, i) =>
      ev('db.statement.result', T0 + i * 1000, { details: { rows: 3 } }),
    );
    const whole = run(o, events);
    const first = emptyState();
    const a = run(o, events.slice(0, 10), first);
    const resumed = stateFrom(JSON.parse(JSON.stringify(first)));
    const b: Trigger[] = [];
    events.slice(10).forEach((e, i) => {
      evaluate(o, resumed, i + 11, e, (t) => b.push(t));
    });
    expect([...a, ...b]).toEqual(whole);
    expect(whole).toHaveLength(1);
  });

  it('prunes what no window needs', () => {
    const s = emptyState();
    run(org(), [ev('auth.login.failure', T0, { details: { email: 'a', reason: 'bad_credentials' } })], s);
    s.t = T0 + 8 * 86_400_000;
    prune(s, 7 * 86_400_000);
    expect(s.fail).toEqual({});
  });
});
