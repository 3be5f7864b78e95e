/**
 * @module alerting/configs
 * Each org's rules as the evaluator needs them, read in one pass (orgs, their rule settings,
 * working hours and HIPAA projects) and kept in memory: read again every few seconds and at once
 * after a change through the service, so the append path never waits on the database.
 */
import type { Db } from '../db/index.js';
import { defaultSetting, RULE_IDS, type RuleId, type RuleSetting } from './rules/catalog.js';
import type { OrgRules } from './rules/evaluate.js';

/** An org's rules, or null when none is on (its events are then skipped). */
export type OrgConfigs = Map<string, OrgRules | null>;

export async function loadConfigs(db: Db): Promise<OrgConfigs> {
  const [orgs, rules, settings, projects] = await Promise.all([
    db.selectFrom('orgs').select(['id', 'hipaa_enabled']).execute(),
    db.selectFrom('alert_rules').selectAll().execute(),
    db.selectFrom('alert_settings').selectAll().execute(),
    db
      .selectFrom('projects')
      .select(['id', 'org_id'])
      .where('audit_log_level', '=', 'hipaa')
      .where('status', 'not in', ['deleted'])
      .execute(),
  ]);
  const own = new Map<string, Map<string, RuleSetting>>();
  for (const r of rules) {
    const m = own.get(r.org_id) ?? new Map<string, RuleSetting>();
    m.set(r.rule, { enabled: r.enabled, threshold: r.threshold, window_seconds: r.window_seconds });
    own.set(r.org_id, m);
  }
  const hours = new Map(settings.map((s) => [s.org_id, s]));
  const hipaaProjects = new Map<string, Set<string>>();
  for (const p of projects) {
    const set = hipaaProjects.get(p.org_id) ?? new Set<string>();
    set.add(p.id);
    hipaaProjects.set(p.org_id, set);
  }
  const configs: OrgConfigs = new Map();
  for (const o of orgs) {
    const m = own.get(o.id);
    const ruleSettings = Object.fromEntries(
      RULE_IDS.map((id) => [id, m?.get(id) ?? defaultSetting(id, o.hipaa_enabled)]),
    ) as Record<RuleId, RuleSetting>;
    if (!Object.values(ruleSettings).some((s) => s.enabled)) {
      configs.set(o.id, null);
      continue;
    }
    const h = hours.get(o.id);
    configs.set(o.id, {
      org_id: o.id,
      settings: ruleSettings,
      hours:
        h && h.work_start !== null && h.work_end !== null
          ? { start: h.work_start, end: h.work_end, days: h.work_days, time_zone: h.time_zone }
          : null,
      hipaa_projects: hipaaProjects.get(o.id) ?? new Set(),
    });
  }
  return configs;
}
