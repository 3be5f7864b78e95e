/**
 * @module alerting/rules/catalog
 * The built-in alert rules: what each watches for and its default setting. Every rule is on by
 * default for HIPAA orgs (off for others until someone switches it on); an org may change the
 * threshold and window of the rules that count (`alert.rule.update`).
 */

export const RULE_IDS = [
  'failed_signins_account',
  'failed_signins_address',
  'bulk_read',
  'off_hours',
  'break_glass',
  'new_network',
  'audit_unavailable',
  'backup_failed',
  'audit_sink_failing',
  'compliance_control_failing',
] as const;

export type RuleId = (typeof RULE_IDS)[number];

export interface RuleSetting {
  enabled: boolean;
  /** How many (failures, rows) within the window fire the rule; 1 for rules that fire on one event. */
  threshold: number;
  window_seconds: number;
}

export interface RuleInfo {
  title: string;
  description: string;
  /** Whether threshold and window mean anything for this rule. */
  counts: boolean;
  defaults: Omit<RuleSetting, 'enabled'>;
}

const ONE = { threshold: 1, window_seconds: 86_400 };

export const RULES: Record<RuleId, RuleInfo> = {
  failed_signins_account: {
    title: 'Repeated failed sign-ins for one account',
    description:
      "refused sign-ins of the same account within the window: the org's members at the console and API, and gateway connections refused for a bad password or token",
    counts: true,
    defaults: { threshold: 5, window_seconds: 600 },
  },
  failed_signins_address: {
    title: 'Repeated failed sign-ins from one address',
    description:
      'gateway connections refused for a bad password or token from the same source address within the window',
    counts: true,
    defaults: { threshold: 20, window_seconds: 600 },
  },
  bulk_read: {
    title: 'Unusual number of rows read from a HIPAA project',
    description:
      "rows returned to one person from one HIPAA project within the window, counted from the statements' recorded outcomes",
    counts: true,
    defaults: { threshold: 10_000, window_seconds: 3_600 },
  },
  off_hours: {
    title: 'Access outside working hours',
    description:
      "a sign-in or a database connection outside the org's declared working hours (once per person a day; nothing until hours are declared)",
    counts: false,
    defaults: ONE,
  },
  break_glass: {
    title: 'Break-glass access started',
    description: 'someone was granted emergency access to a project',
    counts: false,
    defaults: ONE,
  },
  new_network: {
    title: 'New source network for a person',
    description:
      'a person signed in or connected from a network (IPv4 /24, IPv6 /48) not seen for them before; their first network is learnt, not alerted',
    counts: false,
    defaults: ONE,
  },
  audit_unavailable: {
    title: 'Gateway refused work: audit log not writable',
    description: 'a gateway session was ended because its statements could not be recorded in the audit log',
    counts: false,
    defaults: ONE,
  },
  backup_failed: {
    title: 'Backup, verification, restore or drill failed',
    description: 'a backup, a backup verification, a restore or a restore drill ended in failure',
    counts: false,
    defaults: ONE,
  },
  audit_sink_failing: {
    title: 'Audit sink failing',
    description: 'an audit sink (file, syslog, webhook) stopped accepting the log',
    counts: false,
    defaults: ONE,
  },
  compliance_control_failing: {
    title: 'Required compliance control failing',
    description: 'a required control of the compliance center started failing',
    counts: false,
    defaults: ONE,
  },
};

/** The setting a rule has in an org without a row of its own. */
export function defaultSetting(rule: RuleId, hipaa: boolean): RuleSetting {
  return { enabled: hipaa, ...RULES[rule].defaults };
}
