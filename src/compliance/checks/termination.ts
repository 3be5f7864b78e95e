/**
 * @module compliance/checks/termination
 * Termination procedures (164.308(a)(3)(ii)(C)): when someone leaves, everything that let them
 * reach the org's data ends. Someone has left when their account is disabled (the operator's
 * `ward user disable`; a deleted service account too) or they are no longer a member of the org.
 * What they must not hold in the org's projects (any not deleted): a project grant, live
 * break-glass access, a live short-lived database credential, or a database role Ward keeps for
 * them in a running project (the role stays enabled in the cluster until dbaccess's sweep, every
 * 30 seconds, disables it and drops its row; one that outlives the sweep means Ward cannot reach
 * the cluster; a cluster that is not running lets no one in, and is swept once it runs); and a
 * disabled member or service account of the org must hold no live API token. A removed person's
 * tokens are their account's, which may belong to other orgs, and reach nothing here.
 */
import { sql } from 'kysely';
import type { Check, CheckEnv, CheckResult } from './check.js';
import { firstOf, listOf, plural } from './wording.js';

const HOLDINGS = ['grant', 'break_glass', 'db_role', 'db_credential', 'token'] as const;
type Holding = (typeof HOLDINGS)[number];

interface Leaver {
  user_id: string;
  email: string;
  kind: 'person' | 'service';
  disabled: boolean;
  member: boolean;
  held: { what: Holding; project: string | null; project_id: string | null; id: string | null }[];
}

/** Everyone who left and still holds something, with what; and how many holdings were looked at. */
async function leaversOf(env: CheckEnv): Promise<{ leavers: Leaver[]; examined: Record<Holding, number> }> {
  const org = env.org.id;
  const now = env.now;
  const { rows } = await sql<Leaver & { examined: Record<Holding, number> }>`
    WITH p AS (SELECT id, name, status FROM projects WHERE org_id = ${org} AND status <> 'deleted'),
    h AS (
      SELECT 'grant' AS what, g.user_id, p.id AS project_id, p.name AS project, NULL AS id
        FROM project_grants g JOIN p ON p.id = g.project_id
      UNION ALL
      SELECT 'break_glass', b.user_id, p.id, p.name, b.id
        FROM break_glass b JOIN p ON p.id = b.project_id
       WHERE b.ended_at IS NULL AND b.expires_at > ${now}
      UNION ALL
      SELECT 'db_role', r.user_id, p.id, p.name, r.role_name FROM db_roles r JOIN p ON p.id = r.project_id
       WHERE p.status = 'running'
      UNION ALL
      SELECT 'db_credential', c.user_id, p.id, p.name, c.id
        FROM db_credentials c JOIN p ON p.id = c.project_id
       WHERE c.revoked_at IS NULL AND c.expires_at > ${now}
      UNION ALL
      SELECT 'token', t.user_id, NULL, NULL, t.id
        FROM tokens t JOIN users u ON u.id = t.user_id
       WHERE t.revoked_at IS NULL AND t.expires_at > ${now} AND u.disabled_at IS NOT NULL
         AND (u.org_id = ${org} OR u.id IN (SELECT user_id FROM org_members WHERE org_id = ${org}))
    ),
    held AS (
      SELECT h.*, u.email, u.kind, u.disabled_at IS NOT NULL AS disabled, m.user_id IS NOT NULL AS member
        FROM h JOIN users u ON u.id = h.user_id
        LEFT JOIN org_members m ON m.org_id = ${org} AND m.user_id = h.user_id
    )
    SELECT user_id, email, kind, disabled, member,
           json_agg(json_build_object('what', what, 'project', project, 'project_id', project_id, 'id', id)
                    ORDER BY what, project) AS held,
           NULL::json AS examined
      FROM held WHERE disabled OR NOT member
     GROUP BY user_id, email, kind, disabled, member
    UNION ALL
    -- One row with the counts alone, so they arrive when no one is left over.
    SELECT NULL, NULL, NULL, NULL, NULL, NULL,
           (SELECT json_object_agg(what, n) FROM (SELECT what, count(*) AS n FROM h GROUP BY what) c)`.execute(
    env.db,
  );
  const totals: Partial<Record<Holding, number>> = rows.find((r) => r.user_id === null)?.examined ?? {};
  const examined = Object.fromEntries(HOLDINGS.map((k) => [k, Number(totals[k] ?? 0)])) as Record<
    Holding,
    number
  >;
  return { leavers: rows.filter((r) => r.user_id !== null).map(({ examined: _, ...l }) => l), examined };
}

