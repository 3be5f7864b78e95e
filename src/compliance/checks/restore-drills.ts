/**
 * @module compliance/checks/restore-drills
 * 164.308(a)(7)(ii)(B) and (D), disaster recovery and its testing: every HIPAA project's last
 * restore drill is green and younger than 8 days (Ward drills each project weekly). A project made
 * less than 8 days ago may wait for its first drill.
 */
import type { Check } from './check.js';
import { awaitingFirstDrill, DRILL_WITHIN, drillCommands, drillEvidence, lastDrills } from './drills.js';
import { duration, iso, plural, verdict } from './wording.js';

export const restoreDrills: Check = {
  id: 'restore-drills',
  threshold: 'a green restore drill younger than 8 days for every HIPAA project',
  async run(env) {
    const projects = await lastDrills(env);
    const problems: string[] = [];
    let waiting = 0;
    for (const p of projects) {
      if (awaitingFirstDrill(env, p)) {
        waiting++;
        continue;
      }
      if (!p.drill_id || !p.finished_at) {
        problems.push(
          `'${p.name}' has never had a restore drill: run one with ${drillCommands(env, p)} (it needs a backup first)`,
        );
        continue;
      }
      if (p.status !== 'succeeded') {
        const failed = (['opened', 'amcheck', 'page_checksums'] as const).filter((k) => p[k] !== true);
        problems.push(
          `the last restore drill of '${p.name}' (${p.drill_id}, ${iso(p.finished_at)}) is red: ${failed.length ? failed.join(', ') : 'it'} failed; see why with \`ward operation show ${p.drill_id}\`, fix it (a damaged backup: take a new one with \`ward backup create --org ${env.org.name} --project ${p.name}\`), then drill again with ${drillCommands(env, p)}`,
        );
        continue;
      }
      const age = env.now.getTime() - new Date(p.finished_at).getTime();
      if (age > DRILL_WITHIN)
        problems.push(
          `the last green restore drill of '${p.name}' finished ${duration(age)} ago (${iso(p.finished_at)}), more than 8 days: run one with ${drillCommands(env, p)}, and look in Ward's log for why its weekly drill did not run`,
        );
    }
    const evidence = { projects: projects.map(drillEvidence), awaiting_first_drill: waiting };
    if (projects.length === 0) return verdict([], 'no HIPAA projects yet', evidence);
    return verdict(
      problems,
      `every HIPAA project has a green restore drill younger than 8 days${waiting ? ` (${plural(waiting, 'new project')} awaiting its first, due within 7 days of creation)` : ''}`,
      evidence,
    );
  },
};
