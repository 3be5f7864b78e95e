/**
 * @module audit/actions
 * The closed vocabulary of audit actions. Every event names one of these; each has a typed
 * payload. Renaming an action is a breaking change for everyone who filters on it; every action
 * is documented in docs/audit-events.md (a test checks).
 */

export const AUDIT_ACTIONS = {
  'auth.login.success': { category: 'authentication', summary: 'a person signed in' },
  'auth.login.failure': { category: 'authentication', summary: 'a sign-in was refused' },
  'auth.logout': { category: 'authentication', summary: 'a person signed out (session token revoked)' },
  'user.create': { category: 'identity', summary: 'the operator created an account' },
  'token.create': { category: 'identity', summary: 'a personal API token was created' },
  'token.revoke': { category: 'identity', summary: 'a personal API token was revoked' },
  'org.create': { category: 'organization', summary: 'an organization was created' },
  'org.update': { category: 'organization', summary: "an organization's plan or settings changed" },
  'org.member.add': { category: 'organization', summary: 'a person was added to an organization' },
  'project.create': { category: 'project', summary: 'a project was requested' },
  'project.provision': {
    category: 'project',
    summary: "Ward finished (or failed) creating a project's cluster",
  },
  'project.update': { category: 'project', summary: "a project's settings changed" },
  'project.delete': { category: 'project', summary: 'a project was deleted: cluster stopped and removed' },
  'project.cluster.restart': { category: 'project', summary: "the supervisor restarted a project's cluster" },
  'key.rotate': { category: 'keys', summary: "an org's key was rotated: its project keys re-wrapped" },
  'key.destroy': { category: 'keys', summary: "a project's keys were destroyed (crypto-shredding)" },
} as const;

export type AuditAction = keyof typeof AUDIT_ACTIONS;
export const AUDIT_ACTION_NAMES = Object.keys(AUDIT_ACTIONS) as AuditAction[];

export type Outcome = 'success' | 'failure' | 'denied';

export interface AuditTarget {
  type: 'user' | 'token' | 'org' | 'member' | 'project' | 'system' | 'key';
  id: string;
  name?: string;
}

/** What each action carries besides actor, target and outcome. Never secrets, never PHI. */
export interface AuditPayloads {
  'auth.login.success': { method: 'password'; token_id: string; expires_at: string };
  'auth.login.failure': {
    method: 'password';
    email: string;
    reason: 'bad_credentials' | 'locked' | 'disabled';
  };
  'auth.logout': { token_id: string };
  'user.create': { email: string; name: string; operator: boolean };
  'token.create': { name: string; expires_at: string; scopes: string[] };
  'token.revoke': Record<string, never>;
  'org.create': { name: string };
  'org.update': { changes: Record<string, { from: unknown; to: unknown }> };
  'org.member.add': { user_id: string; email: string; role: string };
  'project.create': { name: string; region_id: string; audit_log_level: string };
  'project.provision': { status: string; reason?: string; duration_ms?: number };
  'project.update': { changes: Record<string, { from: unknown; to: unknown }> };
  'project.delete': { name: string };
  'project.cluster.restart': { reason: string };
  'key.rotate': { old_key_id: string | null; new_key_id: string; rewrapped: number };
  'key.destroy': { key_ids: string[] };
}

/** Failure events carry the refused request's error in place of (or beside) the payload. */
export interface AuditError {
  error?: { code: string; message: string };
}
