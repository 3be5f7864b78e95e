/**
 * Alert rules fed through the real API, and what happens to an alert: a person signing in from
 * a new network, break-glass access starting, a required compliance control failing, an audit
 * sink failing; each alert delivered to the org's webhook (HMAC-signed) and by e-mail through a
 * real SMTP server (smtp-server in this process), with no statement text or password in either;
 * acknowledged, escalated, dismissed with a required reason, all audited; auditors read, only
 * owners and admins change.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { type AddressInfo, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signAlert } from '../src/access/alerts.js';
import { call, events } from './support/access.js';
import { alertsOf, hipaaOrgWithProject } from './support/alerts.js';
import { mfaUser, spareCode, startHipaaWard } from './support/hipaa.js';
import { eventually, PASSWORD, type TestWard } from './support/ward.js';
import { startWebhook, type Webhook } from './support/webhook.js';

const SMTP_PASSWORD = 'smtp-secret-Zq81vR';
let w: TestWard;
let owner: string;
let projectId: string;
let hook: Webhook;
let smtp: SMTPServer;
const mails: { from: string; to: string[]; raw: string; user?: string }[] = [];
/** While set, the SMTP server refuses every message (a mail server having a bad minute). */
let refuseMail = false;

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as AddressInfo;
  await new Promise((r) => s.close(r));
  return port;
}

beforeAll(async () => {
  smtp = new SMTPServer({
    secure: false,
    disabledCommands: ['STARTTLS'],
    allowInsecureAuth: true,
    authMethods: ['PLAIN', 'LOGIN'],
    onAuth(auth, _session, cb) {
      if (auth.username === 'ward' && auth.password === SMTP_PASSWORD) cb(null, { user: 'ward' });
      else cb(new Error('bad credentials'));
    },
    onData(stream, session, cb) {
      if (refuseMail) {
        stream.resume();
        stream.on('end', () => cb(new Error('451 try again later')));
        return;
      }
      let raw = '';
      stream.on('data', (d) => (raw += d));
      stream.on('end', () => {
        mails.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          raw,
          user: session.user as string | undefined,
        });
        cb();
      });
    },
  });
  const port = await freePort();
  await new Promise<void>((r) => smtp.listen(port, '127.0.0.1', r));
  const passwordFile = join(await mkdtemp(join(tmpdir(), 'ward-smtp-')), 'password');
  await writeFile(passwordFile, `${SMTP_PASSWORD}\n`, { mode: 0o600 });
  w = await startHipaaWard('3s', {}, {
    smtp: {
      host: '127.0.0.1',
      port,
      secure: false,
      starttls: false,
      user: 'ward',
      password_file: passwordFile,
      from: 'ward@ward.test',
    },
  } as never);
  const setup = await hipaaOrgWithProject(w, 'clinic');
  owner = setup.owner;
  projectId = setup.project.id;
  hook = await startWebhook();
}, 180_000);
afterAll(async () => {
  await w?.stop();
  await hook?.close();
  await new Promise((r) => smtp?.close(() => r(undefined)));
});

