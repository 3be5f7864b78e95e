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
  'org.member.update': { category: 'organization', summary: "a member's role changed" },
  'org.member.remove': {
    category: 'organization',
    summary: 'a member was removed: their sessions, tokens and grants revoked',
  },
  'auth.session.timeout': {
    category: 'authentication',
    summary: 'a sign-in session ended by the session policy (idle or absolute limit)',
  },
  'access.denied': { category: 'access', summary: 'a request was refused before any change' },
  'mfa.totp.enroll': { category: 'identity', summary: 'a person started enrolling an authenticator app' },
  'mfa.totp.confirm': { category: 'identity', summary: 'a person turned on two-step verification' },
  'mfa.totp.remove': { category: 'identity', summary: 'two-step verification was removed from an account' },
  'user.disable': {
    category: 'identity',
    summary: 'the operator disabled an account: its sessions and tokens revoked',
  },
  'user.enable': { category: 'identity', summary: 'the operator enabled an account again' },
  'user.unlock': { category: 'identity', summary: 'the operator cleared an account’s sign-in lockout' },
  'project.grant.set': {
    category: 'access',
    summary: 'a project role was granted to a person or service account',
  },
  'project.grant.remove': { category: 'access', summary: 'a project grant was revoked' },
  'serviceaccount.create': { category: 'access', summary: 'a service account was created' },
  'serviceaccount.delete': {
    category: 'access',
    summary: 'a service account was deleted: its tokens and grants revoked',
  },
  'serviceaccount.token.create': { category: 'access', summary: 'a service account token was created' },
  'serviceaccount.token.revoke': { category: 'access', summary: 'a service account token was revoked' },
  'breakglass.request': {
    category: 'access',
    summary: 'emergency project access was granted (time-boxed); every owner alerted',
  },
  'breakglass.end': { category: 'access', summary: 'emergency access ended early' },
  'breakglass.review': { category: 'access', summary: 'an owner reviewed emergency access' },
  'alert.webhook.set': { category: 'access', summary: "the org's security alert webhook was set" },
  'alert.webhook.remove': { category: 'access', summary: "the org's security alert webhook was removed" },
  'alert.deliver': {
    category: 'access',
    summary: 'a security alert was delivered to the webhook (or failed)',
  },
  'sso.configure': { category: 'access', summary: "the org's OpenID Connect single sign-on was configured" },
  'sso.remove': { category: 'access', summary: "the org's single sign-on was removed" },
  'accessreview.start': { category: 'access', summary: 'an owner started an access review' },
  'accessreview.decide': { category: 'access', summary: 'a reviewer kept or revoked one person’s access' },
  'accessreview.complete': {
    category: 'access',
    summary: 'an access review was completed and sealed as evidence',
  },
  'project.create': { category: 'project', summary: 'a project was requested' },
  'project.provision': {
    category: 'project',
    summary: "Ward finished (or failed) creating a project's cluster",
  },
  'project.update': { category: 'project', summary: "a project's settings changed" },
  'project.plaintext.set': {
    category: 'project',
    summary: 'plaintext connections from loopback to a standard project were allowed or refused',
  },
  'project.delete': { category: 'project', summary: 'a project was deleted: cluster stopped and removed' },
  'project.cluster.restart': { category: 'project', summary: "the supervisor restarted a project's cluster" },
  'db.connect': { category: 'database', summary: 'a connection through the gateway opened (or was refused)' },
  'db.disconnect': { category: 'database', summary: 'a gateway session ended, and why' },
  'db.statement': { category: 'database', summary: 'a statement arrived at the gateway (literals removed)' },
  'db.statement.result': {
    category: 'database',
    summary: "a statement's outcome: tag, rows, duration, SQLSTATE",
  },
  'db.statement.text.read': {
    category: 'database',
    summary: "an owner opened a statement's raw text (break-glass), with the reason given",
  },
  'db.credentials.create': { category: 'database', summary: 'a short-lived database password was issued' },
  'db.role.sync': { category: 'database', summary: "Ward made or re-granted a login's database role" },
  'db.role.revoke': {
    category: 'database',
    summary: 'Ward took login and privileges from the database role of someone who lost access',
  },
  'audit.export': { category: 'audit', summary: 'an audit chain was exported with its checkpoints' },
  'audit.checkpoint.refuse': {
    category: 'audit',
    summary: 'Ward refused to sign a checkpoint: events it cannot vouch for were found in the chain',
  },
  'audit.sink.create': { category: 'audit', summary: 'an audit sink was added' },
  'audit.sink.update': { category: 'audit', summary: 'an audit sink was switched on or off' },
  'audit.sink.delete': { category: 'audit', summary: 'an audit sink was removed' },
  'audit.retention.purge': {
    category: 'audit',
    summary: 'retention removed events older than the org keeps, after they were exported',
  },
  'key.rotate': { category: 'keys', summary: "an org's key was rotated: its project keys re-wrapped" },
  'key.destroy': { category: 'keys', summary: "a project's keys were destroyed (crypto-shredding)" },
  'baa.request': { category: 'hipaa', summary: 'an owner asked Ward to render the BAA for signing' },
  'baa.sign': { category: 'hipaa', summary: "an org's owner signed the BAA" },
  'baa.countersign': { category: 'hipaa', summary: 'the operator countersigned a BAA: it is executed' },
  'business.associate.update': {
    category: 'hipaa',
    summary: 'the operator named the business associate that BAAs and certificates of destruction carry',
  },
  'hipaa.enable': { category: 'hipaa', summary: 'HIPAA was enabled for an organization' },
  'hipaa.disable': { category: 'hipaa', summary: 'HIPAA was turned off for an organization' },
  'project.undelete': { category: 'project', summary: 'a HIPAA project scheduled for deletion was kept' },
  'project.purge': {
    category: 'project',
    summary:
      "a deleted HIPAA project's grace period ended: cluster destroyed, keys shredded, certificate issued",
  },
  'backup.create': { category: 'backup', summary: 'a backup was asked for (by a person or the schedule)' },
  'backup.finish': { category: 'backup', summary: 'a backup finished, or failed for good' },
  'backup.verify': {
    category: 'backup',
    summary: "a verification of a project's backup repository was asked for",
  },
  'backup.verify.finish': {
    category: 'backup',
    summary: "a verification of a project's backup repository ended: intact or damaged",
  },
  'backup.drill': {
    category: 'backup',
    summary: 'a restore drill was asked for (by a person or the schedule)',
  },
  'backup.drill.finish': { category: 'backup', summary: 'a restore drill ended: green or red' },
  'backup.restore.finish': {
    category: 'backup',
    summary: 'a restore into a new project ended, with its verification against the source',
  },
  'backup.expire': { category: 'backup', summary: 'retention removed backups older than the org keeps' },
  'backup.policy.update': { category: 'backup', summary: "an org's backup schedule or retention changed" },
  'backup.repository.delete': {
    category: 'backup',
    summary: "a deleted project's backup repository was removed",
  },
} as const;

