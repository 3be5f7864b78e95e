/**
 * Roles, members, project grants, service accounts, break-glass and access reviews against a
 * real Ward, with the attacks the issue names: a developer granting themselves owner, removing
 * the last owner, a token used on another org.
 */
import { createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveProjectRole } from '../src/projects/access.js';
import { call, enrollTotp, events, orgId, orgWithRoles, setHipaa } from './support/access.js';
import { startTestWard, type TestWard } from './support/ward.js';

let w: TestWard;
let t: Record<string, string>;
let ids: Record<string, string>;
let hipaaProject: string;
let standardProject: string;
const hooks: { headers: Record<string, unknown>; body: string }[] = [];
let hookServer: Server;

beforeAll(async () => {
  w = await startTestWard();
  ({ tokens: t, ids } = await orgWithRoles(w, 'acme'));
  // A HIPAA org: everyone needs MFA (and has it, but for the member, whose lack is tested).
  for (const r of ['owner', 'admin', 'developer', 'auditor']) await enrollTotp(w, t[r] as string);
  await setHipaa(w, 'acme');
  const make = async (name: string, region: string) => {
    const r = await call(w, 'POST', '/api/v1/orgs/acme/projects', {
      token: t.owner,
      body: { name, region_id: region },
    });
    if (r.status !== 201) throw new Error(JSON.stringify(r.body));
    return r.body.id as string;
  };
  hipaaProject = await make('records', 'local-hipaa');
  standardProject = await make('scratch', 'local');
  hookServer = createServer((req, res) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      hooks.push({ headers: req.headers, body });
      res.end('ok');
    });
  });
  await new Promise<void>((r) => hookServer.listen(0, '127.0.0.1', r));
}, 120_000);
afterAll(async () => {
  hookServer?.close();
  await w?.stop();
});

const role = (project: string, user: string) => resolveProjectRole(w.ward.services.db, project, user);

describe('members and roles', () => {
  it('refuse a developer granting themselves owner, with a denied audit event', async () => {
    const r = await call(w, 'PATCH', `/api/v1/orgs/acme/members/${ids.developer}`, {
      token: t.developer,
      body: { role: 'owner' },
    });
    expect(r.status).toBe(403);
    expect(r.body.error.message).toMatch(/needs the owner or admin role/);
    const admin = await call(w, 'PATCH', `/api/v1/orgs/acme/members/${ids.admin}`, {
      token: t.admin,
      body: { role: 'owner' },
    });
    expect(admin.status).toBe(403);
    expect(admin.body.error.message).toBe('only an owner can give or take the owner role');
    const denied = (await events(w, 'org.member.update')).filter((e) => e.outcome === 'denied');
    expect(denied).toHaveLength(2);
  });

  it('refuse removing or demoting the last owner', async () => {
    const r = await call(w, 'DELETE', `/api/v1/orgs/acme/members/${ids.owner}`, { token: t.owner });
    expect(r.status).toBe(409);
    expect(r.body.error.message).toBe("'acme' would have no owner left; make someone else owner first");
    const d = await call(w, 'PATCH', `/api/v1/orgs/acme/members/${ids.owner}`, {
      token: t.owner,
      body: { role: 'admin' },
    });
    expect(d.status).toBe(409);
    expect((await events(w, 'org.member.remove')).at(-1)?.outcome).toBe('failure');
  });
});

