/**
 * @module dbaccess/session-verdict
 * Whether a live database session may go on, given the current facts: the person's project role
 * (by the one rule in projects/access.ts), their account, the token or credential they signed in
 * with, the project's state, whether it still allows a plaintext session (ADR 0012), and the
 * org's idle timeout and absolute lifetime
 * (identity/session-policy.ts). A verdict carries the message the person sees when their session ends.
 */
import type { ProjectRole } from '../db/index.js';
import { requiresMfa, sessionPolicyOf } from '../identity/index.js';
import { effectiveProjectRole } from '../projects/index.js';
import type { SessionFacts } from './dbaccess.store.js';

export type EndReason =
  | 'access_revoked'
  | 'role_changed'
  | 'account_disabled'
  | 'token_ended'
  | 'credential_revoked'
  | 'project_unavailable'
  | 'plaintext_refused'
  | 'idle_timeout'
  | 'absolute_lifetime';

export interface Verdict {
  reason: EndReason;
  message: string;
}

export interface SessionState {
  projectName: string;
  orgName: string;
  projectRole: ProjectRole;
  startedAt: number;
  /** When the client last sent something, or a result last reached it. */
  lastActivity: number;
  /** A statement is running: the session is not idle. */
  busy: boolean;
  /** The session runs without TLS (a standard project's opt-in, from loopback). */
  plaintext: boolean;
}

const minutes = (ms: number) => `${Math.round(ms / 60_000)} minutes`;

export function verdictFor(s: SessionState, f: SessionFacts | undefined, now: number): Verdict | undefined {
  if (!f || f.project_status === null || f.kind === null)
    return { reason: 'project_unavailable', message: `project '${s.projectName}' no longer exists` };
  if (f.project_status !== 'running')
    return {
      reason: 'project_unavailable',
      message: `project '${s.projectName}' is no longer running (status: ${f.project_status})`,
    };
  if (s.plaintext && !f.allow_plaintext)
    return {
      reason: 'plaintext_refused',
      message: `project '${s.projectName}' no longer allows plaintext connections; connect again with TLS (sslmode=verify-full)`,
    };
  if (f.disabled) return { reason: 'account_disabled', message: 'your account was disabled' };
  if (!f.org_role)
    return { reason: 'access_revoked', message: `you are no longer a member of '${s.orgName}'` };
  if (f.token_ended)
    return {
      reason: 'token_ended',
      message: 'the API token this session signed in with was revoked or expired',
    };
  if (f.credential_revoked)
    return {
      reason: 'credential_revoked',
      message: 'the database credential this session signed in with was revoked',
    };
  const org = { hipaa_enabled: f.hipaa_enabled === true, settings: f.settings ?? {} };
  const role = effectiveProjectRole({
    orgRole: f.org_role,
    hipaaProject: f.audit_log_level === 'hipaa',
    grant: f.grant_role,
    breakGlass: f.break_glass_role,
    mfaSatisfied: f.kind === 'service' || !requiresMfa(org) || f.totp || f.sso_required,
    disabled: false,
  });
  if (!role)
    return {
      reason: 'access_revoked',
      message: `your role in '${s.orgName}' no longer gives access to project '${s.projectName}'`,
    };
  if (role !== s.projectRole)
    return {
      reason: 'role_changed',
      message: `your role on project '${s.projectName}' changed from ${s.projectRole} to ${role}; connect again`,
    };
  const policy = sessionPolicyOf(org);
  const absoluteMs = policy.absoluteHours * 3_600_000;
  if (now - s.startedAt >= absoluteMs)
    return {
      reason: 'absolute_lifetime',
      message: `this session reached the ${policy.absoluteHours}-hour limit '${s.orgName}' sets on a session; connect again`,
    };
  const idleMs = policy.idleMinutes * 60_000;
  if (!s.busy && now - s.lastActivity >= idleMs)
    return {
      reason: 'idle_timeout',
      message: `this session was idle for ${minutes(idleMs)}, the limit '${s.orgName}' sets; connect again`,
    };
  return undefined;
}