export type AuditAction = keyof typeof AUDIT_ACTIONS;
export const AUDIT_ACTION_NAMES = Object.keys(AUDIT_ACTIONS) as AuditAction[];

export type Outcome = 'success' | 'failure' | 'denied';

export interface AuditTarget {
  type:
    | 'user'
    | 'token'
    | 'org'
    | 'member'
    | 'project'
    | 'system'
    | 'key'
    | 'grant'
    | 'break_glass'
    | 'access_review'
    | 'sso'
    | 'webhook'
    | 'service_account'
    | 'audit_chain'
    | 'audit_sink';
  id: string;
  name?: string;
}

/** What each action carries besides actor, target and outcome. Never secrets, never PHI. */
export interface AuditPayloads {
  'auth.login.success': {
    method: 'password' | 'sso';
    token_id: string;
    expires_at: string;
    mfa?: boolean;
    org?: string;
  };
  'auth.login.failure': {
    method: 'password' | 'sso';
    email: string;
    reason:
      | 'bad_credentials'
      | 'locked'
      | 'address_locked'
      | 'disabled'
      | 'mfa_required'
      | 'bad_totp'
      | 'totp_replayed'
      | 'sso_required'
      | 'not_a_member'
      | 'sso_failed';
    detail?: string;
  };
  'auth.logout': { token_id: string };
  'user.create': { email: string; name: string; operator: boolean; password: 'given' | 'generated' };
  'token.create': { name: string; expires_at: string; scopes: string[] };
  'token.revoke': Record<string, never>;
  'org.create': { name: string };
  'org.update': { changes: Record<string, { from: unknown; to: unknown }> };
  'org.member.add': { user_id: string; email: string; role: string };
  'org.member.update': { user_id: string; email: string; from: string; to: string };
  'org.member.remove': {
    user_id: string;
    email: string;
    role: string;
    revoked_tokens: number;
    revoked_grants: number;
  };
  'auth.session.timeout': {
    token_id: string;
    reason: 'idle' | 'absolute';
    idle_minutes: number;
    absolute_hours: number;
  };
  'access.denied': { method: string; route: string; status: number; reason: string; message: string };
  'mfa.totp.enroll': Record<string, never>;
  'mfa.totp.confirm': { recovery_codes: number };
  'mfa.totp.remove': { by: 'self' | 'operator' };
  'user.disable': { revoked_tokens: number };
  'user.enable': { revoked_tokens: number };
  'user.unlock': Record<string, never>;
  'project.grant.set': { user_id: string; email: string; role: string; previous: string | null };
  'project.grant.remove': { user_id: string; email: string; role: string };
  'serviceaccount.create': { name: string; role: string };
  'serviceaccount.delete': { name: string; revoked_tokens: number };
  'serviceaccount.token.create': {
    service_account: string;
    name: string;
    scopes: string[];
    expires_at: string;
  };
  'serviceaccount.token.revoke': { service_account: string };
  'breakglass.request': {
    project_id: string;
    role: string;
    reason: string;
    expires_at: string;
    owners_alerted: string[];
  };
  'breakglass.end': { project_id: string; user_id: string };
  'breakglass.review': { project_id: string; user_id: string; note: string };
  'alert.webhook.set': { url: string };
  'alert.webhook.remove': { url: string };
  'alert.deliver': { alert: string; url: string; status: number | null; attempts: number; failure?: string };
  'sso.configure': { issuer: string; client_id: string; email_domain: string; require_sso: boolean };
  'sso.remove': { issuer: string };
  'accessreview.start': { subjects: number };
  'accessreview.decide': {
    subject_id: string;
    email: string;
    decision: 'keep' | 'revoke';
    note: string | null;
  };
  'accessreview.complete': { kept: number; revoked: number; evidence_sha256: string };
  'project.create': {
    name: string;
    region_id: string;
    audit_log_level: string;
    /** A project made from another's backup (backups/restore.ts). */
    restore?: {
      source_project_id: string;
      backup_id: string | null;
      target_time: string | null;
      operation_id: string;
    };
  };
  'project.provision': { status: string; reason?: string; duration_ms?: number };
  'project.update': { changes: Record<string, { from: unknown; to: unknown }> };
  /** `allowed`: what was asked; `previous`: the setting before (absent if the project was not read). */
  'project.plaintext.set': { allowed: boolean; previous?: boolean };
  'project.delete': {
    name: string;
    /** HIPAA projects: the owner's confirmation, and when the grace period ends. */
    audit_log_exported?: boolean;
    purge_after?: string;
  };
  'project.cluster.restart': { reason: string };
  'db.connect': {
    session_id: string | null;
    login: string;
    tls: string | null;
    method?: 'scram' | 'token';
    credential_id?: string | null;
    token_id?: string | null;
    db_role?: string;
    project_role?: string;
    audit_delivery?: string;
    /** The session's statement-text key, wrapped by the project's key (dbaccess/statement-text.ts). */
    text_key?: string;
    /** Refused connections: the database asked for and why. */
    database?: string;
    reason?: string;
  };
  'db.disconnect': { session_id: string; reason: string; statements: number; duration_ms: number };
  'db.statement': {
    session_id: string;
    seq: number;
    protocol: 'simple' | 'extended' | 'function';
    statement: string | null;
    statement_truncated?: boolean;
    fingerprint: string | null;
    command: string;
    text_id: number | null;
    text_sealed?: string;
    text_bytes?: number;
    tls: string | null;
    refused?: { sqlstate: string; reason: string };
  };
  'db.statement.result': {
    session_id: string;
    seq: number;
    command_tag: string;
    rows: number | null;
    duration_ms: number;
    sqlstate: string | null;
    skipped?: boolean;
  };
  'db.statement.text.read': {
    event_id: string;
    session_id: string | null;
    text_id: number | null;
    reason: string;
  };
  'db.credentials.create': {
    credential_id: string;
    expires_at: string;
    db_role: string;
    project_role: string;
  };
  'db.role.sync': { user_id: string; db_role: string; project_role: string; previous_role: string | null };
  'db.role.revoke': { user_id: string; db_role: string; previous_role: string };
  'audit.export': { format: string; up_to_seq: number };
  'audit.checkpoint.refuse': { chain: string; head_seq: number; first_bad_seq: number; reason: string };
  'audit.sink.create': { kind: string; format: string; target: string };
  'audit.sink.update': { enabled: boolean };
  'audit.sink.delete': { delivered_seq: number };
  'audit.retention.purge': { removed: number; up_to_seq: number; keep_days: number };
  'key.rotate': { old_key_id: string | null; new_key_id: string; rewrapped: number };
  'key.destroy': { key_ids: string[] };
  'baa.request': { template_version: string; document_sha256: string };
  'baa.sign': {
    baa_id: string;
    template_version: string;
    document_sha256: string;
    signer_name: string;
    signer_title: string;
  };
  'baa.countersign': {
    baa_id: string;
    document_sha256: string;
    countersigner_name: string;
    countersigner_title: string;
  };
  'business.associate.update': {
    legal_name: string;
    address: string;
    /** What it replaced: set at runtime before, or ward.yaml's; null when there was none. */
    previous: { legal_name: string; address: string; source: 'runtime' | 'ward.yaml' } | null;
  };
  'hipaa.enable': { baa_id: string };
  'hipaa.disable': { hipaa_projects?: string[] };
  'project.undelete': { name: string };
  'project.purge': { name: string; certificate_id: string; key_ids: string[]; signing_key_id: string };
  'backup.create': { operation_id: string; trigger: string; type: string | null; already_queued?: boolean };
  'backup.finish': BackupEnding & {
    type: unknown;
    backup_id: unknown;
    size_bytes: unknown;
    duration_ms: unknown;
  };
  'backup.verify': { operation_id: string; trigger: string; already_queued?: boolean };
  'backup.verify.finish': BackupEnding & { backups: unknown; problems: unknown };
  'backup.drill': { operation_id: string; trigger: string; already_queued?: boolean };
  'backup.drill.finish': BackupEnding & { backup_id: unknown; green: boolean };
  'backup.restore.finish': BackupEnding & {
    source_project_id: string;
    timeline: unknown;
    identical: boolean | null;
  };
  'backup.expire': { removed: string[]; kept: number; retention_days: number };
  'backup.policy.update': { changes: Record<string, { from: unknown; to: unknown }> };
  'backup.repository.delete': { project_name: string };
}

/** What every event that ends a backup operation carries. */
interface BackupEnding {
  operation_id: string;
  trigger: string;
  reason?: string;
}

/** Failure events carry the refused request's error in place of (or beside) the payload. */
export interface AuditError {
  error?: { code: string; message: string };
}
