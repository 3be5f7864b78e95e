/**
 * The compliance center's public face against a real Ward: the HIPAA badge and trust page are
 * off (404, the same as for an org that does not exist) until an owner turns them on, then served
 * without sign-in from the latest snapshot, with the scores and the day but none of the org's
 * project names or people; each switch is audited and only owners may flip it. The operator's
 * subprocessor list: a change inside the notice period is refused naming the earliest day; an
 * accepted one reaches every HIPAA org's webhook and notices, and appears on the trust page as
 * upcoming, then in effect; others may read the list but not change it.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { earliestEffective } from '../src/compliance/index.js';
import { OPERATOR_CHAIN } from '../src/evidence/index.js';
import { enableHipaa, eventsOf, mfaUser, startHipaaWard } from './support/hipaa.js';
import { eventually, type TestWard } from './support/ward.js';
import { startWebhook, type Webhook } from './support/webhook.js';

let w: TestWard;
let hook: Webhook;
let owner: string;
let admin: string;
let member: string;
let operator: string;
let orgId: string;

const PROJECT = 'oncology-trials-zeta';
const MEMBER_EMAIL = 'dana.whitfield@acme-publicity.test';
const OWNER_EMAIL = 'olivia.owner@acme-publicity.test';
const UNKNOWN = 'org_aaaaaaaaaaaaaaaa';

/** A request with no credentials at all. */
const anonymous = (path: string) => fetch(`${w.url}${path}`);
const publicJson = async (): Promise<any> => (await anonymous(`/api/v1/public/trust/${orgId}`)).json();

beforeAll(async () => {
  w = await startHipaaWard();
  hook = await startWebhook();
  operator = await w.adminToken();
  owner = await mfaUser(w, OWNER_EMAIL, 'Olivia Owner');
  admin = await mfaUser(w, 'adam.admin@acme-publicity.test', 'Adam Admin');
  member = await mfaUser(w, MEMBER_EMAIL, 'Dana Whitfield');
  const created = await w.request('POST', '/api/v1/orgs', { token: owner, body: { name: 'acme' } });
  expect(created.status).toBe(201);
  orgId = created.body.id;
  await enableHipaa(w, 'acme', owner);
  for (const [email, role] of [
    ['adam.admin@acme-publicity.test', 'admin'],
    [MEMBER_EMAIL, 'member'],
  ])
    expect(
      (await w.request('POST', '/api/v1/orgs/acme/members', { token: owner, body: { email, role } })).status,
    ).toBe(201);
  const project = await w.request('POST', '/api/v1/orgs/acme/projects', {
    token: owner,
    body: { name: PROJECT, region_id: 'local-hipaa' },
  });
  expect(project.status).toBe(201);
  expect(
    (
      await w.request('PUT', '/api/v1/orgs/acme/alert-webhook', {
        token: owner,
        body: { url: hook.url },
      })
    ).status,
  ).toBe(200);
}, 180_000);
afterAll(async () => {
  await w?.stop();
  await hook?.close();
});

