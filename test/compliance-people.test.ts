/**
 * The compliance center's people checks against a real Ward, through GET /api/v1/orgs/{org}/compliance:
 * each passes in a HIPAA org set up as the controls ask; then its condition is broken through the
 * real component (an API call; SQL only to let time pass, or where only a hand edit could do it)
 * and exactly the controls that check decides start failing, with a message that names what to
 * fix, the required score falling when one of them is required; and once fixed they pass again.
 * Log-in monitoring is a setting of Ward itself, so a second Ward started with a weak lockout is
 * compared with this one.
 */
import { createServer, type Server } from 'node:http';
import { sql } from 'kysely';
import Provider from 'oidc-provider';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CheckId } from '../src/compliance/checks/check.js';
import { DATA_CHECKS } from '../src/compliance/checks/data.js';
import { PEOPLE_CHECKS } from '../src/compliance/checks/people.js';
import { call, enrollTotp, signIn } from './support/access.js';
import {
  breaks as breaksIn,
  controlOf,
  decidedBy,
  expectScoresFell,
  fixes as fixesIn,
  type Probe,
  posture as postureOf,
} from './support/compliance.js';
import { BUSINESS_ASSOCIATE, enableHipaa, mfaUser } from './support/hipaa.js';
import { eventually, startTestWard, type TestWard } from './support/ward.js';

let w: TestWard;
let operator: string;
let owner: string;
let records: string;
const ids: Record<string, string> = {};
const tokens: Record<string, string> = {};