const HOLDING_WORDS: Record<Holding, (project: string | null) => string> = {
  grant: (p) => `a grant on '${p}'`,
  break_glass: (p) => `live break-glass access to '${p}'`,
  db_role: (p) => `a database role in '${p}'`,
  db_credential: (p) => `a live database credential for '${p}'`,
  token: () => 'a live API token',
};

function holdingsOf(l: Leaver): string {
  const state = l.disabled ? (l.member ? 'disabled' : 'disabled, not a member') : 'no longer a member';
  const what = listOf(l.held.map((h) => HOLDING_WORDS[h.what](h.project)));
  return `${l.email} (${state}) still holds ${what}`;
}

/** What takes a leaver's remaining access away, by the way they left. */
function remedy(l: Leaver, org: string): string {
  if (l.member && l.kind === 'service')
    return `delete service account ${l.email} (\`ward sa delete ${l.email.split('@')[0]} --org ${org}\`, or the console's Service accounts tab)`;
  if (l.member)
    return `remove ${l.email} from '${org}' (\`ward org member remove --org ${org} --email ${l.email}\`, or the console's Members tab), which takes every grant, break-glass access, token and credential away at once`;
  const of = (what: Holding) => l.held.filter((h) => h.what === what);
  const roles = of('db_role');
  return [
    ...of('grant').map(
      (g) =>
        `revoke the grant on '${g.project}' (DELETE /api/v1/projects/${g.project_id}/grants/${l.user_id})`,
    ),
    ...of('break_glass').map(
      (b) => `end break-glass ${b.id} (\`ward break-glass end ${b.id} --org ${org}\`)`,
    ),
    ...(roles.length > 0
      ? [
          `Ward disables the database ${roles.length === 1 ? 'role' : 'roles'} in ${listOf(roles.map((r) => `'${r.project}'`))} on its next sweep (every 30 seconds); if it stays, Ward cannot reach the project's cluster, which its status and Ward's log explain`,
        ]
      : []),
    ...(of('db_credential').length > 0
      ? [
          `the operator disables the account (\`ward user disable ${l.email}\`), which revokes its database credentials`,
        ]
      : []),
  ].join('; ');
}

async function run(env: CheckEnv): Promise<CheckResult> {
  const { leavers, examined } = await leaversOf(env);
  const org = env.org.name;
  const evidence = {
    examined,
    left_count: leavers.length,
    left_but_holding: firstOf(leavers).map((l) => ({
      user_id: l.user_id,
      email: l.email,
      disabled: l.disabled,
      member: l.member,
      holds: firstOf(l.held).map((h) => ({ what: h.what, project: h.project, id: h.id })),
    })),
  };
  if (leavers.length === 0)
    return {
      outcome: 'pass',
      message: `No disabled or removed account holds a grant, break-glass access, database role, database credential or API token in '${org}' (${plural(examined.grant, 'grant')}, ${plural(examined.db_role, 'database role')} and ${plural(examined.db_credential, 'live credential')} looked at)`,
      evidence,
    };
  return {
    outcome: 'fail',
    message: `${plural(leavers.length, 'account that left', 'accounts that left')} still ${leavers.length === 1 ? 'holds' : 'hold'} access in '${org}': ${leavers
      .slice(0, 5)
      .map((l) => `${holdingsOf(l)}; to fix, ${remedy(l, org)}`)
      .join('. ')}${leavers.length > 5 ? `. And ${leavers.length - 5} more (see the evidence)` : ''}`,
    evidence,
  };
}

export const termination: Check = {
  id: 'termination',
  threshold:
    "no disabled account and no one removed from the org holds a project grant, live break-glass access or a live database credential in the org's projects, or a database role in a running one, and no disabled member or service account holds a live API token",
  run,
};
