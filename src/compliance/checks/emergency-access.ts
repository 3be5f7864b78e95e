/**
 * @module compliance/checks/emergency-access
 * Emergency access procedure (164.312(a)(2)(ii)): break-glass (access/break-glass.service.ts)
 * is built into every org, with no switch: a member asks with a written reason and gets a
 * project role for at most four hours, every owner is alerted, and an owner other than the
 * requester reviews the use. So it is configured when the org has an enabled owner to alert
 * and to review; and the procedure holds when no use is left unreviewed more than 7 days after
 * it started. A use reviewed late no longer fails the control (nothing can undo it), but the
 * evidence counts those of the last year. Reasons are free text a person wrote and may name a
 * patient, so they are never copied here.
 */
import { sql } from 'kysely';
import type { Check, CheckEnv, CheckResult } from './check.js';
import { DAY, day, firstOf, listOf, plural } from './wording.js';

export const REVIEW_DAYS = 7;

interface Use {
  id: string;
  project: string;
  person: string;
  started_at: Date;
}

interface Uses {
  owners: number;
  total: number;
  reviewed_late: number;
  unreviewed: Use[];
}

/** The org's enabled owners, and its break-glass uses: all counted, the unreviewed ones listed. */
async function usesOf(env: CheckEnv): Promise<Uses> {
  const late = sql`b.reviewed_at > b.created_at + make_interval(days => ${REVIEW_DAYS})
                   AND b.created_at > ${env.now}::timestamptz - interval '365 days'`;
  const { rows } = await sql<Omit<Uses, 'unreviewed'> & { unreviewed: Use[] | null }>`
    SELECT (SELECT count(*)::int FROM org_members m JOIN users u ON u.id = m.user_id
             WHERE m.org_id = ${env.org.id} AND m.role = 'owner' AND u.disabled_at IS NULL) AS owners,
           count(b.id)::int AS total,
           (count(b.id) FILTER (WHERE ${late}))::int AS reviewed_late,
           json_agg(json_build_object('id', b.id, 'project', p.name, 'person', u.email, 'started_at', b.created_at)
                    ORDER BY b.created_at) FILTER (WHERE b.id IS NOT NULL AND b.reviewed_at IS NULL) AS unreviewed
      FROM (SELECT 1) one
      LEFT JOIN break_glass b ON b.org_id = ${env.org.id}
      LEFT JOIN projects p ON p.id = b.project_id
      LEFT JOIN users u ON u.id = b.user_id`.execute(env.db);
  const r = rows[0] ?? { owners: 0, total: 0, reviewed_late: 0, unreviewed: null };
  return {
    ...r,
    unreviewed: (r.unreviewed ?? []).map((u) => ({ ...u, started_at: new Date(u.started_at) })),
  };
}

const dueBy = (u: Use) => new Date(u.started_at.getTime() + REVIEW_DAYS * DAY);
const named = (u: Use) => `${u.id} (${u.person} on '${u.project}', started ${day(u.started_at)})`;

async function run(env: CheckEnv): Promise<CheckResult> {
  const uses = await usesOf(env);
  const org = env.org.name;
  const overdue = uses.unreviewed.filter((u) => dueBy(u) <= env.now);
  const waiting = uses.unreviewed.filter((u) => dueBy(u) > env.now);
  const view = (u: Use) => ({
    id: u.id,
    project: u.project,
    person: u.person,
    started_at: u.started_at.toISOString(),
    review_due: dueBy(u).toISOString(),
  });
  const evidence = {
    enabled_owners: uses.owners,
    uses: uses.total,
    overdue_count: overdue.length,
    overdue: firstOf(overdue).map(view),
    awaiting_review: firstOf(waiting).map(view),
    reviewed_late_last_year: uses.reviewed_late,
  };
  const problems: string[] = [];
  if (uses.owners === 0)
    problems.push(
      `'${org}' has no enabled owner, so no one is alerted when break-glass is used and no one can review it: ` +
        `the operator enables an owner's account again (\`ward user enable <email>\`), or an owner is named (\`ward org member set-role --org ${org} --email <email> --role owner\`)`,
    );
  if (overdue.length > 0)
    problems.push(
      `${plural(overdue.length, 'break-glass use was', 'break-glass uses were')} not reviewed within ${REVIEW_DAYS} days of starting: ${listOf(overdue.map(named))}. ` +
        `An owner other than the person who used it reviews each: \`ward break-glass review <id> --org ${org} --note '<what you checked>'\`, or the console's Break-glass tab`,
    );
  if (problems.length > 0) return { outcome: 'fail', message: problems.join('. '), evidence };
  const pending =
    waiting.length > 0
      ? `; ${plural(waiting.length, 'use awaits', 'uses await')} review, the next due ${day(dueBy(waiting[0] as Use))}`
      : '';
  return {
    outcome: 'pass',
    message:
      uses.total === 0
        ? `Break-glass is ready (${plural(uses.owners, 'enabled owner')} to alert and review); it has not been used yet`
        : `Break-glass is ready (${plural(uses.owners, 'enabled owner')} to alert and review) and every use older than ${REVIEW_DAYS} days was reviewed (${plural(uses.total, 'use')} in all)${pending}`,
    evidence,
  };
}

export const emergencyAccess: Check = {
  id: 'emergency-access',
  threshold: `break-glass has an enabled owner to alert and review, and every break-glass use is reviewed within ${REVIEW_DAYS} days of its start`,
  run,
};
