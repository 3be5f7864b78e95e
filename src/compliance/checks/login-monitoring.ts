/**
 * @module compliance/checks/login-monitoring
 * Log-in monitoring (164.308(a)(5)(ii)(C)): Ward counts failed sign-ins and locks what repeats
 * them. Its lockout (ward.yaml `lockout`, shared by the web sign-in and the gateway,
 * identity/sign-in-guard.ts) must lock an account after a small number of consecutive failures
 * and lock a client address that sprays many accounts. The evidence adds what the monitoring
 * sees now: the org's members with failed sign-ins counted, and those locked out.
 */
import { sql } from 'kysely';
import { HARD_LOCK_FAILURES } from '../../identity/index.js';
import type { Check, CheckEnv, CheckResult } from './check.js';
import { firstOf, listOf, plural } from './wording.js';

/** Consecutive failures an account may see before it locks: NIST SP 800-63B allows up to 100; HIPAA practice is a handful. */
export const MAX_ACCOUNT_FAILURES = 10;

interface Watched {
  with_failures: number;
  locked: string[];
}

/** The org's members whose failed sign-ins Ward is counting, and those locked out now. */
async function watched(env: CheckEnv): Promise<Watched> {
  return (
    env.db
      .selectFrom('org_members as m')
      .innerJoin('users as u', 'u.id', 'm.user_id')
      // Failures are kept by lower-cased login (identity.store), so its primary key answers.
      .innerJoin('sign_in_failures as f', (j) => j.on('f.email', '=', sql<string>`lower(u.email)`))
      .where('m.org_id', '=', env.org.id)
      .where('f.failures', '>', 0)
      .select([
        sql<number>`count(*)::int`.as('with_failures'),
        sql<
          string[]
        >`coalesce(array_agg(u.email ORDER BY u.email) FILTER (WHERE f.locked_until > ${env.now}), '{}')`.as(
          'locked',
        ),
      ])
      .executeTakeFirstOrThrow()
  );
}

async function run(env: CheckEnv): Promise<CheckResult> {
  const { maxFailures, minutes, addressMaxFailures } = env.platform.lockout;
  const seen = await watched(env);
  const evidence = {
    lockout: {
      max_failures: maxFailures,
      minutes,
      address_max_failures: addressMaxFailures,
      hard_lock_failures: HARD_LOCK_FAILURES,
    },
    members_with_failed_sign_ins: seen.with_failures,
    members_locked_now: firstOf(seen.locked),
  };
  const problems = [
    maxFailures <= 0
      ? 'accounts are never locked (lockout.max_failures is 0)'
      : maxFailures > MAX_ACCOUNT_FAILURES
        ? `an account locks only after ${maxFailures} consecutive failed sign-ins (lockout.max_failures), more than ${MAX_ACCOUNT_FAILURES}`
        : null,
    addressMaxFailures <= 0 ? 'client addresses are never locked (lockout.address_max_failures is 0)' : null,
  ].filter((p): p is string => p !== null);
  if (problems.length > 0)
    return {
      outcome: 'fail',
      message:
        `Sign-in lockout is too weak on this Ward: ${problems.join('; ')}. ` +
        `The operator sets \`lockout: { max_failures: 5, minutes: 15, address_max_failures: 20 }\` (max_failures at most ${MAX_ACCOUNT_FAILURES}) in ward.yaml and restarts Ward`,
      evidence,
    };
  const locked = seen.locked.length > 0 ? `; locked out now: ${listOf(seen.locked)}` : '';
  return {
    outcome: 'pass',
    message:
      `Failed sign-ins are counted and locked out: an account after ${maxFailures} in a row for ${minutes} minutes (after ${HARD_LOCK_FAILURES} until the operator unlocks it), a client address after ${addressMaxFailures} within ${minutes} minutes, ` +
      `on the console, the API and the gateway alike; ${plural(seen.with_failures, 'member')} of '${env.org.name}' with failed sign-ins counted${locked}`,
    evidence,
  };
}

export const loginMonitoring: Check = {
  id: 'login-monitoring',
  threshold: `sign-in lockout is on: an account locks after at most ${MAX_ACCOUNT_FAILURES} consecutive failed sign-ins (lockout.max_failures), and a client address after lockout.address_max_failures failures (more than 0)`,
  run,
};