describe('the public badge and trust page', () => {
  it('are off by default: 404 without sign-in, the same answer as for an org that does not exist', async () => {
    const view = await w.request('GET', '/api/v1/orgs/acme/compliance/publicity', { token: admin });
    expect(view.status).toBe(200);
    expect(view.body).toMatchObject({ badge: false, trust_page: false, badge_path: `/badge/${orgId}.svg` });
    const answers = [];
    for (const id of [orgId, UNKNOWN, 'not-an-org-id'])
      for (const path of [`/badge/${id}.svg`, `/trust/${id}`, `/api/v1/public/trust/${id}`]) {
        const r = await anonymous(path);
        answers.push({ status: r.status, body: await r.text() });
      }
    expect(answers.every((a) => a.status === 404)).toBe(true);
    expect(new Set(answers.map((a) => a.body)).size).toBe(1);
  });

  it('may be switched only by an owner; an outsider learns nothing', async () => {
    const refused = await w.request('PUT', '/api/v1/orgs/acme/compliance/publicity', {
      token: admin,
      body: { badge: true },
    });
    expect(refused.status).toBe(403);
    const outsider = await mfaUser(w, 'eve@elsewhere.test');
    const hidden = await w.request('PUT', `/api/v1/orgs/${orgId}/compliance/publicity`, {
      token: outsider,
      body: { badge: true },
    });
    expect(hidden.status).toBe(404);
    expect((await anonymous(`/badge/${orgId}.svg`)).status).toBe(404);
    const denied = await eventsOf(w, orgId, 'compliance.publicity.update');
    expect(denied.map((e) => e.outcome)).toEqual(['denied']);
  });

  it('once on, are served without sign-in from the latest snapshot, without projects or people', async () => {
    const on = await w.request('PUT', '/api/v1/orgs/acme/compliance/publicity', {
      token: owner,
      body: { badge: true, trust_page: true },
    });
    expect(on.status).toBe(200);
    expect(on.body).toMatchObject({ badge: true, trust_page: true, updated_by: OWNER_EMAIL });
    const posture = (await w.request('GET', '/api/v1/orgs/acme/compliance', { token: owner })).body;
    const today = posture.checked_at.slice(0, 10);
    const line = `Required ${posture.required_score}% · Addressable ${posture.addressable_score}% · checked ${today}`;

    const badge = await anonymous(`/badge/${orgId}.svg`);
    expect(badge.status).toBe(200);
    expect(badge.headers.get('content-type')).toMatch(/^image\/svg\+xml/);
    expect(badge.headers.get('cache-control')).toMatch(/max-age=\d+/);
    expect(badge.headers.get('cross-origin-resource-policy')).toBe('cross-origin');
    const svg = await badge.text();
    expect(svg).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    expect(svg).toContain(line);
    expect(svg).not.toMatch(/<script|href=/i);

    const page = await anonymous(`/trust/${orgId}`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(page.headers.get('content-security-policy')).toMatch(/default-src 'none'; style-src 'sha256-/);
    const html = await page.text();
    expect(html).toContain('acme Health Inc.');
    expect(html).toContain(`HIPAA Required <strong>${posture.required_score}%</strong>`);
    expect(html).toContain(`checked ${today}`);
    expect(html).toContain('Technical safeguards (164.312)');
    expect(html).toContain('164.308(a)(1)(ii)(A)');

    expect((await anonymous(`/api/v1/public/trust/${orgId}`)).status).toBe(200);
    const trust = await publicJson();
    expect(trust).toMatchObject({
      org_id: orgId,
      org_name: 'acme Health Inc.',
      checked: today,
      required_score: posture.required_score,
      addressable_score: posture.addressable_score,
    });
    const controls = trust.safeguards.flatMap((s: { controls: unknown[] }) => s.controls);
    expect(controls).toHaveLength(posture.controls.length);
    const states = new Map(
      posture.controls.map((c: { citation: string; state: string }) => [c.citation, c.state]),
    );
    for (const c of controls) expect(c.state).toBe(states.get(c.citation));

    const everything = [svg, html, JSON.stringify(trust)].join('\n');
    for (const secret of [PROJECT, MEMBER_EMAIL, OWNER_EMAIL, 'Dana Whitfield', 'Olivia Owner', 'adam.admin'])
      expect(everything).not.toContain(secret);
    for (const c of posture.controls) if (c.message.length > 40) expect(everything).not.toContain(c.message);
  });

  it('turning them on and off is audited, and off means 404 again', async () => {
    const off = await w.request('PUT', '/api/v1/orgs/acme/compliance/publicity', {
      token: owner,
      body: { trust_page: false },
    });
    expect(off.body).toMatchObject({ badge: true, trust_page: false });
    expect((await anonymous(`/trust/${orgId}`)).status).toBe(404);
    expect((await anonymous(`/api/v1/public/trust/${orgId}`)).status).toBe(404);
    expect((await anonymous(`/badge/${orgId}.svg`)).status).toBe(200);
    await w.request('PUT', '/api/v1/orgs/acme/compliance/publicity', {
      token: owner,
      body: { badge: false },
    });
    expect((await anonymous(`/badge/${orgId}.svg`)).status).toBe(404);
    const events = (await eventsOf(w, orgId, 'compliance.publicity.update')).filter(
      (e) => e.outcome === 'success',
    );
    expect(events.map((e) => e.details)).toEqual([
      { badge: true, trust_page: true },
      { badge: true, trust_page: false },
      { badge: false, trust_page: false },
    ]);
    expect(events[0]?.actor.email).toBe(OWNER_EMAIL);
  });
});

describe('the subprocessor list', () => {
  let subId: string;
  const earliest = () => earliestEffective(new Date(), 30).day;

  it('is changed by the operator only, and read by anyone signed in', async () => {
    const body = { name: 'Nope Inc', purpose: 'x', location: 'US', phi: false, effective_at: earliest() };
    for (const token of [owner, admin, member])
      expect((await w.request('POST', '/api/v1/subprocessors', { token, body })).status).toBe(403);
    expect((await w.request('POST', '/api/v1/subprocessors', { body })).status).toBe(401);
    const list = await w.request('GET', '/api/v1/subprocessors', { token: member });
    expect(list.status).toBe(200);
    expect(list.body).toEqual([]);
  });

  it('refuses a change inside the notice period, naming the earliest day', async () => {
    const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
    const soon = await w.request('POST', '/api/v1/subprocessors', {
      token: operator,
      body: {
        name: 'Example Cloud, Inc.',
        purpose: 'off-site backup storage',
        location: 'United States',
        phi: true,
        effective_at: tomorrow,
      },
    });
    expect(soon.status).toBe(400);
    expect(soon.body.error.message).toContain(`at the earliest on ${earliest()}`);
    expect(soon.body.error.message).toContain('30 days');
    expect(hook.bodies.filter((b) => String(b.alert).startsWith('subprocessor.'))).toEqual([]);
  });

  it('announces a new one to every HIPAA org (webhook and notices), audited on the operator chain', async () => {
    const effective = earliest();
    const created = await w.request('POST', '/api/v1/subprocessors', {
      token: operator,
      body: {
        name: 'Example Cloud, Inc.',
        purpose: 'off-site backup storage',
        location: 'United States',
        phi: true,
        effective_at: effective,
      },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      name: 'Example Cloud, Inc.',
      status: 'upcoming',
      effective_at: `${effective}T00:00:00.000Z`,
    });
    subId = created.body.id;
    const alert = await eventually(async () => hook.bodies.find((b) => b.alert === 'subprocessor.added'));
    expect(alert).toMatchObject({
      org_id: orgId,
      subprocessor: { id: subId, name: 'Example Cloud, Inc.', phi: true },
      effective_at: `${effective}T00:00:00.000Z`,
    });
    const notices = await w.request('GET', '/api/v1/orgs/acme/compliance/notices', { token: owner });
    expect(notices.status).toBe(200);
    expect(notices.body).toHaveLength(1);
    expect(notices.body[0]).toMatchObject({ subprocessor_id: subId, change: 'added' });
    expect(notices.body[0].summary).toContain(`New subprocessor from ${effective}: Example Cloud, Inc.`);
    const [refused, event] = await eventsOf(w, OPERATOR_CHAIN, 'subprocessor.create');
    expect(refused?.outcome).toBe('failure');
    expect(event?.outcome).toBe('success');
    expect(event?.details).toMatchObject({ name: 'Example Cloud, Inc.', phi: true, notified: 1 });
    expect(event?.actor.email).toBe('admin@localhost');
    const twice = await w.request('POST', '/api/v1/subprocessors', {
      token: operator,
      body: { name: 'example cloud, inc.', purpose: 'p', location: 'l', phi: false, effective_at: effective },
    });
    expect(twice.status).toBe(409);
  });

  it('appears on the trust page as upcoming, then in effect once its day has come', async () => {
    await w.request('PUT', '/api/v1/orgs/acme/compliance/publicity', {
      token: owner,
      body: { trust_page: true },
    });
    const upcoming = await publicJson();
    expect(upcoming.subprocessors).toEqual([
      expect.objectContaining({ name: 'Example Cloud, Inc.', status: 'upcoming', phi: true }),
    ]);
    expect(await (await anonymous(`/trust/${orgId}`)).text()).toContain(`Upcoming: from ${earliest()}`);
    expect(await w.ward.services.subprocessors.inEffect(new Date())).toEqual([]);
    // The day comes: move the announced version back in time.
    await sql`UPDATE ward.subprocessor_versions SET effective_at = now() - interval '1 day'
      WHERE subprocessor_id = ${subId}`.execute(w.ward.services.db);
    const inEffect = await publicJson();
    expect(inEffect.subprocessors).toEqual([
      expect.objectContaining({ name: 'Example Cloud, Inc.', status: 'in_effect' }),
    ]);
    expect(await (await anonymous(`/trust/${orgId}`)).text()).toContain('In effect');
    expect(await w.ward.services.subprocessors.inEffect(new Date())).toEqual([
      expect.objectContaining({ id: subId, name: 'Example Cloud, Inc.', location: 'United States' }),
    ]);
  });

  it('announces changes and removals ahead too, each told to the org', async () => {
    const effective = earliest();
    const changed = await w.request('PATCH', `/api/v1/subprocessors/${subId}`, {
      token: operator,
      body: { location: 'United States and Canada', effective_at: effective },
    });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({
      status: 'in_effect',
      location: 'United States',
      next: { location: 'United States and Canada', effective_at: `${effective}T00:00:00.000Z` },
    });
    const removed = await w.request('DELETE', `/api/v1/subprocessors/${subId}`, {
      token: operator,
      body: { effective_at: new Date(Date.now() + 40 * 86_400_000).toISOString().slice(0, 10) },
    });
    expect(removed.status).toBe(200);
    expect(removed.body.status).toBe('removal_announced');
    const again = await w.request('DELETE', `/api/v1/subprocessors/${subId}`, {
      token: operator,
      body: { effective_at: effective },
    });
    expect(again.status).toBe(409);
    await eventually(async () =>
      hook.bodies.some((b) => b.alert === 'subprocessor.removed') ? true : undefined,
    );
    expect(hook.bodies.find((b) => b.alert === 'subprocessor.changed')).toMatchObject({
      changes: { location: { from: 'United States', to: 'United States and Canada' } },
    });
    const notices = (await w.request('GET', '/api/v1/orgs/acme/compliance/notices', { token: owner })).body;
    expect(notices.map((n: { change: string }) => n.change)).toEqual(['removed', 'changed', 'added']);
    const trust = await publicJson();
    expect(trust.subprocessors[0]).toMatchObject({
      status: 'in_effect',
      next: { location: 'United States and Canada' },
    });
    expect(trust.subprocessors[0].removal_effective_at).not.toBeNull();
    const events = await eventsOf(w, OPERATOR_CHAIN, 'subprocessor.update');
    expect(events.at(-1)?.details).toMatchObject({
      name: 'Example Cloud, Inc.',
      changes: { location: { from: 'United States', to: 'United States and Canada' } },
      notified: 1,
    });
  });
});
