/**
 * @module compliance/checks/two-step
 * Person or entity authentication (164.312(d)): every person in the org signs in with a second
 * factor. A person counts as covered when their authenticator app (TOTP) is confirmed, or when
 * the org requires single sign-on, whose identity provider vouches for the second factor and is
 * then their only way in (ADR 0021; the same rule projects/access.ts applies to data access).
 * Disabled accounts cannot sign in and service accounts never do (they hold expiring, scoped
 * tokens), so neither is counted here; the termination check looks after disabled accounts.
 */
import { sql } from 'kysely';
import type { Check, CheckEnv, CheckResult } from './check.js';
import { firstOf, listOf, plural } from './wording.js';

interface People {
  people: number;
  with_totp: number;
  without_totp: string[];
}

async function peopleOf(env: CheckEnv): Promise<People> {
  return env.db
    .selectFrom('org_members as m')
    .innerJoin('users as u', 'u.id', 'm.user_id')
    .leftJoin('user_totp as t', 't.user_id', 'u.id')
    .where('m.org_id', '=', env.org.id)
    .where('u.kind', '=', 'person')
    .where('u.disabled_at', 'is', null)
    .select([
      sql<number>`count(*)::int`.as('people'),
      sql<number>`count(t.confirmed_at)::int`.as('with_totp'),
      sql<
        string[]
      >`coalesce(array_agg(u.email ORDER BY u.email) FILTER (WHERE t.confirmed_at IS NULL), '{}')`.as(
        'without_totp',
      ),
    ])
    .executeTakeFirstOrThrow();
}

async function run(env: CheckEnv): Promise<CheckResult> {
  const [p, sso] = await Promise.all([
    peopleOf(env),
    env.db
      .selectFrom('org_sso')
      .select(['require_sso', 'email_domain'])
      .where('org_id', '=', env.org.id)
      .executeTakeFirst(),
  ]);
  const ssoRequired = sso?.require_sso === true;
  const evidence = {
    people: p.people,
    with_totp: p.with_totp,
    sso: sso ? { email_domain: sso.email_domain, required: ssoRequired } : null,
    without_second_factor: ssoRequired ? [] : firstOf(p.without_totp),
  };
  const org = env.org.name;
  if (ssoRequired)
    return {
      outcome: 'pass',
      message: `'${org}' requires single sign-on (${sso.email_domain}): its identity provider vouches for the second factor of all ${plural(p.people, 'person', 'people')}; ${p.with_totp} also use an authenticator app`,
      evidence,
    };
  if (p.people === 0)
    return { outcome: 'pass', message: `'${org}' has no enabled person who could sign in`, evidence };
  if (p.without_totp.length === 0)
    return {
      outcome: 'pass',
      message: `all ${plural(p.people, 'person', 'people')} in '${org}' have two-step verification (an authenticator app) turned on`,
      evidence,
    };
  return {
    outcome: 'fail',
    message:
      `${plural(p.without_totp.length, 'person', 'people')} of ${p.people} in '${org}' ${p.without_totp.length === 1 ? 'has' : 'have'} no two-step verification: ${listOf(p.without_totp)}. ` +
      'Each turns it on under Account → Two-step verification in the console, or with `ward mfa enroll` then `ward mfa confirm <code>`; ' +
      `or an owner requires single sign-on for '${org}' (Settings → Single sign-on, or \`ward sso set --org ${org} … --require\`)`,
    evidence,
  };
}

export const twoStep: Check = {
  id: 'two-step',
  threshold:
    "every enabled person in the org has a confirmed authenticator app (TOTP), or the org requires single sign-on (its identity provider is then everyone's second factor)",
  run,
};
