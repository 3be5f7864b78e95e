/**
 * The permission matrix, enforced: docs/permissions.md matches src/policy/permissions.ts, every
 * API route names a permission, and every route is called by every kind of caller (each org
 * role, the operator, a member of another org, a service account) in-process against one Ward,
 * expecting exactly what the matrix says: allowed (anything but 401/403), 403, or 404 for an
 * outsider. Callers the matrix refuses go first, so a call that changes something (a removal)
 * cannot hide a refusal that should have happened.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PERMISSIONS, type Rule } from '../src/policy/permissions.js';
import { call, orgWithRoles } from './support/access.js';
import { allows, type Caller, matrixRows, ROLES } from './support/matrix.js';
import { eventually, PASSWORD, startTestWard, type TestWard } from './support/ward.js';
import { witnessKey } from './support/witness.js';

let w: TestWard;
const tokens: Record<string, string> = {};
const ids: Record<string, string> = {};

const uniq = (() => {
  let n = 0;
  return () => `${Date.now().toString(36)}${(n++).toString(36)}`;
})();

/** What `:id` means in a route: the first pattern that matches its path. */
function idFor(url: string): string {
  const table: [string, string | undefined][] = [
    ['/api/v1/users/', ids.victim],
    ['/break-glass/', ids.breakGlass],
    ['/access-reviews/', ids.review],
    ['/audit-events/', 'evt_aaaaaaaaaaaaaaaa'],
    ['/audit-sinks/', ids.sink],
    ['/audit-witnesses/', ids.witness],
    ['/certificates/', 'crt_aaaaaaaaaaaaaaaa'],
    ['/compliance/reports/', 'rpt_aaaaaaaaaaaaaaaa'],
    ['/compliance/attestations/', 'att_aaaaaaaaaaaaaaaa'],
    ['/api/v1/tokens/', 'tok_aaaaaaaaaaaaaaaa'],
    ['/api/v1/operations/', ids.operation],
    ['/api/v1/subprocessors/', 'sub_aaaaaaaaaaaaaaaa'],
    ['/incidents/', 'inc_aaaaaaaaaaaaaaaa'],
    ['/alerts/', 'alr_aaaaaaaaaaaaaaaa'],
  ];
  return table.find(([part]) => url.includes(part))?.[1] ?? (ids.project as string);
}