describe('rules fed through the API', () => {
  let secret: string;

  it('delivers a new-network alert to the webhook, signed, and by e-mail to the owners', async () => {
    const set = await call(w, 'PUT', '/api/v1/orgs/clinic/alert-webhook', {
      token: owner,
      body: { url: hook.url },
    });
    secret = set.body.secret;
    for (const ip of ['10.20.30.40', '198.51.100.7']) {
      const r = await call(w, 'POST', '/api/v1/auth/login', {
        body: { email: 'owner@clinic.test', password: PASSWORD, totp: spareCode('owner@clinic.test') },
        ip,
      });
      expect(r.status).toBe(200);
    }
    const [a] = await alertsOf(w, owner, 'clinic', 'new_network');
    expect(a?.subject).toMatchObject({ email: 'owner@clinic.test', network: '198.51.100.0/24' });

    const req = await eventually(async () =>
      hook.requests.find((r) => JSON.parse(r.raw).alert === 'rule.new_network'),
    );
    const ts = req.headers['x-ward-timestamp'] as string;
    expect(req.headers['x-ward-signature']).toBe(signAlert(secret, ts, req.raw));
    expect(JSON.parse(req.raw)).toMatchObject({ alert_id: a?.id, rule: 'new_network', seq: a?.seq });

    const mail = await eventually(async () => mails.find((m) => m.raw.includes(a?.id ?? '-')));
    expect(mail.to).toEqual(['owner@clinic.test']);
    expect(mail.user).toBe('ward');
    expect(mail.raw).toMatch(/^Subject: \[Ward\] New source network for a person \(clinic\)\r?$/m);
    expect(mail.raw).toContain('198.51.100.0/24');
    const detail = await eventually(async () => {
      const r = await call(w, 'GET', `/api/v1/orgs/clinic/alerts/${a?.id}`, { token: owner });
      return r.body.deliveries.every((d: { status: string }) => d.status === 'sent') ? r.body : undefined;
    });
    expect(detail.deliveries.map((d: { channel: string }) => d.channel)).toEqual(['email', 'webhook']);
    expect((await events(w, 'alert.email')).map((e) => e.outcome)).toContain('success');
    expect(await w.log()).not.toContain(SMTP_PASSWORD);
  });

  it("raises failed_signins_account for a member's refused console sign-ins, recorded in the org's log too", async () => {
    await mfaUser(w, 'nurse@clinic.test');
    await call(w, 'POST', '/api/v1/orgs/clinic/members', {
      token: owner,
      body: { email: 'nurse@clinic.test', role: 'developer' },
    });
    for (let i = 0; i < 5; i++) {
      const r = await call(w, 'POST', '/api/v1/auth/login', {
        body: { email: 'nurse@clinic.test', password: `wrong-${i}-Password` },
        ip: '192.0.2.44',
      });
      expect(r.status).toBe(401);
    }
    const [a] = await alertsOf(w, owner, 'clinic', 'failed_signins_account');
    expect(a?.subject).toMatchObject({ account: 'nurse@clinic.test' });
    expect(a?.events).toHaveLength(5);
    // Each refusal is in the org's chain (what the rule read) as well as the operator's.
    const own = (
      await call(w, 'GET', '/api/v1/orgs/clinic/audit-events?action=auth.login.failure', { token: owner })
    ).body.events as { id: string; details: { email: string } }[];
    expect(own.filter((e) => e.details.email === 'nurse@clinic.test')).toHaveLength(5);
    expect(a?.events.map((e) => e.id).sort()).toEqual(own.map((e) => e.id).sort());
  });

  it('raises break_glass when a developer starts emergency access, with no statement text in any message', async () => {
    const dev = await mfaUser(w, 'dev@clinic.test');
    await call(w, 'POST', '/api/v1/orgs/clinic/members', {
      token: owner,
      body: { email: 'dev@clinic.test', role: 'developer' },
    });
    const bg = await call(w, 'POST', `/api/v1/projects/${projectId}/break-glass`, {
      token: dev,
      body: {
        reason: 'paging incident 42: database unreachable for the ward',
        minutes: 30,
        role: 'readonly',
      },
    });
    expect(bg.status).toBe(201);
    const [a] = await alertsOf(w, owner, 'clinic', 'break_glass');
    expect(a?.summary).toContain('dev@clinic.test started break-glass access (readonly) to records');
    await eventually(async () => mails.find((m) => m.raw.includes(a?.id ?? '-')));
    for (const m of mails) {
      expect(m.raw).not.toContain('SELECT');
      expect(m.raw).not.toContain(SMTP_PASSWORD);
    }
  });

  it('raises compliance_control_failing when a required control starts failing', async () => {
    const posture = () => call(w, 'GET', '/api/v1/orgs/clinic/compliance', { token: owner });
    expect((await posture()).status).toBe(200); // every member has two-step verification
    const dev = await w.ward.services.db
      .selectFrom('users')
      .select('id')
      .where('email', '=', 'dev@clinic.test')
      .executeTakeFirstOrThrow();
    const reset = await call(w, 'POST', `/api/v1/users/${dev.id}/mfa/reset`, { token: await w.adminToken() });
    expect(reset.status).toBeLessThan(300);
    await posture();
    const [a] = await alertsOf(w, owner, 'clinic', 'compliance_control_failing');
    expect(a?.summary).toMatch(/^required control person-authentication \(164\.312\(d\)\) is failing/);
  });

  it('raises audit_sink_failing once when a sink cannot be reached', async () => {
    const r = await call(w, 'POST', '/api/v1/orgs/clinic/audit-sinks', {
      token: owner,
      body: { name: 'siem', kind: 'webhook', url: 'https://127.0.0.1:9/ingest' },
    });
    expect(r.status).toBe(201);
    const [a] = await alertsOf(w, owner, 'clinic', 'audit_sink_failing');
    expect(a?.summary).toBe("audit sink 'siem' (webhook) is failing");
    await new Promise((res) => setTimeout(res, 3000));
    expect(await alertsOf(w, owner, 'clinic', 'audit_sink_failing')).toHaveLength(1);
  });
});

