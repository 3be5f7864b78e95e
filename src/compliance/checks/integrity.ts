/**
 * @module compliance/checks/integrity
 * 164.312(c)(2), a mechanism to authenticate ePHI: every HIPAA project runs with data checksums
 * (Ward's clusters are made with `initdb --data-checksums`), proven by its last restore drill,
 * whose pg_checksums verified every data page of the restored backup (it refuses a cluster without
 * checksums), and whose pg_amcheck (heap and every B-tree index) found nothing wrong. The recorded
 * verdicts are read; no project's data is scanned here.
 */
import type { Check } from './check.js';
import { awaitingFirstDrill, drillCommands, drillEvidence, lastDrills } from './drills.js';
import { iso, plural, verdict } from './wording.js';

export const integrity: Check = {
  id: 'integrity',
  threshold:
    "data checksums on every HIPAA project, verified page by page, and pg_amcheck green, in each project's last restore drill",
  async run(env) {
    const projects = await lastDrills(env);
    const problems: string[] = [];
    let waiting = 0;
    for (const p of projects) {
      if (awaitingFirstDrill(env, p)) {
        waiting++;
        continue;
      }
      const seeIt = p.drill_id ? `see \`ward operation show ${p.drill_id}\`, ` : '';
      const again = `${seeIt}then run a new drill with ${drillCommands(env, p)}`;
      if (!p.drill_id) {
        problems.push(
          `the data checksums and indexes of '${p.name}' have never been checked, since it has had no restore drill: ${again}`,
        );
        continue;
      }
      const when = `its last restore drill (${p.drill_id}, ${iso(p.finished_at)})`;
      if (p.opened !== true) {
        problems.push(
          `${when} could not restore the backup of '${p.name}', so neither its page checksums nor pg_amcheck were checked: take a new backup (\`ward backup create --org ${env.org.name} --project ${p.name}\`), ${again}`,
        );
        continue;
      }
      if (p.page_checksums !== true)
        problems.push(
          `the data page checksums of '${p.name}' did not verify in ${when} (a damaged page, or a cluster without data checksums): ${again}; if checksums are off, restore the project into a new one, which Ward makes with checksums on`,
        );
      if (p.amcheck !== true)
        problems.push(
          `pg_amcheck found damage in the restored copy of '${p.name}' in ${when}: ${again}; if it is red again, the damage is in the project itself: restore it from an earlier backup into a new project`,
        );
    }
    const evidence = {
      projects: projects.map(drillEvidence),
      awaiting_first_drill: waiting,
      data_checksums: 'initdb --data-checksums; verified by pg_checksums --check in each drill',
    };
    if (projects.length === 0) return verdict([], 'no HIPAA projects yet', evidence);
    return verdict(
      problems,
      `every HIPAA project's last restore drill verified its data page checksums and found nothing wrong with pg_amcheck${waiting ? ` (${plural(waiting, 'new project')} awaiting its first drill)` : ''}`,
      evidence,
    );
  },
};