/** Fills a route's parameters and gives it a body that reaches the permission check. */
function request(url: string, method: string): { path: string; body?: unknown } {
  const params: Record<string, string> = {
    org: 'walk',
    id: idFor(url),
    user: url.includes('/grants/') ? ids.grantee : ids.target,
    sa: url.endsWith('/:sa') ? ids.doomedSa : ids.sa,
    token: ids.doomedToken,
    subject: ids.target,
    event: 'evt_aaaaaaaaaaaaaaaa',
    hold: 'hld_aaaaaaaaaaaaaaaa',
    notice: 'ltr_aaaaaaaaaaaaaaaa',
    packet: 'pkt_aaaaaaaaaaaaaaaa',
    rule: 'bulk_read',
    key: 'sbk_aaaaaaaaaaaaaaaa',
  } as Record<string, string>;
  const path = url.replace(/:([a-z]+)/g, (_, k: string) => params[k] ?? `:${k}`);
  const key = `${method} ${url}`;
  const bodies: Record<string, () => unknown> = {
    'POST /api/v1/users': () => ({ email: `u${uniq()}@walk.test`, name: 'U', password: PASSWORD }),
    'POST /api/v1/tokens': () => ({ name: 'walk', expires_in_days: 1 }),
    'POST /api/v1/orgs': () => ({ name: `o${uniq()}` }),
    'PATCH /api/v1/orgs/:org': () => ({ settings: { legal_name: 'Walk Inc' } }),
    'POST /api/v1/orgs/:org/members': () => ({ email: 'addable@walk.test', role: 'member' }),
    'PATCH /api/v1/orgs/:org/members/:user': () => ({ role: 'developer' }),
    'POST /api/v1/orgs/:org/projects': () => ({ name: 'walk-a', region_id: 'local' }),
    'PATCH /api/v1/projects/:id': () => ({ name: 'walk-a' }),
    'PUT /api/v1/projects/:id/plaintext': () => ({ allowed: false }),
    'PUT /api/v1/projects/:id/grants': () => ({ email: 'grantee@walk.test', role: 'readonly' }),
    'POST /api/v1/orgs/:org/service-accounts': () => ({ name: 'bot', role: 'member' }),
    'POST /api/v1/orgs/:org/service-accounts/:sa/tokens': () => ({
      name: 't',
      scopes: ['projects:read'],
      expires_in_days: 1,
    }),
    'POST /api/v1/projects/:id/break-glass': () => ({ reason: 'walking every route for every role' }),
    'POST /api/v1/orgs/:org/break-glass/:id/review': () => ({ note: 'walked' }),
    'PUT /api/v1/orgs/:org/sso': () => ({
      issuer: 'http://127.0.0.1:9',
      client_id: 'c',
      client_secret: 's',
      email_domain: 'walk.test',
    }),
    'PUT /api/v1/orgs/:org/alert-webhook': () => ({ url: 'http://127.0.0.1:9/hook' }),
    'PUT /api/v1/orgs/:org/alert-rules/:rule': () => ({ threshold: 20_000 }),
    'PUT /api/v1/orgs/:org/alert-settings': () => ({ email_to: [] }),
    'POST /api/v1/orgs/:org/alerts/:id/dismiss': () => ({ reason: 'walking every route for every role' }),
    'PUT /api/v1/orgs/:org/keys/hsm': () => ({
      module: '/usr/lib/softhsm/libsofthsm2.so',
      token: 'walk',
      key_label: 'root',
      pin: '1234',
    }),
    'POST /api/v1/orgs/:org/access-reviews/:id/items/:subject': () => ({ decision: 'keep' }),
    'POST /api/v1/auth/mfa/totp/verify': () => ({ code: '000000' }),
    'POST /api/v1/orgs/:org/audit-events/verify': () => ({ checkpoints: [] }),
    'POST /api/v1/projects/:id/credentials': () => ({ ttl_minutes: 5 }),
    'POST /api/v1/orgs/:org/audit-events/:id/statement-text': () => ({
      reason: 'walking every route for every role',
    }),
    'POST /api/v1/orgs/:org/audit-sinks': () => ({ name: `s${uniq()}`, kind: 'file', file_name: 'walk' }),
    'PATCH /api/v1/orgs/:org/audit-sinks/:id': () => ({ enabled: false }),
    'POST /api/v1/orgs/:org/audit-witnesses': () => ({
      name: `w${uniq()}`,
      url: 'http://127.0.0.1:9',
      public_key: witnessKey(`walk-${uniq()}`),
    }),
    'PUT /api/v1/orgs/:org/audit-witnesses/quorum': () => ({ quorum: 1 }),
    'POST /api/v1/operator/audit-events/verify': () => ({ checkpoints: [] }),
    'DELETE /api/v1/auth/mfa/totp': () => ({ code: '000000' }),
    'PUT /api/v1/orgs/:org/hipaa': () => ({ enabled: false }),
    'PUT /api/v1/orgs/:org/compliance/publicity': () => ({ badge: false }),
    'POST /api/v1/orgs/:org/compliance/attestations': () => ({
      control: 'risk-analysis',
      statement: 'walking every route for every role',
      file_name: 'walk.txt',
      content_type: 'text/plain',
      content_base64: Buffer.from('walk').toString('base64'),
      review_by: new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10),
    }),
    'POST /api/v1/orgs/:org/compliance/decisions': () => ({
      control: 'workforce-clearance',
      decision: 'implemented',
      rationale: 'walking every route for every role',
    }),
    'PUT /api/v1/orgs/:org/backup-policy': () => ({ retention_days: 7 }),
    'POST /api/v1/orgs/:org/incidents': () => ({ title: 'walk', reported_by: 'the walk' }),
    'POST /api/v1/orgs/:org/incidents/:id/affected/from-access': () => ({
      project: 'prj_aaaaaaaaaaaaaaaa',
      actor: 'walk@walk.test',
      from: '2026-01-01T00:00:00Z',
      to: '2026-01-02T00:00:00Z',
      candidates: [{ identifier: 'MRN-1', state: 'MA' }],
    }),
    'POST /api/v1/orgs/:org/alerts/:id/escalate': () => ({}),
    'PATCH /api/v1/orgs/:org/incidents/:id': () => ({ status: 'assessing' }),
    'POST /api/v1/orgs/:org/incidents/:id/knowledge': () => ({
      person: 'walker',
      relation: 'workforce',
      known_on: '2027-01-01',
    }),
    'POST /api/v1/orgs/:org/incidents/:id/events': () => ({ audit_events: ['evt_aaaaaaaaaaaaaaaa'] }),
    'PUT /api/v1/orgs/:org/incidents/:id/assessment': () => ({ factors: {}, unsecured: true }),
    'POST /api/v1/orgs/:org/incidents/:id/holds': () => ({ kind: 'oral', stated_on: '2027-01-01' }),
    'POST /api/v1/orgs/:org/incidents/:id/notices': () => ({ kind: 'individual' }),
    'PATCH /api/v1/orgs/:org/incidents/:id/notices/:notice': () => ({ recipient: 'walkers' }),
    'POST /api/v1/orgs/:org/incidents/:id/notices/:notice/sent': () => ({ via: 'mail' }),
    'POST /api/v1/projects/:id/subject-keys': () => ({ column: 'walk.mrn' }),
    'POST /api/v1/projects/:id/accesses/who-read': () => ({ subject: 'MRN-1' }),
    'POST /api/v1/projects/:id/accesses/who-read/report': () => ({ subject: 'MRN-1', format: 'csv' }),
    'POST /api/v1/projects/:id/accesses/subjects': () => ({
      actor: 'walk@walk.test',
      from: '2026-01-01T00:00:00Z',
      to: '2026-01-02T00:00:00Z',
      candidates: [{ identifier: 'MRN-1', state: 'MA' }],
    }),
    'POST /api/v1/projects/:id/restore': () => ({ name: `r${uniq()}`, region_id: 'local' }),
    'POST /api/v1/orgs/:org/baa/sign': () => ({
      document_sha256: '0'.repeat(64),
      name: 'N',
      title: 'T',
      accept: true,
    }),
    'POST /api/v1/orgs/:org/baa/countersign': () => ({
      document_sha256: '0'.repeat(64),
      name: 'N',
      title: 'T',
    }),
  };
  return { path, body: bodies[key]?.() };
}

