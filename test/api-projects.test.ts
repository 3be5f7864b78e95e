/**
 * Organizations and projects against a real Ward: isolation between orgs, the project lifecycle
 * on real PostgreSQL clusters, and bad input.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from './support/project-db.js';
import { eventually, startTestWard, type TestWard } from './support/ward.js';

let w: TestWard;
let alice: string; // owner of acme
let bob: string; // owner of globex
let admin: string;

beforeAll(async () => {
  w = await startTestWard();
  admin = await w.adminToken();
  alice = await w.user('alice@acme.test');
  bob = await w.user('bob@globex.test');
  expect((await w.request('POST', '/api/v1/orgs', { token: alice, body: { name: 'acme' } })).status).toBe(
    201,
  );
  expect((await w.request('POST', '/api/v1/orgs', { token: bob, body: { name: 'globex' } })).status).toBe(
    201,
  );
});
afterAll(() => w?.stop());

const running = (id: string, token = alice) =>
  eventually(async () => {
    const p = (await w.request('GET', `/api/v1/projects/${id}`, { token })).body;
    if (p.status === 'failed') throw new Error(p.status_reason);
    return p.status === 'running' ? p : undefined;
  });

describe('organizations', () => {
  it('make their creator owner and are listed by name or id', async () => {
    const list = await w.request('GET', '/api/v1/orgs', { token: alice });
    expect(list.body.orgs.map((o: any) => [o.name, o.role, o.plan])).toEqual([['acme', 'owner', 'basic']]);
    const id = list.body.orgs[0].id;
    expect((await w.request('GET', `/api/v1/orgs/${id}`, { token: alice })).body.name).toBe('acme');
    expect((await w.request('GET', '/api/v1/orgs/acme', { token: alice })).body.id).toBe(id);
  });

  it('answer 404 for another org, whether named or by id', async () => {
    const globex = (await w.request('GET', '/api/v1/orgs/globex', { token: bob })).body;
    for (const ref of ['globex', globex.id]) {
      const r = await w.request('GET', `/api/v1/orgs/${ref}`, { token: alice });
      expect(r.status).toBe(404);
      expect(r.body.error).toEqual({ code: 'not_found', message: `no organization '${ref}'` });
    }
    expect((await w.request('GET', '/api/v1/orgs/globex/projects', { token: alice })).status).toBe(404);
  });

  it('refuse a taken name and a bad one', async () => {
    expect((await w.request('POST', '/api/v1/orgs', { token: bob, body: { name: 'acme' } })).status).toBe(
      409,
    );
    for (const name of ['A', 'Acme', 'a'.repeat(41), 'ac me', 'acme\u0007', '-acme']) {
      const r = await w.request('POST', '/api/v1/orgs', { token: bob, body: { name } });
      expect(r.status, name).toBe(400);
      expect(r.body.error.message).toMatch(/^body\.name: /);
    }
    const missing = await w.request('POST', '/api/v1/orgs', { token: bob, body: {} });
    expect(missing.status).toBe(400);
    const notJson = await w.request('POST', '/api/v1/orgs', {
      token: bob,
      body: '{"name":',
      headers: { 'content-type': 'application/json' },
    });
    expect(notJson.status).toBe(400);
    expect(notJson.body.error.message).toBe('the request body is not valid JSON');
  });

  it('let only the operator change the plan', async () => {
    const byOwner = await w.request('PATCH', '/api/v1/orgs/acme', {
      token: alice,
      body: { plan: 'enterprise' },
    });
    expect(byOwner.status).toBe(403);
    expect(byOwner.body.error.message).toMatch(/only the operator can change an organization's plan/);
    const byOperator = await w.request('PATCH', '/api/v1/orgs/acme', {
      token: admin,
      body: { plan: 'scale' },
    });
    expect(byOperator.status).toBe(200);
    expect(byOperator.body.plan).toBe('scale');
    const bad = await w.request('PATCH', '/api/v1/orgs/acme', { token: admin, body: { plan: 'platinum' } });
    expect(bad.status).toBe(400);
  });

  it('let the owner add an existing account with a role; that member sees the org', async () => {
    await w.user('dev@acme.test');
    const added = await w.request('POST', '/api/v1/orgs/acme/members', {
      token: alice,
      body: { email: 'dev@acme.test', role: 'developer' },
    });
    expect(added.status).toBe(201);
    const dev = await w.login('dev@acme.test', 'correct horse battery staple');
    expect((await w.request('GET', '/api/v1/orgs/acme', { token: dev })).body.role).toBe('developer');
    const again = await w.request('POST', '/api/v1/orgs/acme/members', {
      token: alice,
      body: { email: 'dev@acme.test', role: 'admin' },
    });
    expect(again.status).toBe(409);
    const byDev = await w.request('POST', '/api/v1/orgs/acme/members', {
      token: dev,
      body: { email: 'bob@globex.test', role: 'owner' },
    });
    expect(byDev.status).toBe(403);
    const unknown = await w.request('POST', '/api/v1/orgs/acme/members', {
      token: alice,
      body: { email: 'nobody@acme.test', role: 'member' },
    });
    expect(unknown.status).toBe(404);
    const members = (await w.request('GET', '/api/v1/orgs/acme/members', { token: dev })).body.members;
    expect(members.map((m: any) => [m.email, m.role])).toEqual([
      ['alice@acme.test', 'owner'],
      ['dev@acme.test', 'developer'],
    ]);
  });
});

describe('projects', () => {
  let records: any;

  it('are created provisioning and become a running, hardened cluster that answers a query', async () => {
    const r = await w.request('POST', '/api/v1/orgs/acme/projects', {
      token: alice,
      body: { name: 'records', region_id: 'local' },
    });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({
      name: 'records',
      region_id: 'local',
      status: 'provisioning',
      settings: { audit_log_level: 'standard' },
    });
    records = await running(r.body.id);
    expect(records.cluster).toMatchObject({ state: 'running', restarts: 0 });
    const [row] = await sql(
      w,
      records.id,
      "SELECT current_setting('listen_addresses') AS l, current_setting('data_checksums') AS c",
    );
    expect(row).toEqual({ l: '', c: 'on' });
  });

  it('are listed with a cursor', async () => {
    const r2 = await w.request('POST', '/api/v1/orgs/acme/projects', {
      token: alice,
      body: { name: 'billing', region_id: 'local' },
    });
    await running(r2.body.id);
    const page1 = (await w.request('GET', '/api/v1/orgs/acme/projects?limit=1', { token: alice })).body;
    expect(page1.projects.map((p: any) => p.name)).toEqual(['records']);
    const page2 = (
      await w.request('GET', `/api/v1/orgs/acme/projects?limit=1&cursor=${page1.next_cursor}`, {
        token: alice,
      })
    ).body;
    expect(page2.projects.map((p: any) => p.name)).toEqual(['billing']);
    expect(page2.next_cursor).toBeNull();
    const bad = await w.request('GET', '/api/v1/orgs/acme/projects?cursor=garbage', { token: alice });
    expect(bad.status).toBe(400);
  });

  it('refuse bad input with a clear 4xx and create nothing', async () => {
    const cases: [unknown, number, RegExp][] = [
      [{ name: 'x1', region_id: 'mars' }, 400, /unknown region 'mars'; choose one of: local, local-hipaa/],
      [{ name: 'records', region_id: 'local' }, 409, /already has a project named 'records'/],
      [{ name: 'r'.repeat(41), region_id: 'local' }, 400, /^body\.name: too long/],
      [{ name: 'rec\nords', region_id: 'local' }, 400, /^body\.name/],
      [{ region_id: 'local' }, 400, /^body\.name/],
      [{ name: 'x2' }, 400, /^body\.region_id/],
      [{ name: 'x3', region_id: 'local', settings: { audit_log_level: 'max' } }, 400, /audit_log_level/],
      [
        { name: 'x4', region_id: 'local', settings: { audit_log_level: 'hipaa' } },
        403,
        /does not have HIPAA enabled/,
      ],
      [
        { name: 'x5', region_id: 'local-hipaa' },
        403,
        /does not have HIPAA enabled.*hipaa region 'local-hipaa'/,
      ],
    ];
    for (const [body, status, message] of cases) {
      const r = await w.request('POST', '/api/v1/orgs/acme/projects', { token: alice, body });
      expect(r.status, JSON.stringify(body)).toBe(status);
      expect(r.body.error.message).toMatch(message);
    }
    const names = (await w.request('GET', '/api/v1/orgs/acme/projects', { token: alice })).body.projects.map(
      (p: any) => p.name,
    );
    expect(names.sort()).toEqual(['billing', 'records']);
  });

  it('accept Neon’s {"project": {...}} envelope', async () => {
    const r = await w.request('POST', '/api/v1/orgs/globex/projects', {
      token: bob,
      body: { project: { name: 'neonish', region_id: 'local', settings: { audit_log_level: 'standard' } } },
    });
    expect(r.status).toBe(201);
    expect(r.body.name).toBe('neonish');
    await running(r.body.id, bob);
  });

  it("answer 404 for another org's project, on every verb", async () => {
    for (const [method, body] of [['GET'], ['PATCH', { name: 'mine' }], ['DELETE']] as const) {
      const r = await w.request(method, `/api/v1/projects/${records.id}`, { token: bob, body });
      expect(r.status, method).toBe(404);
      expect(r.body.error.message).toBe(`no project '${records.id}'`);
    }
    expect((await w.request('GET', '/api/v1/projects/not-an-id', { token: bob })).status).toBe(400);
  });

  it('keep settings.audit_log_level fixed: changing it is 409', async () => {
    const r = await w.request('PATCH', `/api/v1/projects/${records.id}`, {
      token: alice,
      body: { settings: { audit_log_level: 'hipaa' } },
    });
    expect(r.status).toBe(409);
    expect(r.body.error.message).toMatch(/audit_log_level is fixed when a project is created/);
    const same = await w.request('PATCH', `/api/v1/projects/${records.id}`, {
      token: alice,
      body: { settings: { audit_log_level: 'standard' } },
    });
    expect(same.status).toBe(200);
  });

  it('can be renamed by an admin but not by a developer', async () => {
    const dev = await w.login('dev@acme.test', 'correct horse battery staple');
    expect(
      (await w.request('PATCH', `/api/v1/projects/${records.id}`, { token: dev, body: { name: 'renamed' } }))
        .status,
    ).toBe(403);
    const r = await w.request('PATCH', `/api/v1/projects/${records.id}`, {
      token: alice,
      body: { name: 'patients' },
    });
    expect(r.body.name).toBe('patients');
  });

  it('come back after their postmaster is killed, and the restart is visible', async () => {
    const before = (await w.request('GET', `/api/v1/projects/${records.id}`, { token: alice })).body.cluster;
    process.kill(before.pid, 'SIGKILL');
    const after = await eventually(async () => {
      const c = (await w.request('GET', `/api/v1/projects/${records.id}`, { token: alice })).body.cluster;
      return c.state === 'running' && c.pid !== before.pid ? c : undefined;
    });
    expect(after.restarts).toBe(1);
    expect(await sql(w, records.id, 'SELECT 42 AS answer')).toEqual([{ answer: 42 }]);
  });

  it('are deleted: cluster stopped, directory removed, name free again', async () => {
    const dir = join(w.home, 'projects', records.id);
    expect(existsSync(dir)).toBe(true);
    const r = await w.request('DELETE', `/api/v1/projects/${records.id}`, { token: alice });
    expect(r.status).toBe(200);
    expect(r.body.status).toBe('deleted');
    expect(existsSync(dir)).toBe(false);
    expect((await w.request('GET', `/api/v1/projects/${records.id}`, { token: alice })).status).toBe(404);
    const again = await w.request('POST', '/api/v1/orgs/acme/projects', {
      token: alice,
      body: { name: 'patients', region_id: 'local' },
    });
    expect(again.status).toBe(201);
    await running(again.body.id);
  });
});
