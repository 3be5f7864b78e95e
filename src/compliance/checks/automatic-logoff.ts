/**
 * @module compliance/checks/automatic-logoff
 * Automatic logoff (164.312(a)(2)(iii)): sessions end after at most 15 minutes without activity.
 * The org's idle timeout (`session_idle_minutes`, or identity's default: 15 minutes for a HIPAA
 * org, 60 otherwise) ends console and API sessions and, through the gateway, database sessions;
 * identity/session-policy.ts is read so the check and the rule cannot disagree.
 */
import { SESSION_DEFAULTS, sessionPolicyOf } from '../../identity/index.js';
import type { Check, CheckEnv, CheckResult } from './check.js';

/** The longest idle time HIPAA guidance and Ward's own HIPAA default accept. */
export const MAX_IDLE_MINUTES = 15;

async function run(env: CheckEnv): Promise<CheckResult> {
  const org = env.org;
  const policy = sessionPolicyOf(org);
  const explicit = typeof org.settings.session_idle_minutes === 'number';
  const source = explicit
    ? 'the org setting session_idle_minutes'
    : org.hipaa_enabled
      ? `Ward's default for HIPAA orgs, ${SESSION_DEFAULTS.hipaaIdleMinutes} minutes`
      : `Ward's default for orgs without HIPAA, ${SESSION_DEFAULTS.idleMinutes} minutes`;
  const evidence = {
    idle_minutes: policy.idleMinutes,
    source: explicit ? 'setting' : 'default',
    hipaa_enabled: org.hipaa_enabled,
    absolute_hours: policy.absoluteHours,
  };
  if (policy.idleMinutes <= MAX_IDLE_MINUTES)
    return {
      outcome: 'pass',
      message: `'${org.name}' ends console, API and database sessions after ${policy.idleMinutes} minutes without activity (${source})`,
      evidence,
    };
  return {
    outcome: 'fail',
    message:
      `'${org.name}' ends sessions only after ${policy.idleMinutes} minutes without activity (${source}); it must be ${MAX_IDLE_MINUTES} or less. ` +
      `An owner or admin sets it with \`ward org set ${org.name} --session-idle-minutes ${MAX_IDLE_MINUTES}\`, or in the console under Settings → Sessions and sign-in → Idle timeout`,
    evidence,
  };
}

export const automaticLogoff: Check = {
  id: 'automatic-logoff',
  threshold: `the org's session idle timeout is ${MAX_IDLE_MINUTES} minutes or less (console, API and gateway sessions)`,
  run,
};
