/**
 * @module alerting
 * Alert rules over the audit stream (issue 21, "Detect"): built-in rules evaluated as events are
 * committed, their state kept so a restart neither loses nor repeats an alert, alerts delivered
 * to the org's webhook, by e-mail and to the console, and acknowledged, dismissed or escalated.
 * Wired once by `wireAlerting`.
 */
export {
  type AlertView,
  ackBody,
  alertDetail,
  alertId,
  alertList,
  alertQuery,
  alertSettingsBody,
  alertSettingsView,
  alertView,
  dismissBody,
  escalateBody,
  escalation,
  ruleBody,
  ruleId,
  ruleView,
} from './alerts.schemas.js';
export type { AlertService } from './alerts.service.js';
export { createEvaluator, type Evaluator } from './evaluator.js';
export { RULE_IDS, RULES, type RuleId } from './rules/catalog.js';
export { evaluate, type OrgRules, type RuleEvent, type Trigger } from './rules/evaluate.js';
export { emptyState, type RuleState } from './rules/state.js';
export { type AlertingParts, wireAlerting } from './wire.js';
