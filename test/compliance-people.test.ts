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
  records = (
    await ok('POST', '/api/v1/orgs/acme/projects', owner, { name: 'records', region_id: 'local-hipaa' })
  ).id;
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
    expect(all.get('baa')?.evidence).toMatchObject({
      current: true,
      executed: { signed_by: 'Owner Person' },
    });
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

describe('emergency-access', () => {
  it('fails for a break-glass use still unreviewed 7 days after it started, naming it, and passes once an owner reviews it', async () => {
    const bg = await ok(
      'POST',
      `/api/v1/projects/${records}/break-glass`,
      tokens['admin@acme.test'] as string,
      {
        reason: 'pager: restore after outage INC-7',
        minutes: 60,
        role: 'readonly',
      },
    );
    // A fresh use has 7 days to be reviewed: the control holds, and says the review is due.
    expect(await failing()).toEqual([]);
    const fresh = await result('emergency-access');
    expect(fresh.message).toContain('1 use awaits review, the next due');
    expect(fresh.evidence).toMatchObject({
      enabled_owners: 1,
      awaiting_review: [{ id: bg.id }],
      overdue: [],
    });
    // Eight days pass.
    await sql`UPDATE ward.break_glass SET created_at = created_at - interval '8 days',
                     expires_at = expires_at - interval '8 days' WHERE id = ${bg.id}`.execute(
      w.ward.services.db,
    );
    expect(await failing()).toEqual(['emergency-access']);
    const r = await result('emergency-access');
    expect(r.message).toMatch(
      new RegExp(
        `^1 break-glass use was not reviewed within 7 days of starting: ${bg.id} \\(admin@acme\\.test on 'records', started `,
      ),
    );
    expect(r.message).toContain(`\`ward break-glass review <id> --org acme --note '<what you checked>'\``);
    expect(r.message).not.toContain('INC-7');
    expect(r.evidence).toMatchObject({
      overdue: [{ id: bg.id, person: 'admin@acme.test', project: 'records' }],
    });
    await ok('POST', `/api/v1/orgs/acme/break-glass/${bg.id}/review`, owner, {
      note: 'checked INC-7: justified',
    });
    expect(await failing()).toEqual([]);
    expect((await result('emergency-access')).evidence).toMatchObject({
      overdue: [],
      reviewed_late_last_year: 1,
    });
  });

  it('fails when the org has no enabled owner left to alert and review, and passes once the owner is enabled again', async () => {
    const solo = await mfaUser(w, 'solo@solo.test');
    await ok('POST', '/api/v1/orgs', solo, { name: 'solo' });
    const soloId = (await ok('GET', '/api/v1/me', solo)).id;
    const before = await failing('solo');
    expect(before).not.toContain('emergency-access');
    await ok('POST', `/api/v1/users/${soloId}/disable`, operator);
    expect(await failing('solo')).toEqual([...before, 'emergency-access'].sort(byCatalog));
    expect((await result('emergency-access', 'solo')).message).toMatch(
      /^'solo' has no enabled owner, so no one is alerted when break-glass is used and no one can review it: the operator enables an owner's account again \(`ward user enable <email>`\)/,
    );
    await ok('POST', `/api/v1/users/${soloId}/enable`, operator);
    expect(await failing('solo')).toEqual(before);
  });
});

describe('activity-review', () => {
  it('fails once the last completed access review is 91 days old, and passes after a new one', async () => {
    const { db } = w.ward.services;
    const last = await db
      .selectFrom('access_reviews')
      .select('id')
      .where('completed_at', 'is not', null)
      .executeTakeFirstOrThrow();
    await sql`UPDATE ward.access_reviews SET started_at = started_at - interval '91 days',
                     completed_at = completed_at - interval '91 days' WHERE id = ${last.id}`.execute(db);
    expect(await failing()).toEqual(['activity-review']);
    const r = await result('activity-review');
    expect(r.message).toMatch(
      new RegExp(`^the last access review of 'acme' was completed 91 days ago \\(${last.id}, `),
    );
    expect(r.message).toContain('`ward access-review start --org acme`');
    const again = await completeReview(owner);
    expect(await failing()).toEqual([]);
    expect((await result('activity-review')).evidence).toMatchObject({ last_review: { id: again } });
  });

  it('fails when the org removes its alert webhook (no alert rules), and passes once one is set', async () => {
    await ok('DELETE', '/api/v1/orgs/acme/alert-webhook', owner);
    expect(await failing()).toEqual(['activity-review']);
    const r = await result('activity-review');
    expect(r.message).toContain("'acme' has no alert rules: no alert webhook receives its security alerts");
    expect(r.message).toContain('`ward alert-webhook --org acme --url https://…`');
    expect(r.evidence).toMatchObject({ alert_webhook: null });
    await ok('PUT', '/api/v1/orgs/acme/alert-webhook', owner, {
      url: 'http://127.0.0.1:9/ward-alerts?key=s3cret',
    });
    expect(await failing()).toEqual([]);
    expect(JSON.stringify(await result('activity-review'))).not.toContain('s3cret');
  });
});