/** Fails the test with the answer when a set-up call does not succeed. */
async function ok(method: string, path: string, token: string, body?: unknown, on = w) {
  const r = await call(on, method, path, { token, body });
  if (r.status >= 300) throw new Error(`${method} ${path}: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
}

/**
 * The controls the data checks decide follow Ward's own schedules (a project coming up, its
 * first backup, the audit chain's verification), so they may change during any test: "exactly"
 * is judged on every other control (the people checks' and the attested ones).
 */
const dataChecks = new Set<string>(DATA_CHECKS.map((c) => c.id));
const probe = (org = 'acme', as?: string, on = w): Probe => ({ w: on, org, as, ignore: dataChecks });
const posture = (org = 'acme', on = w, as?: string) => postureOf(probe(org, as, on));
const breaks = (check: CheckId, breakIt: () => Promise<unknown>, org = 'acme', as?: string) =>
  breaksIn(probe(org, as), check, breakIt);
const fixes = (check: CheckId, fix: () => Promise<unknown>, org = 'acme', as?: string) =>
  fixesIn(probe(org, as), check, fix);

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
  await running(records);
  await ok('PUT', `/api/v1/projects/${records}/grants`, owner, { email: 'dev@acme.test', role: 'readwrite' });
  await ok('PUT', '/api/v1/orgs/acme/alert-webhook', owner, { url: 'http://127.0.0.1:9/ward-alerts' });
  await completeReview(owner);
  // An org that has done nothing yet, owned by someone with two-step verification.
  const solo = await mfaUser(w, 'solo@solo.test');
  await ok('POST', '/api/v1/orgs', solo, { name: 'solo' });
  ids['solo@solo.test'] = (await ok('GET', '/api/v1/me', solo)).id;
}, 180_000);
afterAll(() => w?.stop());

/** Waits until the project's cluster runs (the owner asks). */
function running(project: string) {
  return eventually(async () => {
    const p = await ok('GET', `/api/v1/projects/${project}`, owner);
    if (p.status === 'failed') throw new Error(p.status_reason);
    return p.status === 'running' ? p : undefined;
  }, 120_000);
}

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
  it('passes every control a people check decides, each naming its threshold and saying what holds', async () => {
    const p = await posture();
    const people = new Set<string>(PEOPLE_CHECKS.map((c) => c.id));
    const mine = p.controls.filter((c) => people.has(c.check));
    // Every people check decides at least one control of the catalog, and nothing else decides them.
    expect(new Set(mine.map((c) => c.check))).toEqual(people);
    for (const c of mine) {
      expect(c.state, `${c.id}: ${c.message}`).toBe('passing');
      expect(c.threshold, c.id).toBe(PEOPLE_CHECKS.find((k) => k.id === c.check)?.threshold);
    }
    expect(controlOf(p, 'two-step').message).toBe(
      "all 3 people in 'acme' have two-step verification (an authenticator app) turned on",
    );
    expect(controlOf(p, 'automatic-logoff').evidence).toMatchObject({ idle_minutes: 15, source: 'default' });
    expect(controlOf(p, 'baa').evidence).toMatchObject({
      current: true,
      executed: { signed_by: 'Owner Person', template_version: 'v1' },
    });
    expect(controlOf(p, 'automatic-logoff').threshold).toContain('15 minutes or less');
    expect(controlOf(p, 'emergency-access').threshold).toContain('within 7 days of its start');
    expect(controlOf(p, 'activity-review').threshold).toContain('within the last 90 days');
    expect(controlOf(p, 'login-monitoring').threshold).toContain('at most 10 consecutive failed sign-ins');
  });
});

describe('two-step', () => {
  it("fails when the operator removes a member's authenticator app, naming them, and passes once they enroll again", async () => {
    const c = await breaks('two-step', () =>
      ok('POST', `/api/v1/users/${ids['dev@acme.test']}/mfa/reset`, operator),
    );
    expect(c.message).toMatch(/^1 person of 3 in 'acme' has no two-step verification: dev@acme\.test\. /);
    expect(c.message).toContain('`ward mfa enroll` then `ward mfa confirm <code>`');
    expect(c.evidence).toMatchObject({ people: 3, with_totp: 2, without_second_factor: ['dev@acme.test'] });
    await fixes('two-step', async () => enrollTotp(w, await signIn(w, 'dev@acme.test')));
  });
});

describe('two-step, with single sign-on', () => {
  let idp: Server | undefined;
  afterAll(() => idp?.close());

  it('fails for a member without an authenticator app, and passes once the org requires single sign-on', async () => {
    idp = createServer();
    await new Promise<void>((r) => idp?.listen(0, '127.0.0.1', r));
    const issuer = `http://127.0.0.1:${(idp.address() as { port: number }).port}`;
    const provider = new Provider(issuer, {
      clients: [{ client_id: 'ward', client_secret: 'idp-client-secret', redirect_uris: [`${w.url}/cb`] }],
    });
    idp.on('request', provider.callback());
    const boss = await w.user('boss@initech.test');
    await ok('POST', '/api/v1/orgs', boss, { name: 'initech' });
    const failing = controlOf(await posture('initech'), 'two-step');
    expect(failing.state).toBe('failing');
    expect(failing.message).toMatch(
      /^1 person of 1 in 'initech' has no two-step verification: boss@initech\.test\. /,
    );
    const c = await fixes(
      'two-step',
      () =>
        ok('PUT', '/api/v1/orgs/initech/sso', boss, {
          issuer,
          client_id: 'ward',
          client_secret: 'idp-client-secret',
          email_domain: 'initech.test',
          require_sso: true,
        }),
      'initech',
    );
    expect(c.message).toBe(
      "'initech' requires single sign-on (initech.test): its identity provider vouches for the second factor of all 1 person; 0 also use an authenticator app",
    );
    expect(JSON.stringify(c)).not.toContain('idp-client-secret');
  });
});