const CALLERS: Caller[] = [...ROLES, 'operator', 'outsider'];

/** What the matrix says for a service-account token (role developer, every scope but `*`). */
function serviceAllowed(rule: Rule): boolean {
  if (!rule.service || rule.scope === '*') return false;
  return rule.who === 'anyone' || (Array.isArray(rule.who) && rule.who.includes('developer'));
}

beforeAll(async () => {
  w = await startTestWard();
  const walk = await orgWithRoles(w, 'walk');
  Object.assign(tokens, walk.tokens);
  Object.assign(ids, walk.ids);
  tokens.operator = await w.adminToken();
  tokens.outsider = await w.user('owner@elsewhere.test');
  await call(w, 'POST', '/api/v1/orgs', { token: tokens.outsider, body: { name: 'elsewhere' } });
  const owner = tokens.owner as string;
  // The BAA calls need the enterprise plan before they get as far as asking who is calling.
  await w.ward.services.db
    .updateTable('orgs')
    .set({ plan: 'enterprise' })
    .where('name', '=', 'walk')
    .execute();
  for (const who of ['target', 'grantee', 'bg', 'addable']) {
    const t = await w.user(`${who}@walk.test`);
    ids[who] = (await call(w, 'GET', '/api/v1/me', { token: t })).body.id;
    tokens[who] = t;
    if (who !== 'addable')
      await call(w, 'POST', '/api/v1/orgs/walk/members', {
        token: owner,
        body: { email: `${who}@walk.test`, role: 'member' },
      });
  }
  await w.user('victim@walk.test');
  ids.victim = (
    await w.ward.services.db
      .selectFrom('users')
      .select('id')
      .where('email', '=', 'victim@walk.test')
      .executeTakeFirstOrThrow()
  ).id;
  const p = await call(w, 'POST', '/api/v1/orgs/walk/projects', {
    token: owner,
    body: { name: 'walk-a', region_id: 'local' },
  });
  ids.project = p.body.id;
  // An operation of the org's (a backup of walk-a) for GET /api/v1/operations/:id.
  await eventually(async () => {
    const r = await call(w, 'GET', `/api/v1/projects/${ids.project}`, { token: owner });
    return r.body.status === 'running' || undefined;
  });
  ids.operation = (
    await call(w, 'POST', `/api/v1/projects/${ids.project}/backups`, { token: owner })
  ).body.id;
  const sa = await call(w, 'POST', '/api/v1/orgs/walk/service-accounts', {
    token: owner,
    body: { name: 'app', role: 'developer' },
  });
  ids.sa = sa.body.id;
  ids.doomedSa = (
    await call(w, 'POST', '/api/v1/orgs/walk/service-accounts', {
      token: owner,
      body: { name: 'doomed', role: 'member' },
    })
  ).body.id;
  const satScopes = ['projects:read', 'projects:write', 'db:connect', 'audit:read', 'org:read', 'org:admin'];
  const sat = await call(w, 'POST', `/api/v1/orgs/walk/service-accounts/${ids.sa}/tokens`, {
    token: owner,
    body: { name: 'walk', scopes: satScopes, expires_in_days: 1 },
  });
  tokens.service = sat.body.token;
  ids.doomedToken = (
    await call(w, 'POST', `/api/v1/orgs/walk/service-accounts/${ids.sa}/tokens`, {
      token: owner,
      body: { name: 'doomed', scopes: ['projects:read'], expires_in_days: 1 },
    })
  ).body.id;
  const bg = await call(w, 'POST', `/api/v1/projects/${ids.project}/break-glass`, {
    token: tokens.bg,
    body: { reason: 'a break-glass for the walk to end and review', role: 'readwrite' },
  });
  ids.breakGlass = bg.body.id;
  ids.review = (await call(w, 'POST', '/api/v1/orgs/walk/access-reviews', { token: owner })).body.id;
  ids.sink = (
    await call(w, 'POST', '/api/v1/orgs/walk/audit-sinks', {
      token: owner,
      body: { name: 'walk-sink', kind: 'file', file_name: 'walk-sink' },
    })
  ).body.id;
  ids.witness = (
    await call(w, 'POST', '/api/v1/orgs/walk/audit-witnesses', {
      token: owner,
      body: { name: 'walk-witness', url: 'http://127.0.0.1:9', public_key: witnessKey('walk-witness') },
    })
  ).body.id;
}, 120_000);
afterAll(() => w?.stop());