describe('baa', () => {
  it("fails when the org's legal name changes after the BAA was executed, and passes when it reads as signed again", async () => {
    await ok('PATCH', '/api/v1/orgs/acme', owner, { settings: { legal_name: 'Acme Health Holdings LLC' } });
    expect(await failing()).toEqual(['baa']);
    const r = await result('baa');
    expect(r.message).toMatch(
      /^The BAA of 'acme' executed on \d{4}-\d\d-\d\d \(baa_\w+\) is no longer the one Ward renders: /,
    );
    expect(r.message).toContain(
      "the org's legal name or address, or the business associate the operator names, changed",
    );
    expect(r.message).toContain('`ward org hipaa enable acme`');
    expect(r.evidence).toMatchObject({ current: false, current_template_version: 'v1' });
    await ok('PATCH', '/api/v1/orgs/acme', owner, { settings: { legal_name: 'acme Health Inc.' } });
    expect(await failing()).toEqual([]);
  });

  it('fails for an org that never executed a BAA, with the next step', async () => {
    const r = await result('baa', 'solo');
    expect(r.outcome).toBe('fail');
    expect(r.message).toBe(
      "'solo' has no executed Business Associate Agreement: an owner reads and signs the current BAA (`ward org hipaa enable solo`, or the console's HIPAA tab) and the operator countersigns it (`ward org baa countersign solo`)",
    );
  });
});

describe('unique-users', () => {
  it("fails when another org's service account is made a member, naming it, and passes once it is removed", async () => {
    const boss = await w.user('boss@globex.test');
    await ok('POST', '/api/v1/orgs', boss, { name: 'globex' });
    await ok('POST', '/api/v1/orgs/globex/service-accounts', boss, { name: 'etl', role: 'developer' });
    const etl = await ok('POST', '/api/v1/orgs/acme/members', owner, {
      email: 'etl@globex.service',
      role: 'developer',
    });
    expect(await failing()).toEqual(['unique-users']);
    const r = await result('unique-users');
    expect(r.message).toBe(
      "etl@globex.service: another org's service account is a member of 'acme', so one application's credentials act in two orgs. Remove it (`ward org member remove --org acme --email etl@globex.service`, or the Members tab) and create a service account of 'acme' (`ward sa create`)",
    );
    expect(r.evidence).toMatchObject({ shared_accounts: ['etl@globex.service'] });
    await ok('DELETE', `/api/v1/orgs/acme/members/${etl.user_id}`, owner);
    expect(await failing()).toEqual([]);
  });

  it("fails for a database role that does not bear its holder's name (only a hand edit makes one)", async () => {
    await eventually(async () => {
      const p = await ok('GET', `/api/v1/projects/${records}`, owner);
      if (p.status === 'failed') throw new Error(p.status_reason);
      return p.status === 'running' ? p : undefined;
    }, 120_000);
    const cred = await ok('POST', `/api/v1/projects/${records}/credentials`, owner, {});
    expect(cred.db_role).toBe('owner@acme.test');
    expect(await failing()).toEqual([]);
    expect((await result('unique-users')).evidence).toMatchObject({ database_roles: 1, role_holders: 1 });
    // No API renames a role: Ward names it from the account when it makes it. A hand edit of the
    // control database (or a restore from another Ward) is the only way, so SQL stands for it.
    const { db } = w.ward.services;
    await sql`UPDATE ward.db_roles SET role_name = 'shared_login' WHERE project_id = ${records}`.execute(db);
    try {
      expect(await failing()).toEqual(['unique-users']);
      expect((await result('unique-users')).message).toContain(
        "1 database role does not bear its holder's name, so PostgreSQL's logs would not name the person: 'shared_login' in 'records' (held by owner@acme.test, should be 'owner@acme.test')",
      );
    } finally {
      await sql`UPDATE ward.db_roles SET role_name = 'owner@acme.test' WHERE project_id = ${records}`.execute(
        db,
      );
    }
    expect(await failing()).toEqual([]);
  }, 180_000);
});

describe('termination', () => {
  it('fails when the operator disables a member who holds a grant, naming them and the project, and passes once they are removed', async () => {
    await ok('POST', `/api/v1/users/${ids['dev@acme.test']}/disable`, operator);
    expect(await failing()).toEqual(['termination']);
    const r = await result('termination');
    expect(r.message).toBe(
      "1 account that left still holds access in 'acme': dev@acme.test (disabled) still holds a grant on 'records'; to fix, remove dev@acme.test from 'acme' (`ward org member remove --org acme --email dev@acme.test`, or the console's Members tab), which takes every grant, break-glass access, token and credential away at once",
    );
    expect(r.evidence).toMatchObject({
      left_but_holding: [
        {
          email: 'dev@acme.test',
          disabled: true,
          member: true,
          holds: [{ what: 'grant', project: 'records' }],
        },
      ],
    });
    await ok('DELETE', `/api/v1/orgs/acme/members/${ids['dev@acme.test']}`, owner);
    expect(await failing()).toEqual([]);
  });
});

/** Orders check ids as PEOPLE_CHECKS lists them (how `failing` returns them). */
function byCatalog(a: CheckId, b: CheckId): number {
  const order = PEOPLE_CHECKS.map((c) => c.id);
  return order.indexOf(a) - order.indexOf(b);
}