describe('delivery that fails', () => {
  it('records a refused e-mail and sends it again later', async () => {
    refuseMail = true;
    const r = await call(w, 'POST', '/api/v1/auth/login', {
      body: { email: 'owner@clinic.test', password: PASSWORD, totp: spareCode('owner@clinic.test') },
      ip: '192.0.2.50',
    });
    expect(r.status).toBe(200);
    const [, a] = await alertsOf(w, owner, 'clinic', 'new_network', 2);
    const failed = await eventually(async () =>
      (await events(w, 'alert.email')).find((e) => e.target.id === a?.id && e.outcome === 'failure'),
    );
    expect(failed.details).toMatchObject({ alert: a?.id, attempts: 1, recipients: 1 });
    expect(failed.details.failure).toContain('try again later');
    const db = w.ward.services.db;
    const pending = await db
      .selectFrom('alert_deliveries')
      .selectAll()
      .where('alert_id', '=', a?.id as string)
      .where('channel', '=', 'email')
      .executeTakeFirstOrThrow();
    expect(pending).toMatchObject({ status: 'pending', attempts: 1 });
    expect(pending.next_attempt_at.getTime()).toBeGreaterThan(Date.now() + 20_000);

    refuseMail = false;
    // The retry's time brought forward instead of waiting 30 s.
    await db
      .updateTable('alert_deliveries')
      .set({ next_attempt_at: new Date() })
      .where('alert_id', '=', a?.id as string)
      .execute();
    w.ward.services.alerting.delivery.kick();
    await eventually(async () => mails.find((m) => m.raw.includes(a?.id ?? '-')));
    // The success is recorded once the server has accepted the message: a moment after it arrives.
    const outcomes = await eventually(async () => {
      const o = (await events(w, 'alert.email')).filter((e) => e.target.id === a?.id).map((e) => e.outcome);
      return o.length >= 2 ? o : undefined;
    });
    expect(outcomes).toEqual(['failure', 'success']);
  });
});