describe('automatic-logoff', () => {
  it('fails when the idle timeout is set to 60 minutes through the API, and passes at 15 again', async () => {
    const c = await breaks('automatic-logoff', () =>
      ok('PATCH', '/api/v1/orgs/acme', owner, { settings: { session_idle_minutes: 60 } }),
    );
    expect(c.message).toContain("'acme' ends sessions only after 60 minutes without activity");
    expect(c.message).toContain('`ward org set acme --session-idle-minutes 15`');
    expect(c.evidence).toMatchObject({ idle_minutes: 60, source: 'setting' });
    await fixes('automatic-logoff', () =>
      ok('PATCH', '/api/v1/orgs/acme', owner, { settings: { session_idle_minutes: 15 } }),
    );
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
    // A fresh use has 7 days to be reviewed: the control holds, and says when the review is due.
    const fresh = controlOf(await posture(), 'emergency-access');
    expect(fresh.state).toBe('passing');
    expect(fresh.message).toContain('1 use awaits review, the next due');
    expect(fresh.evidence).toMatchObject({
      enabled_owners: 1,
      awaiting_review: [{ id: bg.id }],
      overdue: [],
    });
    const c = await breaks('emergency-access', () =>
      // Eight days pass.
      sql`UPDATE ward.break_glass SET created_at = created_at - interval '8 days',
                 expires_at = expires_at - interval '8 days' WHERE id = ${bg.id}`.execute(w.ward.services.db),
    );
    expect(c.message).toMatch(
      new RegExp(
        `^1 break-glass use was not reviewed within 7 days of starting: ${bg.id} \\(admin@acme\\.test on 'records', started `,
      ),
    );
    expect(c.message).toContain("`ward break-glass review <id> --org acme --note '<what you checked>'`");
    // The reason is free text a person wrote: never copied into the posture.
    expect(JSON.stringify(c)).not.toContain('INC-7');
    expect(c.evidence).toMatchObject({
      overdue: [{ id: bg.id, person: 'admin@acme.test', project: 'records' }],
    });
    const fixed = await fixes('emergency-access', () =>
      ok('POST', `/api/v1/orgs/acme/break-glass/${bg.id}/review`, owner, { note: 'checked the incident' }),
    );
    expect(fixed.evidence).toMatchObject({ overdue: [], reviewed_late_last_year: 1 });
  });

  it('fails when the org has no enabled owner left to alert and review, and passes once the owner is enabled again', async () => {
    const soloId = ids['solo@solo.test'] as string;
    const c = await breaks(
      'emergency-access',
      () => ok('POST', `/api/v1/users/${soloId}/disable`, operator),
      'solo',
    );
    expect(c.message).toMatch(
      /^'solo' has no enabled owner, so no one is alerted when break-glass is used and no one can review it: the operator enables an owner's account again \(`ward user enable <email>`\)/,
    );
    await fixes('emergency-access', () => ok('POST', `/api/v1/users/${soloId}/enable`, operator), 'solo');
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
    const c = await breaks('activity-review', () =>
      sql`UPDATE ward.access_reviews SET started_at = started_at - interval '91 days',
                 completed_at = completed_at - interval '91 days' WHERE id = ${last.id}`.execute(db),
    );
    expect(c.message).toMatch(
      new RegExp(`^the last access review of 'acme' was completed 91 days ago \\(${last.id}, `),
    );
    expect(c.message).toContain('`ward access-review start --org acme`');
    const again = await completeReview(owner);
    const fixed = controlOf(await posture(), 'activity-review');
    expect(fixed.state).toBe('passing');
    expect(fixed.evidence).toMatchObject({ last_review: { id: again } });
  });

  it('fails when the org removes its alert webhook (no alert rules), and passes once one is set', async () => {
    const c = await breaks('activity-review', () => ok('DELETE', '/api/v1/orgs/acme/alert-webhook', owner));
    expect(c.message).toContain("'acme' has no alert rules: no alert webhook receives its security alerts");
    expect(c.message).toContain('`ward alert-webhook --org acme --url https://…`');
    expect(c.evidence).toMatchObject({ alert_webhook: null });
    const fixed = await fixes('activity-review', () =>
      ok('PUT', '/api/v1/orgs/acme/alert-webhook', owner, {
        url: 'http://127.0.0.1:9/ward-alerts?key=s3cret',
      }),
    );
    // A receiver's URL may carry its secret: only whether a webhook is set is shown.
    expect(JSON.stringify(fixed)).not.toContain('s3cret');
  });
});

describe('baa', () => {
  it("fails when the org's legal name changes after the BAA was executed, and passes when it reads as signed again", async () => {
    const c = await breaks('baa', () =>
      ok('PATCH', '/api/v1/orgs/acme', owner, { settings: { legal_name: 'Acme Health Holdings LLC' } }),
    );
    expect(c.message).toMatch(
      /^The BAA of 'acme' executed on \d{4}-\d\d-\d\d \(baa_\w+\) is no longer the one Ward renders: /,
    );
    expect(c.message).toContain(
      "the org's legal name or address, or the business associate the operator names, changed since it was signed",
    );
    expect(c.message).toContain('`ward org hipaa enable acme`');
    expect(c.evidence).toMatchObject({ current: false, current_template_version: 'v1' });
    // enableHipaa set the legal name the BAA was signed with.
    await fixes('baa', () =>
      ok('PATCH', '/api/v1/orgs/acme', owner, { settings: { legal_name: 'acme Health Inc.' } }),
    );
  });

  it('fails for an org that never executed a BAA, with the next step', async () => {
    const c = controlOf(await posture('solo'), 'baa');
    expect(c.state).toBe('failing');
    expect(c.message).toBe(
      "'solo' has no executed Business Associate Agreement: an owner reads and signs the current BAA (`ward org hipaa enable solo`, or the console's HIPAA tab) and the operator countersigns it (`ward org baa countersign solo`)",
    );
  });
});

