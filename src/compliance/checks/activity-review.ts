/**
 * @module compliance/checks/activity-review
 * Information system activity review (164.308(a)(1)(ii)(D)): someone regularly looks at who can
 * reach what, and is told when something needs a look now. In Ward that is an access review
 * (access/reviews.service.ts: every member's reach, last sign-in and last database use, each kept
 * or revoked, sealed by its SHA-256) completed within the last 90 days, and alert rules: today
 * the org's alert webhook (access/alerts.ts), where security alerts such as break-glass use go.
 * The webhook's URL may carry a secret of its receiver, so only whether it is set is recorded.
 */
import { sql } from 'kysely';
import type { Check, CheckEnv, CheckResult } from './check.js';
import { DAY, day, daysBetween } from './wording.js';

export const REVIEW_MAX_AGE_DAYS = 90;

interface Facts {
  last_review_id: string | null;
  last_completed_at: Date | null;
  open_review_id: string | null;
  webhook_since: Date | null;
}

async function factsOf(env: CheckEnv): Promise<Facts> {
  const { rows } = await sql<Facts>`
    SELECT last.id AS last_review_id, last.completed_at AS last_completed_at,
           (SELECT id FROM access_reviews WHERE org_id = ${env.org.id} AND completed_at IS NULL LIMIT 1) AS open_review_id,
           (SELECT created_at FROM org_alert_webhooks WHERE org_id = ${env.org.id}) AS webhook_since
      FROM (SELECT 1) one
      LEFT JOIN LATERAL (SELECT id, completed_at FROM access_reviews
                          WHERE org_id = ${env.org.id} AND completed_at IS NOT NULL
                          ORDER BY completed_at DESC LIMIT 1) last ON true`.execute(env.db);
  return rows[0] as Facts;
}

function reviewProblem(f: Facts, env: CheckEnv): string | null {
  const org = env.org.name;
  const finish = f.open_review_id
    ? `: review '${f.open_review_id}' is in progress; an owner decides every entry and completes it (\`ward access-review complete ${f.open_review_id} --org ${org}\`, or the console's Access reviews tab)`
    : `: an owner starts one (\`ward access-review start --org ${org}\`, or the console's Access reviews tab), keeps or revokes every entry and completes it`;
  if (!f.last_completed_at) return `'${org}' has never completed an access review${finish}`;
  const age = daysBetween(f.last_completed_at, env.now);
  if (env.now.getTime() - f.last_completed_at.getTime() <= REVIEW_MAX_AGE_DAYS * DAY) return null;
  return `the last access review of '${org}' was completed ${age} days ago (${f.last_review_id}, ${day(f.last_completed_at)}), more than ${REVIEW_MAX_AGE_DAYS}${finish}`;
}

async function run(env: CheckEnv): Promise<CheckResult> {
  const f = await factsOf(env);
  const org = env.org.name;
  const evidence = {
    last_review: f.last_review_id
      ? { id: f.last_review_id, completed_at: f.last_completed_at?.toISOString() ?? null }
      : null,
    review_in_progress: f.open_review_id,
    alert_webhook: f.webhook_since ? { set_at: f.webhook_since.toISOString() } : null,
  };
  const problems = [
    reviewProblem(f, env),
    f.webhook_since
      ? null
      : `'${org}' has no alert rules: no alert webhook receives its security alerts (break-glass use); an owner or admin sets one (\`ward alert-webhook --org ${org} --url https://…\`, or the console's Settings → Security alerts)`,
  ].filter((p): p is string => p !== null);
  if (problems.length > 0) return { outcome: 'fail', message: problems.join('. '), evidence };
  const completed = f.last_completed_at as Date;
  return {
    outcome: 'pass',
    message: `Access review ${f.last_review_id} was completed on ${day(completed)}, within the last ${REVIEW_MAX_AGE_DAYS} days, and security alerts go to the org's alert webhook`,
    evidence,
  };
}

export const activityReview: Check = {
  id: 'activity-review',
  threshold: `an access review completed within the last ${REVIEW_MAX_AGE_DAYS} days, and alert rules configured (the org's alert webhook is set)`,
  run,
};
