/**
 * @module compliance/checks/drills
 * What the restore drills of an org's HIPAA projects showed: for each project in service, its
 * last finished drill (green or red) and the verdict of each of the drill's checks (the backup
 * opened, pg_amcheck, pg_checksums), in one query. Shared by the restore-drills and integrity
 * checks. Only verdicts and ids: never the tools' output, which can name tables.
 */
import { sql } from 'kysely';
import type { CheckEnv } from './check.js';
import { DAY, iso } from './wording.js';

/** A drill is due every 7 days (backups/scheduler); a day more is allowed for it to run. */
export const DRILL_WITHIN = 8 * DAY;

export interface ProjectDrill {
  id: string;
  name: string;
  created_at: Date;
  drill_id: string | null;
  status: 'succeeded' | 'failed' | null;
  finished_at: Date | null;
  backup_id: string | null;
  opened: boolean | null;
  amcheck: boolean | null;
  page_checksums: boolean | null;
}

export async function lastDrills(env: CheckEnv): Promise<ProjectDrill[]> {
  const { rows } = await sql<ProjectDrill>`
    SELECT p.id, p.name, p.created_at, d.id AS drill_id, d.status, d.finished_at,
           d.result->>'backup_id' AS backup_id,
           (d.result->'checks'->'opened'->>'ok')::boolean AS opened,
           (d.result->'checks'->'amcheck'->>'ok')::boolean AS amcheck,
           (d.result->'checks'->'page_checksums'->>'ok')::boolean AS page_checksums
      FROM projects p
      LEFT JOIN LATERAL (
        SELECT o.id, o.status, o.finished_at, o.result FROM operations o
         WHERE o.project_id = p.id AND o.kind = 'drill' AND o.status IN ('succeeded', 'failed')
         ORDER BY o.created_at DESC LIMIT 1) d ON true
     WHERE p.org_id = ${env.org.id} AND p.audit_log_level = 'hipaa' AND p.status IN ('running', 'suspended')
     ORDER BY p.created_at, p.id`.execute(env.db);
  return rows;
}

/** A project made within the drill interval may not have had its first drill yet. */
export const awaitingFirstDrill = (env: CheckEnv, p: ProjectDrill) =>
  p.drill_id === null && env.now.getTime() - new Date(p.created_at).getTime() <= DRILL_WITHIN;

/** The evidence of one project's last drill. */
export const drillEvidence = (p: ProjectDrill) => ({
  project: p.name,
  project_id: p.id,
  drill: p.drill_id
    ? {
        operation_id: p.drill_id,
        green: p.status === 'succeeded',
        finished_at: iso(p.finished_at),
        backup_id: p.backup_id,
        opened: p.opened,
        amcheck: p.amcheck,
        page_checksums: p.page_checksums,
      }
    : null,
});

/** The commands that run a new drill of `p` (and see the last one). */
export const drillCommands = (env: CheckEnv, p: ProjectDrill) =>
  `\`ward backup drill --org ${env.org.name} --project ${p.name}\` (or the project's Backups panel in the console)`;
