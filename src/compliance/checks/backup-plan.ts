/**
 * @module compliance/checks/backup-plan
 * 164.308(a)(7)(ii)(A) and 164.310(d)(2)(iv), the data backup plan: every HIPAA project has a
 * backup younger than 26 hours (Ward backs up daily; two hours more for a slow one), WAL archived
 * through its newest backup (point-in-time recovery: pgBackRest finishes a backup only once the
 * WAL it needs is archived, and records where it starts and stops), and the org keeps backups at
 * least 7 days. A project made less than 26 hours ago may wait for its first daily backup.
 * One query.
 */
import { sql } from 'kysely';
import type { Check, CheckEnv } from './check.js';
import { duration, HOUR, iso, listed, plural, verdict } from './wording.js';

const BACKUP_WITHIN = 26 * HOUR;
const MIN_RETENTION_DAYS = 7;

interface Row {
  id: string;
  name: string;
  created_at: Date;
  label: string | null;
  stopped_at: Date | null;
  wal_start: string | null;
  wal_stop: string | null;
  retention_days: number;
}

/** Each HIPAA project in service with its newest backup, and the org's retention (7 days unless set). */
const newestBackups = (env: CheckEnv) =>
  sql<Row>`
    SELECT p.id, p.name, p.created_at, b.label, b.stopped_at, b.wal_start, b.wal_stop,
           coalesce((SELECT bp.retention_days FROM backup_policies bp WHERE bp.org_id = ${env.org.id}), 7) AS retention_days
      FROM projects p
      LEFT JOIN LATERAL (
        SELECT b.label, b.stopped_at, b.wal_start, b.wal_stop FROM backups b
         WHERE b.project_id = p.id ORDER BY b.stopped_at DESC LIMIT 1) b ON true
     WHERE p.org_id = ${env.org.id} AND p.audit_log_level = 'hipaa' AND p.status IN ('running', 'suspended')
     ORDER BY p.created_at, p.id`.execute(env.db);

export const backupPlan: Check = {
  id: 'backups',
  threshold: 'a backup younger than 26 h for every HIPAA project; WAL archived (PITR); retention ≥ 7 days',
  async run(env) {
    const { rows } = await newestBackups(env);
    const org = env.org.name;
    const now = env.now.getTime();
    const backUp = (name: string) =>
      `\`ward backup create --org ${org} --project ${name}\` (or “Back up now” on the project's Backups panel in the console)`;
    const problems: string[] = [];
    const waiting: string[] = [];
    const noPitr: string[] = [];
    for (const p of rows) {
      if (!p.stopped_at) {
        if (now - new Date(p.created_at).getTime() <= BACKUP_WITHIN) waiting.push(p.name);
        else problems.push(`'${p.name}' has no backup: take one with ${backUp(p.name)}`);
        continue;
      }
      const age = now - new Date(p.stopped_at).getTime();
      if (age > BACKUP_WITHIN)
        problems.push(
          `the newest backup of '${p.name}' (${p.label}) finished ${duration(age)} ago (${iso(p.stopped_at)}), more than 26 hours: take one with ${backUp(p.name)}, and look at its failed backups with \`ward backup list --org ${org} --project ${p.name}\``,
        );
      if (!p.wal_start || !p.wal_stop) noPitr.push(p.name);
    }
    if (noPitr.length > 0)
      problems.push(
        `the newest ${noPitr.length === 1 ? 'backup' : 'backups'} of ${listed(noPitr)} ${noPitr.length === 1 ? 'has' : 'have'} no archived WAL range, so point-in-time recovery from ${noPitr.length === 1 ? 'it' : 'them'} is not possible: take a new backup (${backUp(noPitr[0] as string)}) and check Ward's log for WAL archiving errors`,
      );
    const retention = Number(rows[0]?.retention_days ?? MIN_RETENTION_DAYS);
    if (rows.length > 0 && retention < MIN_RETENTION_DAYS)
      problems.push(
        `backups of '${org}' are kept ${retention} days, less than 7: \`ward backup policy --org ${org} --retention-days 7\``,
      );
    const evidence = {
      projects: rows.map((p) => ({
        project: p.name,
        project_id: p.id,
        newest_backup: p.label,
        stopped_at: iso(p.stopped_at),
        wal_start: p.wal_start,
        wal_stop: p.wal_stop,
      })),
      awaiting_first_backup: waiting,
      retention_days: rows.length > 0 ? retention : null,
    };
    if (rows.length === 0) return verdict([], 'no HIPAA projects yet', evidence);
    return verdict(
      problems,
      `every HIPAA project has a backup younger than 26 hours with its WAL archived, kept ${retention} days${waiting.length ? ` (${plural(waiting.length, 'new project')} awaiting its first daily backup: ${listed(waiting)})` : ''}`,
      evidence,
    );
  },
};
