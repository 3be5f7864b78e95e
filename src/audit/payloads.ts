/**
 * @module audit/payloads
 * What each audit action carries in `details` (audit/actions.ts names the actions), typed so that
 * every `audit.mutate` and `audit.record` call fills in exactly its action's fields.
 */
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
  'alert.email': { alert: string; recipients: number; attempts: number; failure?: string };
  'alert.raise': { alert_id: string; rule: string; seq: number; event_ids: string[]; summary: string };
  'alert.acknowledge': { rule: string; note?: string };
  'alert.dismiss': { rule: string; reason: string };
  'alert.escalate': { rule: string; note?: string };
  'alert.rule.update': {
    rule: string;
    changes: Record<string, { from: unknown; to: unknown }>;
  };
  'alert.settings.update': {
    changes: Record<string, { from: unknown; to: unknown }>;
  };
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
    /** The session's statement before this one, when it succeeded: its outcome, written here instead of on its own. */
    previous?: StatementOutcome;
    /** Subjects its predicate names (accounting of access): tokens, never identifiers. */
    subjects?: { named: string; count: number; role: string };
  };
  'db.statement.result': StatementOutcome & {
    skipped?: boolean;
    /** Subjects its rows returned in a declared column (accounting of access): tokens, never identifiers. */
    subjects?: { returned: string; count: number; role: string; statement_id?: string; truncated?: boolean };
    /** It returned 10,000 subjects or more. */
    bulk_read?: boolean;
    subject_count?: number;
  };
  'db.statement.text.read': {
    event_id: string;
    session_id: string | null;
    text_id: number | null;
    reason: string;
  };
  'subject.key.add': { column: string; case_rule: string; views: string[] };
  'subject.key.remove': { column: string };
  'accounting.who.read': { since: string; format: string; accesses: number };
  'accounting.subjects.reached': {
    actor: string;
    from: string;
    to: string;
    candidates: number;
    reached: number;
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
  'audit.sink.failure': { sink: string; kind: string; failure: string; delivered_seq: number };
  'audit.witness.add': { key_name: string; url: string };
  'audit.witness.remove': { key_name: string };
  'audit.witness.quorum': { quorum: number; previous: number | null };
  'audit.witness.refuse': {
    witness: string;
    status: number;
    witness_size: number | null;
    tree_size: number;
    finding: string;
  };
  'audit.retention.purge': { removed: number; up_to_seq: number; keep_days: number };
  'key.rotate': { old_key_id: string | null; new_key_id: string; rewrapped: number };
  'key.destroy': { key_ids: string[] };
  'key.hsm.set': {
    module: string;
    token: string;
    key_label: string;
    keystore_id: string;
    previous_root: string;
    rewrapped: number;
  };
  'key.hsm.remove': { keystore_id: string; rewrapped: number };
  'key.hsm.unavailable': { keystore_id: string; reason: string; projects_stopped: string[] };
  'key.hsm.available': { keystore_id: string; projects_started: string[]; unavailable_since: string };
  'key.unwrap': { keystore_id: string; count: number; first_at: string; last_at: string };
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
  'compliance.control.change': {
    control_id: string;
    citation: string;
    kind: string;
    from: string | null;
    to: string;
    message: string;
  };
  'compliance.attest': {
    control_id: string;
    attestation_id: string;
    file_name: string;
    size_bytes: number;
    sha256: string;
    review_by: string;
  };
  'compliance.decide': {
    control_id: string;
    decision_id: string;
    decision: string;
    rationale: string;
    expires_at: string;
  };
  'compliance.report': {
    report_id: string;
    required_score: number;
    addressable_score: number;
    sha256: string;
  };
  'compliance.publicity.update': { badge: boolean; trust_page: boolean };
  'subprocessor.create': {
    name: string;
    purpose: string;
    location: string;
    phi: boolean;
    effective_at: string;
    /** How many HIPAA orgs were sent the notice. */
    notified: number;
  };
  'subprocessor.update': {
    name: string;
    changes: Record<string, { from: unknown; to: unknown }>;
    effective_at: string;
    notified: number;
  };
  'subprocessor.remove': { name: string; effective_at: string; notified: number };
  'incident.create': { incident_id: string; title: string; audit_events: string[]; alerts?: string[] };
  'incident.update': { incident_id: string; changes: Record<string, { from: unknown; to: unknown }> };
  'incident.affected.count': {
    incident_id: string;
    project_id: string;
    actor: string;
    from: string;
    to: string;
    candidates: number;
    reached: number;
    uncovered_rows: number;
    by_state: Record<string, number>;
  };
  'incident.knowledge.add': {
    incident_id: string;
    knowledge_id: string;
    relation: string;
    known_on: string;
    committed_breach: boolean;
    discovered_on: string | null;
  };
  'incident.event.link': { incident_id: string; audit_events: string[] };
  'incident.assess': { incident_id: string; determination: string; open: string[] };
  'incident.hold.add': {
    incident_id: string;
    hold_id: string;
    kind: string;
    stated_on: string;
    until: string | null;
    agency: string;
    sha256: string | null;
  };
  'incident.notice.draft': { incident_id: string; notice_id: string; kind: string; scheduled_on: string };
  'incident.notice.update': { incident_id: string; notice_id: string; fields: string[] };
  'incident.notice.send': {
    incident_id: string;
    notice_id: string;
    kind: string;
    sent_at: string;
    via: string;
  };
  'incident.packet': { incident_id: string; packet_id: string; sha256: string };
}

/** What every event that ends a backup operation carries. */
/** A statement's outcome: its own `db.statement.result`, or the next statement's `previous`. */
interface StatementOutcome {
  session_id: string;
  seq: number;
  command_tag: string;
  rows: number | null;
  duration_ms: number;
  sqlstate: string | null;
  /** In projects with subject keys: rows returned for which no subject could be determined. */
  uncovered_rows?: number;
}

interface BackupEnding {
  operation_id: string;
  trigger: string;
  reason?: string;
}

/** Failure events carry the refused request's error in place of (or beside) the payload. */
export interface AuditError {
  error?: { code: string; message: string };
}
