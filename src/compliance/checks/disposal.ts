/**
 * @module compliance/checks/disposal
 * 164.310(d)(2)(i), disposal: every destroyed HIPAA project has its certificate of destruction
 * (projects/hipaa-deletion issues it in the transaction that marks the project destroyed), and no
 * deleted HIPAA project is left undestroyed more than an hour after its grace period ended (Ward's
 * sweep destroys it within a minute; an hour means the destruction keeps failing). One query.
 */
import { sql } from 'kysely';
import type { Check, CheckEnv } from './check.js';
import { duration, HOUR, iso, listed, plural, verdict } from './wording.js';

const DESTROYED_WITHIN = HOUR;

interface Facts {
  destroyed: number;
  certified: number;
  uncertified: string[];
  newest_certificates: string[];
  overdue: { id: string; name: string; purge_after: string; status_reason: string | null }[];
}

const facts = (env: CheckEnv) =>
  sql<Facts>`
    SELECT count(*) FILTER (WHERE p.status = 'deleted')::int AS destroyed,
           count(c.id) FILTER (WHERE p.status = 'deleted')::int AS certified,
           coalesce(array_agg(p.name || ' (' || p.id || ')' ORDER BY p.deleted_at)
             FILTER (WHERE p.status = 'deleted' AND c.id IS NULL), '{}') AS uncertified,
           coalesce((array_agg(c.id ORDER BY c.issued_at DESC) FILTER (WHERE c.id IS NOT NULL))[1:5], '{}')
             AS newest_certificates,
           coalesce(jsonb_agg(jsonb_build_object('id', p.id, 'name', p.name, 'purge_after', p.purge_after,
                                                 'status_reason', p.status_reason) ORDER BY p.purge_after)
             FILTER (WHERE p.status IN ('pending_deletion', 'deleting')
                       AND p.purge_after < ${env.now}::timestamptz - make_interval(secs => ${DESTROYED_WITHIN / 1000})), '[]')
             AS overdue
      FROM projects p
      LEFT JOIN destruction_certificates c ON c.project_id = p.id
     WHERE p.org_id = ${env.org.id} AND p.audit_log_level = 'hipaa'
       AND p.status IN ('deleted', 'pending_deletion', 'deleting')`.execute(env.db);

export const disposal: Check = {
  id: 'disposal',
  threshold:
    'a certificate of destruction for every destroyed HIPAA project; destroyed within 1 h of the end of its grace period',
  async run(env) {
    const { rows } = await facts(env);
    const f = rows[0] ?? {
      destroyed: 0,
      certified: 0,
      uncertified: [],
      newest_certificates: [],
      overdue: [],
    };
    const problems: string[] = [];
    if (f.uncertified.length > 0)
      problems.push(
        `${plural(f.uncertified.length, 'destroyed HIPAA project')} ${f.uncertified.length === 1 ? 'has' : 'have'} no certificate of destruction: ${listed(f.uncertified)}; Ward issues one when it destroys a project, so these were destroyed outside Ward: the operator documents how each was disposed of and an owner keeps that record with the org's HIPAA documents`,
      );
    for (const p of f.overdue) {
      const late = env.now.getTime() - new Date(p.purge_after).getTime();
      problems.push(
        `the deleted HIPAA project '${p.name}' (${p.id}) was due for destruction ${duration(late)} ago (${iso(p.purge_after)}) and is not destroyed${p.status_reason ? `: ${p.status_reason}` : ''}; the operator fixes what stops it (Ward's log, component hipaa-deletion) and Ward retries on its next sweep`,
      );
    }
    const evidence = {
      destroyed_hipaa_projects: f.destroyed,
      certificates: f.certified,
      newest_certificates: f.newest_certificates,
      without_certificate: f.uncertified,
      overdue: f.overdue.map((p) => ({ id: p.id, name: p.name, purge_after: iso(p.purge_after) })),
    };
    if (f.destroyed === 0 && f.overdue.length === 0 && problems.length === 0)
      return verdict([], 'no HIPAA project has been destroyed yet', evidence);
    return verdict(
      problems,
      `${f.destroyed === 1 ? 'the destroyed HIPAA project has its' : `all ${plural(f.destroyed, 'destroyed HIPAA project')} have their`} certificate of destruction; none is overdue`,
      evidence,
    );
  },
};