describe('project roles', () => {
  it('follow the org role on standard projects; HIPAA projects need a grant; auditors never get one', async () => {
    expect(await role(standardProject, ids.developer as string)).toBe('readwrite');
    expect(await role(standardProject, ids.admin as string)).toBe('owner');
    expect(await role(standardProject, ids.auditor as string)).toBeNull();
    expect(await role(hipaaProject, ids.owner as string)).toBe('owner');
    expect(await role(hipaaProject, ids.developer as string)).toBeNull();
    const g = await call(w, 'PUT', `/api/v1/projects/${hipaaProject}/grants`, {
      token: t.admin,
      body: { email: 'developer@acme.test', role: 'readwrite' },
    });
    expect(g.status).toBe(200);
    expect(g.body.access.find((a: any) => a.email === 'developer@acme.test')).toMatchObject({
      role: 'readwrite',
      source: 'grant',
    });
    expect(await role(hipaaProject, ids.developer as string)).toBe('readwrite');
    const aud = await call(w, 'PUT', `/api/v1/projects/${hipaaProject}/grants`, {
      token: t.admin,
      body: { email: 'auditor@acme.test', role: 'readonly' },
    });
    expect(aud.status).toBe(409);
    const self = await call(w, 'PUT', `/api/v1/projects/${hipaaProject}/grants`, {
      token: t.admin,
      body: { email: 'admin@acme.test', role: 'owner' },
    });
    expect(self.status).toBe(403);
    const dev = await call(w, 'PUT', `/api/v1/projects/${hipaaProject}/grants`, {
      token: t.developer,
      body: { email: 'developer@acme.test', role: 'owner' },
    });
    expect(dev.status).toBe(403);
  });

  it('a member without MFA in a HIPAA org has no database role until they enroll', async () => {
    expect(await role(standardProject, ids.member as string)).toBeNull();
    await enrollTotp(w, t.member as string);
    expect(await role(standardProject, ids.member as string)).toBe('readonly');
  });
});

describe('break-glass', () => {
  it('grants time-boxed access with a reason, alerts every owner (audit event and signed webhook), stays flagged until reviewed', async () => {
    const hook = await call(w, 'PUT', '/api/v1/orgs/acme/alert-webhook', {
      token: t.admin,
      body: { url: `http://127.0.0.1:${(hookServer.address() as { port: number }).port}/ward` },
    });
    expect(hook.status).toBe(200);
    const secret = hook.body.secret as string;
    const short = await call(w, 'POST', `/api/v1/projects/${hipaaProject}/break-glass`, {
      token: t.admin,
      body: { reason: 'too short' },
    });
    expect(short.status).toBe(400);
    const long = await call(w, 'POST', `/api/v1/projects/${hipaaProject}/break-glass`, {
      token: t.admin,
      body: { reason: 'pager: production outage INC-42', minutes: 300 },
    });
    expect(long.status).toBe(400);
    expect(await role(hipaaProject, ids.admin as string)).toBeNull();
    const bg = await call(w, 'POST', `/api/v1/projects/${hipaaProject}/break-glass`, {
      token: t.admin,
      body: { reason: 'pager: production outage INC-42', minutes: 240, role: 'owner' },
    });
    expect(bg.status).toBe(201);
    expect(bg.body).toMatchObject({ active: true, flagged: true, role: 'owner' });
    expect(Date.parse(bg.body.expires_at) - Date.parse(bg.body.created_at)).toBeLessThanOrEqual(4 * 3600_000);
    expect(await role(hipaaProject, ids.admin as string)).toBe('owner');
    const auditor = await call(w, 'POST', `/api/v1/projects/${hipaaProject}/break-glass`, {
      token: t.auditor,
      body: { reason: 'I would like to look at the data please' },
    });
    expect(auditor.status).toBe(403);

    const event = (await events(w, 'breakglass.request', await orgId(w, 'acme'))).find(
      (e) => e.outcome === 'success',
    );
    expect((event?.details as { owners_alerted?: string[] } | undefined)?.owners_alerted).toEqual([
      'owner@acme.test',
    ]);
    await w.ward.services.access.alerts.drain();
    // The break-glass notice itself (the alert rules also post a `rule.break_glass` alert).
    const delivered = hooks.filter((h) => JSON.parse(h.body).alert === 'breakglass.request').at(-1);
    expect(delivered).toBeDefined();
    const ts = delivered?.headers['x-ward-timestamp'] as string;
    const expected = `v1=${createHmac('sha256', secret).update(`${ts}.${delivered?.body}`).digest('hex')}`;
    expect(delivered?.headers['x-ward-signature']).toBe(expected);
    expect(JSON.parse(delivered?.body ?? '{}')).toMatchObject({
      alert: 'breakglass.request',
      requester: 'admin@acme.test',
    });
    expect(
      (await events(w, 'alert.deliver')).filter((e) => e.details.alert === 'breakglass.request').at(-1)
        ?.outcome,
    ).toBe('success');

    const list = await call(w, 'GET', '/api/v1/orgs/acme/break-glass', { token: t.auditor });
    expect(list.body.break_glass[0]).toMatchObject({ id: bg.body.id, flagged: true });
    const byAdmin = await call(w, 'POST', `/api/v1/orgs/acme/break-glass/${bg.body.id}/review`, {
      token: t.admin,
      body: { note: 'fine' },
    });
    expect(byAdmin.status).toBe(403);
    const reviewed = await call(w, 'POST', `/api/v1/orgs/acme/break-glass/${bg.body.id}/review`, {
      token: t.owner,
      body: { note: 'checked INC-42: justified' },
    });
    expect(reviewed.body).toMatchObject({
      flagged: false,
      active: true,
      review_note: 'checked INC-42: justified',
    });
    const ended = await call(w, 'POST', `/api/v1/orgs/acme/break-glass/${bg.body.id}/end`, {
      token: t.admin,
    });
    expect(ended.body.active).toBe(false);
    expect(await role(hipaaProject, ids.admin as string)).toBeNull();
  });
});