describe('unique-users', () => {
  it("fails when another org's service account is made a member, naming it, and passes once it is removed", async () => {
    const boss = await w.user('boss@globex.test');
    await ok('POST', '/api/v1/orgs', boss, { name: 'globex' });
    await ok('POST', '/api/v1/orgs/globex/service-accounts', boss, { name: 'etl', role: 'developer' });
    let etl = '';
    const c = await breaks('unique-users', async () => {
      etl = (
        await ok('POST', '/api/v1/orgs/acme/members', owner, {
          email: 'etl@globex.service',
          role: 'developer',
        })
      ).user_id;
    });
    expect(c.message).toBe(
      "etl@globex.service: another org's service account is a member of 'acme', so one application's credentials act in two orgs. Remove it (`ward org member remove --org acme --email etl@globex.service`, or the Members tab) and create a service account of 'acme' (`ward sa create`)",
    );
    expect(c.evidence).toMatchObject({ shared_accounts: ['etl@globex.service'] });
    await fixes('unique-users', () => ok('DELETE', `/api/v1/orgs/acme/members/${etl}`, owner));
  });

  it("fails for a database role that does not bear its holder's name (only a hand edit makes one)", async () => {
    const cred = await ok('POST', `/api/v1/projects/${records}/credentials`, owner, {});
    expect(cred.db_role).toBe('owner@acme.test');
    const held = controlOf(await posture(), 'unique-users');
    expect(held.state).toBe('passing');
    expect(held.evidence).toMatchObject({ database_roles: 1, role_holders: 1 });
    // No API renames a role: Ward names it from the account when it makes it. A hand edit of the
    // control database (or a restore from another Ward) is the only way, so SQL stands for it.
    const { db } = w.ward.services;
    const c = await breaks('unique-users', () =>
      sql`UPDATE ward.db_roles SET role_name = 'shared_login' WHERE project_id = ${records}`.execute(db),
    );
    expect(c.message).toContain(
      "1 database role does not bear its holder's name, so PostgreSQL's logs would not name the person: 'shared_login' in 'records' (held by owner@acme.test, should be 'owner@acme.test')",
    );
    await fixes('unique-users', () =>
      sql`UPDATE ward.db_roles SET role_name = 'owner@acme.test' WHERE project_id = ${records}`.execute(db),
    );
  }, 180_000);
});

describe('termination', () => {
  it('fails when the operator disables a member who holds a grant, naming them and the project, and passes once they are removed', async () => {
    const c = await breaks('termination', () =>
      ok('POST', `/api/v1/users/${ids['dev@acme.test']}/disable`, operator),
    );
    expect(c.message).toBe(
      "1 account that left still holds access in 'acme': dev@acme.test (disabled) still holds a grant on 'records'; to fix, remove dev@acme.test from 'acme' (`ward org member remove --org acme --email dev@acme.test`, or the console's Members tab), which takes every grant, break-glass access, token and credential away at once",
    );
    expect(c.evidence).toMatchObject({
      left_but_holding: [
        {
          email: 'dev@acme.test',
          disabled: true,
          member: true,
          holds: [{ what: 'grant', project: 'records' }],
        },
      ],
    });
    await fixes('termination', () =>
      ok('DELETE', `/api/v1/orgs/acme/members/${ids['dev@acme.test']}`, owner),
    );
  });
});

