/**
 * @module compliance/checks/unique-users
 * Unique user identification (164.312(a)(2)(i)): everything done in the org's projects is
 * traceable to one person or one application. Ward makes one database role per account and
 * project (ADR 0013; members get NOCREATEROLE, so no one else makes logins) and names it after
 * the account; what can still make a login shared, from what Ward records:
 * - an org member that is not one identifiable principal: Ward's operator bootstrap account
 *   (admin@localhost, whose password is a file on the server anyone with the host can read), or
 *   another org's service account (one application's credentials handed to a second org);
 * - a database role whose name is not the one Ward derives from its holder (dbaccess
 *   `roleNameOf`: the e-mail, lower-cased, or u_<id>), so PostgreSQL's own logs and
 *   pg_stat_activity would name someone else, or no one.
 * Accounts that left but still hold roles are the termination check's.
 */
import { sql } from 'kysely';
import { roleNameOf } from '../../dbaccess/index.js';
import { OPERATOR_EMAIL } from '../../identity/index.js';
import type { Check, CheckEnv, CheckResult } from './check.js';
import { firstOf, listOf, plural } from './wording.js';

interface Members {
  people: number;
  service_accounts: number;
  bootstrap: string[];
  foreign_service: string[];
}

interface RoleRow {
  project: string;
  user_id: string;
  email: string;
  role_name: string;
}

async function membersOf(env: CheckEnv): Promise<Members> {
  const org = env.org.id;
  return env.db
    .selectFrom('org_members as m')
    .innerJoin('users as u', 'u.id', 'm.user_id')
    .where('m.org_id', '=', org)
    .where('u.disabled_at', 'is', null)
    .select([
      sql<number>`(count(*) FILTER (WHERE u.kind = 'person'))::int`.as('people'),
      sql<number>`(count(*) FILTER (WHERE u.kind = 'service'))::int`.as('service_accounts'),
      sql<string[]>`coalesce(array_agg(u.email) FILTER (WHERE lower(u.email) = ${OPERATOR_EMAIL}), '{}')`.as(
        'bootstrap',
      ),
      sql<
        string[]
      >`coalesce(array_agg(u.email ORDER BY u.email) FILTER (WHERE u.kind = 'service' AND u.org_id IS DISTINCT FROM ${org}), '{}')`.as(
        'foreign_service',
      ),
    ])
    .executeTakeFirstOrThrow();
}

/** Every database role Ward keeps in the org's projects, with its holder. */
async function rolesOf(env: CheckEnv): Promise<RoleRow[]> {
  const { rows } = await sql<RoleRow>`
    SELECT p.name AS project, r.user_id, u.email, r.role_name
      FROM db_roles r
      JOIN projects p ON p.id = r.project_id AND p.org_id = ${env.org.id} AND p.status <> 'deleted'
      JOIN users u ON u.id = r.user_id
     ORDER BY p.name, r.role_name`.execute(env.db);
  return rows;
}

async function run(env: CheckEnv): Promise<CheckResult> {
  const [members, roles] = await Promise.all([membersOf(env), rolesOf(env)]);
  const misnamed = roles.filter((r) => r.role_name !== roleNameOf(r.email, r.user_id));
  const org = env.org.name;
  const evidence = {
    people: members.people,
    service_accounts: members.service_accounts,
    database_roles: roles.length,
    role_holders: new Set(roles.map((r) => r.user_id)).size,
    shared_accounts: [...members.bootstrap, ...members.foreign_service],
    misnamed_roles: firstOf(misnamed).map((r) => ({
      project: r.project,
      role: r.role_name,
      holder: r.email,
      expected: roleNameOf(r.email, r.user_id),
    })),
  };
  const remove = (email: string) => `\`ward org member remove --org ${org} --email ${email}\``;
  const problems: string[] = [];
  for (const email of members.bootstrap)
    problems.push(
      `${email}, Ward's operator bootstrap account (its password is a file on the server), is a member of '${org}': it is not one identifiable person. ` +
        `Remove it (${remove(email)}, or the console's Members tab) and add the operator's own account instead`,
    );
  if (members.foreign_service.length > 0)
    problems.push(
      `${listOf(members.foreign_service)}: another org's service ${members.foreign_service.length === 1 ? 'account is a member' : 'accounts are members'} of '${org}', so one application's credentials act in two orgs. ` +
        `Remove ${members.foreign_service.length === 1 ? 'it' : 'them'} (${remove(members.foreign_service[0] as string)}, or the Members tab) and create a service account of '${org}' (\`ward sa create\`)`,
    );
  if (misnamed.length > 0)
    problems.push(
      `${plural(misnamed.length, 'database role does', 'database roles do')} not bear ${misnamed.length === 1 ? 'its' : 'their'} holder's name, so PostgreSQL's logs would not name the person: ` +
        `${listOf(misnamed.map((r) => `'${r.role_name}' in '${r.project}' (held by ${r.email}, should be '${roleNameOf(r.email, r.user_id)}')`))}. ` +
        "Ward never names a role so; only a hand edit of its control database (or a restore from another Ward's) does: the operator finds out who changed it and restores the record Ward made (the holder's e-mail, lower-cased, or u_<id>)",
    );
  if (problems.length > 0) return { outcome: 'fail', message: problems.join('. '), evidence };
  return {
    outcome: 'pass',
    message: `Every member of '${org}' is one person or one of its own service accounts (${plural(members.people, 'person', 'people')}, ${plural(members.service_accounts, 'service account')}), and every database role in its projects (${roles.length}) belongs to one account and bears its name`,
    evidence,
  };
}

export const uniqueUsers: Check = {
  id: 'unique-users',
  threshold:
    "every member is one identifiable principal (a person's own account or one of the org's service accounts; not Ward's operator bootstrap account admin@localhost, not another org's service account), and every database role in the org's projects belongs to exactly one account and bears the name Ward derives from it (its e-mail, or u_<id>)",
  run,
};