describe('the permission matrix', () => {
  it('is what docs/permissions.md says, row for row', () => {
    const doc = readFileSync(new URL('../docs/permissions.md', import.meta.url), 'utf8');
    const documented = doc.split('\n').filter((l) => /^\| `[a-z.]+` \|/.test(l));
    expect(documented).toEqual(matrixRows());
  });

  it('covers every API route: each names a permission the matrix has', () => {
    const routes = w.ward.app.wardRoutes.filter((r) => !r.public);
    expect(routes.length).toBeGreaterThan(40);
    const unnamed = routes.filter((r) => !r.permission || !(r.permission in PERMISSIONS));
    expect(unnamed.map((r) => `${r.method} ${r.url}`)).toEqual([]);
  });

  it('is enforced on every route for every caller', async () => {
    const routes = w.ward.app.wardRoutes
      .filter((r) => !r.public && r.permission)
      // Removals last, so the project and people other routes use are still there.
      .sort(
        (a, b) =>
          Number(a.method === 'DELETE') - Number(b.method === 'DELETE') ||
          Number(a.url === '/api/v1/projects/:id') - Number(b.url === '/api/v1/projects/:id'),
      );
    const wrong: string[] = [];
    let calls = 0;
    for (const route of routes) {
      const rule: Rule = PERMISSIONS[route.permission as keyof typeof PERMISSIONS];
      const orgScoped =
        Array.isArray(rule.who) && /:org|:id/.test(route.url) && !route.url.startsWith('/api/v1/users/');
      const expectations = [
        ...CALLERS.map((c) => ({ who: c as string, allowed: allows(rule, c) })),
        { who: 'service', allowed: serviceAllowed(rule) },
      ].sort((a, b) => Number(a.allowed) - Number(b.allowed));
      for (const e of expectations) {
        const { path, body } = request(route.url, route.method);
        // Signing out ends the session it is called with: give it one of its own.
        const token =
          route.url === '/api/v1/auth/logout' && e.who !== 'service'
            ? (
                await call(w, 'POST', '/api/v1/auth/login', {
                  body: {
                    email:
                      e.who === 'operator'
                        ? 'admin@localhost'
                        : e.who === 'outsider'
                          ? 'owner@elsewhere.test'
                          : `${e.who}@walk.test`,
                    password: e.who === 'operator' ? w.adminPassword : PASSWORD,
                  },
                })
              ).body.token
            : tokens[e.who === 'outsider' ? 'outsider' : e.who];
        const r = await call(w, route.method, path, { token, body });
        calls++;
        const denied = r.status === 403 || r.status === 401;
        const outsiderHidden = e.who === 'outsider' && orgScoped && !e.allowed;
        // The operator sees every org; a service may still hide a resource from them (404).
        const operatorHidden = e.who === 'operator' && orgScoped && !e.allowed && r.status === 404;
        const ok = outsiderHidden
          ? r.status === 404
          : e.allowed
            ? !denied
            : r.status === 403 || operatorHidden;
        if (!ok)
          wrong.push(
            `${route.method} ${route.url} as ${e.who}: ${r.status} ${JSON.stringify(r.body?.error ?? '')} (matrix: ${e.allowed ? 'allowed' : outsiderHidden ? '404' : '403'})`,
          );
      }
    }
    expect(wrong).toEqual([]);
    expect(calls).toBeGreaterThan(300);
  });
});
