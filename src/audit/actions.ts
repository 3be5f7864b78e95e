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
  'alert.email': {
    category: 'access',
    summary: 'a security alert was sent by e-mail over SMTP (or could not be)',
  },
  'alert.raise': { category: 'access', summary: 'an alert rule fired on the audit log: an alert was raised' },
  'alert.acknowledge': { category: 'access', summary: 'someone acknowledged an alert' },
  'alert.dismiss': { category: 'access', summary: 'someone dismissed an alert, with a reason' },
  'alert.escalate': { category: 'access', summary: 'someone marked an alert as escalated' },
  'alert.rule.update': {
    category: 'access',
    summary: "an org's alert rule was switched or its threshold changed",
  },
  'alert.settings.update': {
    category: 'access',
    summary: "an org's working hours or alert e-mail recipients changed",
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
  'subject.key.add': {
    category: 'database',
    summary: 'a column was declared a subject key (it identifies an individual), with the views that show it',
  },
  'subject.key.remove': { category: 'database', summary: 'a subject key was removed' },
  'accounting.who.read': {
    category: 'audit',
    summary: "someone asked who read an individual's rows (the identifier is not recorded)",
  },
  'accounting.subjects.reached': {
    category: 'audit',
    summary:
      "someone asked which of the org's candidates a person's statements reached (identifiers not recorded)",
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
  'audit.sink.failure': { category: 'audit', summary: 'an audit sink stopped accepting the log' },
  'audit.witness.add': { category: 'audit', summary: 'a witness was registered to cosign the chain' },
  'audit.witness.remove': { category: 'audit', summary: 'a witness was removed from the chain' },
  'audit.witness.quorum': {
    category: 'audit',
    summary: 'how many witnesses must cosign a checkpoint was changed',
  },
  'audit.witness.refuse': {
    category: 'audit',
    summary: 'a witness refused a checkpoint: the chain does not extend what it cosigned',
  },
  'audit.retention.purge': {
    category: 'audit',
    summary: 'retention removed events older than the org keeps, after they were exported',
  },
  'key.rotate': { category: 'keys', summary: "an org's key was rotated: its project keys re-wrapped" },
  'key.destroy': { category: 'keys', summary: "a project's keys were destroyed (crypto-shredding)" },
  'key.hsm.set': {
    category: 'keys',
    summary: "an org's root key was moved to its HSM: its org keys re-wrapped there",
  },
  'key.hsm.remove': {
    category: 'keys',
    summary: "an org's root key was moved back to Ward's own: its org keys re-wrapped",
  },
  'key.hsm.unavailable': {
    category: 'keys',
    summary: "an org's HSM root key became unusable: its projects stopped, sessions refused",
  },
  'key.hsm.available': {
    category: 'keys',
    summary: "an org's HSM root key is usable again: its projects started",
  },
  'key.unwrap': {
    category: 'keys',
    summary: "an org's HSM root key unwrapped org keys (counted, one event per org per minute)",
  },
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
  'compliance.control.change': {
    category: 'hipaa',
    summary: "a HIPAA control's state changed (passing, failing, attested, …)",
  },
  'compliance.attest': {
    category: 'hipaa',
    summary: 'an owner attested a control with a document and its review date',
  },
  'compliance.decide': {
    category: 'hipaa',
    summary: 'an owner recorded a decision on an addressable specification',
  },
  'compliance.report': { category: 'hipaa', summary: 'a signed compliance report was issued' },
  'compliance.publicity.update': {
    category: 'hipaa',
    summary: "the org's public badge or trust page was turned on or off",
  },
  'subprocessor.create': { category: 'hipaa', summary: 'the operator announced a new subprocessor' },
  'subprocessor.update': { category: 'hipaa', summary: "the operator changed a subprocessor's details" },
  'subprocessor.remove': { category: 'hipaa', summary: 'the operator announced a subprocessor’s removal' },
  'incident.create': { category: 'hipaa', summary: 'a security incident was recorded' },
  'incident.update': {
    category: 'hipaa',
    summary: "an incident's details, owner, status or notification facts changed",
  },
  'incident.knowledge.add': { category: 'hipaa', summary: 'who knew of an incident when was recorded' },
  'incident.affected.count': {
    category: 'hipaa',
    summary: "an incident's affected counts per State were taken from the accounting of access",
  },
  'incident.event.link': { category: 'hipaa', summary: 'audit events were cited by an incident' },
  'incident.assess': { category: 'hipaa', summary: "an incident's 164.402 risk assessment was recorded" },
  'incident.hold.add': {
    category: 'hipaa',
    summary: 'a law-enforcement statement delaying notices was recorded (164.412)',
  },
  'incident.notice.draft': { category: 'hipaa', summary: 'a breach notice was drafted' },
  'incident.notice.update': { category: 'hipaa', summary: "a breach notice's content or schedule changed" },
  'incident.notice.send': { category: 'hipaa', summary: 'a breach notice was marked sent (when and how)' },
  'incident.packet': { category: 'hipaa', summary: "an incident's signed evidence packet was issued" },
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
    | 'audit_sink'
    | 'audit_witness'
    | 'compliance_control'
    | 'compliance_report'
    | 'subprocessor'
    | 'incident'
    | 'alert'
    | 'alert_rule';
  id: string;
  name?: string;
}

export type { AuditError, AuditPayloads } from './payloads.js';
