/**
 * Alert rules fed by the real gateway on a HIPAA project: rows read in a window (from the
 * statements' recorded outcomes), refused connections per account and per address, a connection
 * outside the org's declared working hours, and the gateway refusing work when the audit log
 * cannot be written. Each alert names the audit events it rests on.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call } from './support/access.js';
import { alertsOf, hipaaOrgWithProject, setRule } from './support/alerts.js';
import { superuser } from './support/control-db.js';
import { credentials, pgConfig } from './support/gateway.js';
import { startHipaaWard } from './support/hipaa.js';
import { eventually, type TestWard } from './support/ward.js';

let w: TestWard;
let owner: string;
let orgId: string;
let projectId: string;

beforeAll(async () => {
  w = await startHipaaWard();
  const setup = await hipaaOrgWithProject(w, 'clinic');
  owner = setup.owner;
  orgId = setup.orgId;
  projectId = setup.project.id;
}, 180_000);
afterAll(() => w?.stop());

async function connect() {
  const c = new pg.Client(pgConfig(await credentials(w, owner, projectId)));
  await c.connect();
  return c;
}

describe('rules over the gateway', () => {
  it('raises bulk_read when a person reads more rows than the threshold from a HIPAA project', async () => {
    const rule = await setRule(w, owner, 'clinic', 'bulk_read', { threshold: 500, window_seconds: 600 });
    expect(rule).toMatchObject({ enabled: true, threshold: 500, default: false });
    const c = await connect();
    try {
      await c.query('SELECT g FROM generate_series(1, 300) g');
      await c.query('SELECT g FROM generate_series(1, 300) g');
      await c.query('SELECT 1');
    } finally {
      await c.end();
    }
    const [a] = await alertsOf(w, owner, 'clinic', 'bulk_read');
    expect(a?.subject).toMatchObject({ email: 'owner@clinic.test', project_id: projectId, rows: 600 });
    expect(a?.summary).toContain('read 600 rows from records');
    expect(a?.summary).not.toContain('generate_series');
    const one = await call(w, 'GET', `/api/v1/orgs/clinic/alerts/${a?.id}`, { token: owner });
    expect(one.body.events.at(-1)).toEqual({ seq: a?.seq, id: expect.stringMatching(/^evt_/) });
  });

  it('raises off_hours for a connection outside the declared working hours, once a day', async () => {
    const now = new Date();
    // Hours that end before this minute (or, just after midnight, start after it).
    const m = now.getUTCHours() * 60 + now.getUTCMinutes();
    const hours = m >= 120 ? { start: '00:00', end: '01:00' } : { start: '22:00', end: '23:00' };
    const set = await call(w, 'PUT', '/api/v1/orgs/clinic/alert-settings', {
      token: owner,
      body: { working_hours: { ...hours, days: [1, 2, 3, 4, 5, 6, 7], time_zone: 'UTC' } },
    });
    expect(set.status).toBe(200);
    const bad = await call(w, 'PUT', '/api/v1/orgs/clinic/alert-settings', {
      token: owner,
      body: { working_hours: { ...hours, days: [1], time_zone: 'Mars/Olympus' } },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toContain("'Mars/Olympus' is not a time zone");
    await eventually(async () => {
      const c = await connect();
      await c.end();
      const r = await call(w, 'GET', '/api/v1/orgs/clinic/alerts?rule=off_hours', { token: owner });
      return r.body.alerts.length > 0 ? true : undefined;
    });
    const c = await connect();
    await c.end();
    await new Promise((r) => setTimeout(r, 2500));
    expect(await alertsOf(w, owner, 'clinic', 'off_hours')).toHaveLength(1);
    await call(w, 'PUT', '/api/v1/orgs/clinic/alert-settings', {
      token: owner,
      body: { working_hours: null },
    });
  });

  it('raises audit_unavailable when the gateway refuses work because the audit log cannot be written', async () => {
    const c = await connect();
    c.on('error', () => undefined);
    await superuser(w, async (su) => {
      await su.query('BEGIN');
      // Holds the org chain's head: no event of the chain can commit until this ends.
      await su.query('SELECT 1 FROM ward.audit_chains WHERE id = $1 FOR UPDATE', [orgId]);
      const refused = c.query('SELECT 1').then(
        () => 'ran',
        (err: Error) => err.message,
      );
      expect(await refused).toMatch(/audit log/);
      await su.query('COMMIT');
    });
    await c.end().catch(() => undefined);
    const [a] = await alertsOf(w, owner, 'clinic', 'audit_unavailable', 1, 60_000);
    expect(a?.subject).toEqual({ project_id: projectId });
  }, 90_000);

  it('raises failed sign-in alerts per account and per address for refused gateway connections', async () => {
    await setRule(w, owner, 'clinic', 'failed_signins_address', { threshold: 5 });
    const creds = await credentials(w, owner, projectId);
    for (let i = 0; i < 5; i++) {
      // Last in this file: the fifth refusal also locks the owner's login out for a while.
      const c = new pg.Client(pgConfig(creds, { password: 'not-the-password' }));
      await expect(c.connect()).rejects.toThrow();
      await c.end().catch(() => undefined);
    }
    const [account] = await alertsOf(w, owner, 'clinic', 'failed_signins_account');
    expect(account?.subject).toMatchObject({ account: 'owner@clinic.test' });
    expect(account?.events).toHaveLength(5);
    const [address] = await alertsOf(w, owner, 'clinic', 'failed_signins_address');
    expect(address?.subject).toMatchObject({ ip: '127.0.0.1' });
  });
});
