/**
 * @module compliance/checks/audit-controls
 * 164.312(b), audit controls: every HIPAA project's statements are audited synchronously (the
 * gateway forwards a statement only once its event is durable: `audit_delivery` 'sync'), the org's
 * chain was verified within 24 hours and passed (audit_verifications, recorded by every
 * verification), every sink of the chain is on and at most 15 minutes behind, and the log is kept
 * at least 6 years. Two queries: the projects and the last verification, then the sinks.
 */
import { sql } from 'kysely';
import { AUDIT_RETENTION } from '../../audit/index.js';
import type { Check, CheckEnv } from './check.js';
import { DAY, duration, iso, listed, MINUTE, plural, verdict } from './wording.js';

const VERIFIED_WITHIN = DAY;
const SINK_LAG = 15 * MINUTE;

interface Facts {
  hipaa_projects: number;
  async_projects: string[];
  verified_at: Date | null;
  ok: boolean | null;
  events: string | null;
  first_bad_seq: string | null;
  damage: string | null;
  detail: string | null;
}

interface SinkFacts {
  id: string;
  name: string;
  kind: string;
  enabled: boolean;
  behind: string;
  oldest_undelivered: Date | null;
  last_success_at: Date | null;
  created_at: Date;
}

const facts = (env: CheckEnv) =>
  sql<Facts>`
    SELECT count(p.id)::int AS hipaa_projects,
           coalesce(array_agg(p.name ORDER BY p.created_at) FILTER (WHERE p.audit_delivery <> 'sync'), '{}') AS async_projects,
           v.verified_at, v.ok, v.events, v.first_bad_seq, v.damage, v.detail
      FROM (SELECT ${env.org.id}::text AS chain) o
      LEFT JOIN projects p ON p.org_id = o.chain AND p.audit_log_level = 'hipaa' AND p.status <> 'deleted'
      LEFT JOIN audit_verifications v ON v.chain_id = o.chain
     GROUP BY v.chain_id, v.verified_at, v.ok, v.events, v.first_bad_seq, v.damage, v.detail`.execute(env.db);

/** Each sink of the org's chain, how many events it is behind and the time of the oldest of them. */
const sinks = (env: CheckEnv) =>
  sql<SinkFacts>`
    SELECT s.id, s.name, s.kind, s.enabled, s.created_at, st.last_success_at,
           greatest(coalesce(c.last_seq, 0) - st.delivered_seq, 0) AS behind,
           CASE WHEN coalesce(c.last_seq, 0) > st.delivered_seq THEN coalesce(
             (SELECT e.time FROM audit_events e WHERE e.chain_id = s.chain_id AND e.seq = st.delivered_seq + 1),
             (SELECT b.time_from FROM audit_batches b WHERE b.chain_id = s.chain_id
                 AND b.first_seq <= st.delivered_seq + 1 AND b.last_seq >= st.delivered_seq + 1 LIMIT 1)) END
             AS oldest_undelivered
      FROM audit_sinks s
      JOIN audit_sink_state st ON st.sink_id = s.id
      LEFT JOIN audit_chains c ON c.id = s.chain_id
     WHERE s.chain_id = ${env.org.id}
     ORDER BY s.created_at`.execute(env.db);

function verificationProblem(env: CheckEnv, f: Facts | undefined): string | undefined {
  const org = env.org.name;
  const fix = `run \`ward audit verify --org ${org}\` (or “Verify chain” on the org's Audit page in the console)`;
  if (!f?.verified_at)
    return `the audit chain of '${org}' has not been verified yet: ${fix}; Ward also verifies every chain by itself, a new one within 10 minutes and then twice a day`;
  if (!f.ok)
    return `the last verification of the audit chain of '${org}' (${iso(f.verified_at)}) found it damaged: ${f.damage ?? 'damage'} at event ${f.first_bad_seq ?? '?'}${f.detail ? ` (${f.detail})` : ''}; ${fix} to see the damage, restore the log from an export or a sink's copy, and record what happened`;
  const age = env.now.getTime() - new Date(f.verified_at).getTime();
  if (age > VERIFIED_WITHIN)
    return `the audit chain of '${org}' was last verified ${duration(age)} ago (${iso(f.verified_at)}), more than 24 hours: ${fix}; Ward verifies every chain twice a day by itself, so also look in Ward's log for why its own verification stopped`;
  return undefined;
}