describe('service accounts', () => {
  it('get scoped, expiring tokens (90 days at most in a HIPAA org) that stay inside their org', async () => {
    const sa = await call(w, 'POST', '/api/v1/orgs/acme/service-accounts', {
      token: t.admin,
      body: { name: 'ci', role: 'developer' },
    });
    expect(sa.status).toBe(201);
    const owner = await call(w, 'POST', '/api/v1/orgs/acme/service-accounts', {
      token: t.admin,
      body: { name: 'boss', role: 'owner' },
    });
    expect(owner.status).toBe(400);
    const base = `/api/v1/orgs/acme/service-accounts/${sa.body.id}/tokens`;
    const long = await call(w, 'POST', base, {
      token: t.admin,
      body: { name: 'deploy', scopes: ['projects:read'], expires_in_days: 91 },
    });
    expect(long.status).toBe(400);
    expect(long.body.error.message).toMatch(/HIPAA organization caps tokens at 90 days/);
    const all = await call(w, 'POST', base, {
      token: t.admin,
      body: { name: 'deploy', scopes: ['*'], expires_in_days: 30 },
    });
    expect(all.status).toBe(400);
    const tok = await call(w, 'POST', base, {
      token: t.admin,
      body: { name: 'deploy', scopes: ['projects:read', 'db:connect'], expires_in_days: 90 },
    });
    expect(tok.status).toBe(201);
    const token = tok.body.token as string;
    expect(token).toMatch(/^ward_sat_/);
    expect((await call(w, 'GET', '/api/v1/orgs/acme/projects', { token })).status).toBe(200);
    const write = await call(w, 'POST', '/api/v1/orgs/acme/projects', {
      token,
      body: { name: 'nope', region_id: 'local' },
    });
    expect(write.status).toBe(403);
    expect(write.body.error.message).toMatch(/lacks the 'projects:write' scope/);
    const mint = await call(w, 'POST', '/api/v1/tokens', { token, body: { name: 'x', expires_in_days: 1 } });
    expect(mint.status).toBe(403);

    const other = await w.user('owner@globex.test');
    await call(w, 'POST', '/api/v1/orgs', { token: other, body: { name: 'globex' } });
    const foreign = await call(w, 'GET', '/api/v1/orgs/globex/projects', { token });
    expect(foreign.status).toBe(404);
    const trail = await events(w, 'access.denied', await orgId(w, 'globex'));
    expect(trail.some((e) => (e.actor as { id: string }).id === sa.body.id)).toBe(true);

    await call(w, 'DELETE', `/api/v1/orgs/acme/service-accounts/${sa.body.id}`, { token: t.admin });
    expect((await call(w, 'GET', '/api/v1/orgs/acme/projects', { token })).status).toBe(401);
  });
});