describe('what people do with an alert', () => {
  it('acknowledges, turns into an incident and dismisses with a reason, each audited; auditors only read', async () => {
    const auditor = await mfaUser(w, 'auditor@clinic.test');
    await call(w, 'POST', '/api/v1/orgs/clinic/members', {
      token: owner,
      body: { email: 'auditor@clinic.test', role: 'auditor' },
    });
    const [a] = await alertsOf(w, owner, 'clinic', 'break_glass');
    const base = `/api/v1/orgs/clinic/alerts/${a?.id}`;
    expect((await call(w, 'GET', base, { token: auditor })).status).toBe(200);
    const denied = await call(w, 'POST', `${base}/acknowledge`, { token: auditor, body: {} });
    expect(denied.status).toBe(403);

    const ack = await call(w, 'POST', `${base}/acknowledge`, { token: owner, body: { note: 'looking' } });
    expect(ack.body).toMatchObject({ status: 'acknowledged', status_by: 'owner@clinic.test' });
    const again = await call(w, 'POST', `${base}/acknowledge`, { token: owner, body: {} });
    expect(again.status).toBe(409);
    expect(again.body.error.message).toContain('is acknowledged; it cannot be marked acknowledged now');
    expect((await call(w, 'POST', `${base}/escalate`, { token: auditor, body: {} })).status).toBe(403);
    const escalated = await call(w, 'POST', `${base}/escalate`, { token: owner, body: {} });
    expect(escalated.status).toBe(201);
    const incidentId = escalated.body.incident.id as string;
    expect(escalated.body.alert).toMatchObject({ status: 'escalated', incident_id: incidentId });
    const incident = (await call(w, 'GET', `/api/v1/orgs/clinic/incidents/${incidentId}`, { token: owner }))
      .body;
    // The incident cites exactly the alert's audit events, names the alert, and takes the day the
    // alert reached the org as the day its recipients would have known (164.404(a)(2)).
    expect(incident.title).toBe(a?.title);
    expect(incident.audit_events.map((e: { id: string }) => e.id).sort()).toEqual(
      (a?.events ?? []).map((e) => e.id).sort(),
    );
    expect(incident.alerts.map((x: { id: string }) => x.id)).toEqual([a?.id]);
    const raisedOn = (a?.raised_at ?? '').slice(0, 10);
    expect(incident.knowledge).toEqual([
      expect.objectContaining({ known_on: raisedOn, basis: 'should_have_known', committed_breach: false }),
    ]);
    expect(incident.discovery.discovered_on).toBe(raisedOn);
    const twice = await call(w, 'POST', `${base}/escalate`, { token: owner, body: {} });
    expect(twice.status).toBe(409);
    expect(twice.body.error.message).toContain(`is already incident '${incidentId}'`);
    // The auditor's refusal and the second try are recorded too, naming the alert.
    const made = (await events(w, 'incident.create')).filter((e) => e.details.alerts?.includes(a?.id));
    expect(made.map((e) => e.outcome)).toEqual(['denied', 'success', 'failure']);
    expect(made[1]?.target.id).toBe(incidentId);

    const noReason = await call(w, 'POST', `${base}/dismiss`, { token: owner, body: {} });
    expect(noReason.status).toBe(400);
    expect(noReason.body.error.message).toContain('reason is required');
    const dismissed = await call(w, 'POST', `${base}/dismiss`, {
      token: owner,
      body: { reason: 'planned drill, approved by the privacy officer' },
    });
    expect(dismissed.body).toMatchObject({
      status: 'dismissed',
      status_note: 'planned drill, approved by the privacy officer',
    });

    const audited = async (action: string) => (await events(w, action)).filter((e) => e.target.id === a?.id);
    expect((await audited('alert.acknowledge')).map((e) => e.outcome)).toEqual([
      'denied',
      'success',
      'failure',
    ]);
    expect((await audited('alert.escalate')).map((e) => [e.outcome, e.details.note])).toEqual([
      ['success', `incident ${incidentId}`],
    ]);
    expect((await audited('alert.dismiss')).map((e) => [e.outcome, e.details.reason])).toEqual([
      ['success', 'planned drill, approved by the privacy officer'],
    ]);
    expect((await audited('alert.raise'))[0]?.details).toMatchObject({ rule: 'break_glass', seq: a?.seq });

    const open = await call(w, 'GET', '/api/v1/orgs/clinic/alerts?status=dismissed', { token: auditor });
    expect(open.body.alerts.map((x: { id: string }) => x.id)).toEqual([a?.id]);
  });

  it('lets admins change a rule and refuses what is not a rule or a threshold', async () => {
    const bad = await call(w, 'PUT', '/api/v1/orgs/clinic/alert-rules/teleport', {
      token: owner,
      body: { enabled: false },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toContain('a rule: one of failed_signins_account');
    const zero = await call(w, 'PUT', '/api/v1/orgs/clinic/alert-rules/bulk_read', {
      token: owner,
      body: { threshold: 0 },
    });
    expect(zero.status).toBe(400);
    const off = await call(w, 'PUT', '/api/v1/orgs/clinic/alert-rules/new_network', {
      token: owner,
      body: { enabled: false },
    });
    expect(off.body).toMatchObject({ rule: 'new_network', enabled: false, default: false });
    const [change] = (await events(w, 'alert.rule.update')).filter((e) => e.details.rule === 'new_network');
    expect(change?.details.changes).toEqual({ enabled: { from: true, to: false } });
  });
});