describe('termination, break-glass', () => {
  it('fails when a member with live break-glass access is disabled, and passes once they are removed from the org', async () => {
    const bg = await ok(
      'POST',
      `/api/v1/projects/${records}/break-glass`,
      tokens['admin@acme.test'] as string,
      {
        reason: 'pager: replica lag INC-9',
        minutes: 60,
        role: 'readonly',
      },
    );
    const c = await breaks('termination', () =>
      ok('POST', `/api/v1/users/${ids['admin@acme.test']}/disable`, operator),
    );
    expect(c.message).toContain(
      "admin@acme.test (disabled) still holds live break-glass access to 'records'; to fix, remove admin@acme.test from 'acme'",
    );
    expect(c.evidence.left_but_holding).toEqual([
      expect.objectContaining({ holds: [{ what: 'break_glass', project: 'records', id: bg.id }] }),
    ]);
    await fixes('termination', () =>
      ok('DELETE', `/api/v1/orgs/acme/members/${ids['admin@acme.test']}`, owner),
    );
  });
});

describe('login-monitoring', () => {
  it('fails on a Ward whose lockout allows 50 failed sign-ins in a row, and only that control differs', async () => {
    const weak = await startTestWard({
      business_associate: BUSINESS_ASSOCIATE,
      lockout: { max_failures: 50, minutes: 15, address_max_failures: 20 },
    });
    try {
      // The same org on both Wards: everything but the lockout is alike.
      const plain = async (on: TestWard) => {
        const t = await on.user('lee@plain.test');
        await ok('POST', '/api/v1/orgs', t, { name: 'plain' }, on);
        return posture('plain', on);
      };
      const strong = await plain(w);
      const loose = await plain(weak);
      const own = decidedBy('login-monitoring');
      expect(own.map((id) => strong.controls.find((c) => c.id === id)?.state)).toEqual(
        own.map(() => 'passing'),
      );
      const changed = loose.controls
        .filter(
          (c) => !dataChecks.has(c.check) && c.state !== strong.controls.find((s) => s.id === c.id)?.state,
        )
        .map((c) => c.id);
      expect(changed).toEqual(own);
      expectScoresFell(loose, own);
      const c = controlOf(loose, 'login-monitoring');
      expect(c.state).toBe('failing');
      expect(c.message).toBe(
        'Sign-in lockout is too weak on this Ward: an account locks only after 50 consecutive failed sign-ins (lockout.max_failures), more than 10. The operator sets `lockout: { max_failures: 5, minutes: 15, address_max_failures: 20 }` (max_failures at most 10) in ward.yaml and restarts Ward',
      );
      expect(c.evidence).toMatchObject({ lockout: { max_failures: 50, address_max_failures: 20 } });
      // What the monitoring sees shows in the evidence: five wrong passwords lock a member out.
      for (let i = 0; i < 5; i++)
        await call(w, 'POST', '/api/v1/auth/login', {
          body: { email: 'LEE@plain.test', password: 'not it at all' },
        });
      const watched = controlOf(await posture('plain'), 'login-monitoring');
      expect(watched.state).toBe('passing');
      expect(watched.evidence).toMatchObject({
        members_with_failed_sign_ins: 1,
        members_locked_now: ['lee@plain.test'],
      });
      expect(watched.message).toMatch(
        /; 1 member of 'plain' with failed sign-ins counted; locked out now: lee@plain\.test$/,
      );
    } finally {
      await weak.stop();
    }
  }, 180_000);
});

describe('unique-users, the operator bootstrap account', () => {
  it('fails when admin@localhost is made a member, and passes once it is removed', async () => {
    // Its own authenticator first, so that only the account's nature is at stake.
    await enrollTotp(w, operator);
    let admin = '';
    const c = await breaks(
      'unique-users',
      async () => {
        admin = (
          await ok('POST', '/api/v1/orgs/acme/members', owner, { email: 'admin@localhost', role: 'auditor' })
        ).user_id;
      },
      'acme',
      owner,
    );
    expect(c.message).toBe(
      "admin@localhost, Ward's operator bootstrap account (its password is a file on the server), is a member of 'acme': it is not one identifiable person. Remove it (`ward org member remove --org acme --email admin@localhost`, or the console's Members tab) and add the operator's own account instead",
    );
    // Removing a member revokes their tokens, the operator's too: the owner reads the posture.
    await fixes(
      'unique-users',
      () => ok('DELETE', `/api/v1/orgs/acme/members/${admin}`, owner),
      'acme',
      owner,
    );
  });
});