describe('removing a member', () => {
  it('revokes their sessions, tokens, grants and database role at once', async () => {
    const pat = await call(w, 'POST', '/api/v1/tokens', {
      token: t.developer,
      body: { name: 'db', expires_in_days: 7, scopes: ['db:connect'] },
    });
    expect((await call(w, 'GET', '/api/v1/me', { token: pat.body.token })).status).toBe(200);
    expect(await role(hipaaProject, ids.developer as string)).toBe('readwrite');
    const r = await call(w, 'DELETE', `/api/v1/orgs/acme/members/${ids.developer}`, { token: t.admin });
    expect(r.status).toBe(204);
    expect((await call(w, 'GET', '/api/v1/me', { token: t.developer })).status).toBe(401);
    expect((await call(w, 'GET', '/api/v1/me', { token: pat.body.token })).status).toBe(401);
    expect(await role(hipaaProject, ids.developer as string)).toBeNull();
    expect(await role(standardProject, ids.developer as string)).toBeNull();
    const ev = (await events(w, 'org.member.remove')).find((e) => e.outcome === 'success');
    expect(ev?.details).toMatchObject({ email: 'developer@acme.test', revoked_grants: 1 });
    expect((ev?.details as { revoked_tokens?: number } | undefined)?.revoked_tokens).toBeGreaterThanOrEqual(
      2,
    );
  });

  it('and disabling an account does the same everywhere', async () => {
    const admin = await w.adminToken();
    const r = await call(w, 'POST', `/api/v1/users/${ids.member}/disable`, { token: admin });
    expect(r.body.disabled).toBe(true);
    expect((await call(w, 'GET', '/api/v1/me', { token: t.member })).status).toBe(401);
    expect(await role(standardProject, ids.member as string)).toBeNull();
  });
});

describe('access reviews', () => {
  it('list everyone with roles, grants and last use; keep or revoke each; completion seals the evidence', async () => {
    const start = await call(w, 'POST', '/api/v1/orgs/acme/access-reviews', { token: t.owner });
    expect(start.status).toBe(201);
    const items = start.body.items as any[];
    const byEmail = Object.fromEntries(items.map((i) => [i.email, i]));
    expect(byEmail['owner@acme.test'].project_grants.map((g: any) => g.project).sort()).toEqual([
      'records',
      'scratch',
    ]);
    expect(byEmail['owner@acme.test'].last_sign_in_at).not.toBeNull();
    expect(byEmail['auditor@acme.test'].project_grants).toEqual([]);
    expect((await call(w, 'POST', '/api/v1/orgs/acme/access-reviews', { token: t.admin })).status).toBe(403);
    const early = await call(w, 'POST', `/api/v1/orgs/acme/access-reviews/${start.body.id}/complete`, {
      token: t.owner,
    });
    expect(early.status).toBe(409);
    for (const i of items) {
      const decision = i.email === 'auditor@acme.test' ? 'revoke' : 'keep';
      const r = await call(
        w,
        'POST',
        `/api/v1/orgs/acme/access-reviews/${start.body.id}/items/${i.subject_id}`,
        {
          token: t.owner,
          body: { decision, note: decision === 'revoke' ? 'left the team' : undefined },
        },
      );
      expect(r.status, i.email).toBe(200);
    }
    expect(
      (await call(w, 'GET', '/api/v1/orgs/acme/members', { token: t.owner })).body.members.map(
        (m: any) => m.email,
      ),
    ).not.toContain('auditor@acme.test');
    const done = await call(w, 'POST', `/api/v1/orgs/acme/access-reviews/${start.body.id}/complete`, {
      token: t.owner,
    });
    expect(done.status).toBe(200);
    expect(done.body.evidence_sha256).toMatch(/^[0-9a-f]{64}$/);
    const again = await call(
      w,
      'POST',
      `/api/v1/orgs/acme/access-reviews/${start.body.id}/items/${ids.owner}`,
      {
        token: t.owner,
        body: { decision: 'revoke' },
      },
    );
    expect(again.status).toBe(409);
    const kept = await call(w, 'GET', `/api/v1/orgs/acme/access-reviews/${start.body.id}`, {
      token: t.owner,
    });
    expect(kept.body).toEqual(done.body);
  });
});