function sinkProblems(env: CheckEnv, rows: SinkFacts[]): string[] {
  const org = env.org.name;
  const problems: string[] = [];
  for (const s of rows) {
    if (!s.enabled) {
      problems.push(
        `the audit sink '${s.name}' (${s.id}) is disabled, so the log is not copied there: \`ward audit sink enable ${s.id} --org ${org}\`, or remove it (both on the org's Audit settings page in the console)`,
      );
      continue;
    }
    const lag = lagOf(env, s);
    if (lag > SINK_LAG)
      problems.push(
        `the audit sink '${s.name}' (${s.id}) is ${plural(Number(s.behind), 'event')} and ${duration(lag)} behind (at most 15 minutes): see its last error with \`ward audit sink list --org ${org}\` and make its ${s.kind} destination reachable`,
      );
  }
  return problems;
}

/** How long the oldest event a sink has not delivered has waited (0 when it has them all). */
function lagOf(env: CheckEnv, s: SinkFacts): number {
  if (Number(s.behind) === 0) return 0;
  const since = s.oldest_undelivered ?? s.last_success_at ?? s.created_at;
  return Math.max(0, env.now.getTime() - new Date(since).getTime());
}

export const auditControls: Check = {
  id: 'audit-controls',
  threshold:
    'statement audit synchronous on every HIPAA project; chain verified within 24 h; every sink on and < 15 min behind; retention ≥ 6 years',
  async run(env) {
    const [{ rows: factRows }, { rows: sinkRows }] = await Promise.all([facts(env), sinks(env)]);
    const f = factRows[0];
    const org = env.org.name;
    const problems: string[] = [];
    const asyncProjects = f?.async_projects ?? [];
    if (asyncProjects.length > 0)
      problems.push(
        `statements in the HIPAA ${asyncProjects.length === 1 ? 'project' : 'projects'} ${listed(asyncProjects)} are audited asynchronously; HIPAA projects must be synchronous: set settings.audit_delivery to 'sync' (PATCH /api/v1/projects/{id})`,
      );
    const verification = verificationProblem(env, f);
    if (verification) problems.push(verification);
    problems.push(...sinkProblems(env, sinkRows));
    const retention = Number(env.org.settings.audit_retention_days ?? AUDIT_RETENTION.default);
    if (retention < AUDIT_RETENTION.hipaaMin)
      problems.push(
        `the audit log of '${org}' is kept ${retention} days, less than 6 years (${AUDIT_RETENTION.hipaaMin} days): \`ward org set ${org} --audit-retention-days ${AUDIT_RETENTION.hipaaMin}\` (or the org's Audit settings page in the console)`,
      );
    const hipaaProjects = f?.hipaa_projects ?? 0;
    const evidence = {
      hipaa_projects: hipaaProjects,
      asynchronous_projects: asyncProjects,
      last_verification: f?.verified_at
        ? {
            at: iso(f.verified_at),
            ok: f.ok,
            events: Number(f.events),
            first_bad_seq: f.first_bad_seq === null ? null : Number(f.first_bad_seq),
            damage: f.damage,
          }
        : null,
      sinks: sinkRows.map((s) => ({
        id: s.id,
        name: s.name,
        kind: s.kind,
        enabled: s.enabled,
        behind_events: Number(s.behind),
        lag_seconds: Math.round(lagOf(env, s) / 1000),
        last_success_at: iso(s.last_success_at),
      })),
      retention_days: retention,
    };
    const projects =
      hipaaProjects === 0
        ? 'no HIPAA projects yet'
        : `statements in all ${plural(hipaaProjects, 'HIPAA project')} are audited synchronously`;
    return verdict(
      problems,
      `${projects}; the chain was verified at ${iso(f?.verified_at)} and passed; ${sinkRows.length === 0 ? 'no sinks' : `${plural(sinkRows.length, 'sink')} within 15 minutes`}; kept ${retention} days`,
      evidence,
    );
  },
};
