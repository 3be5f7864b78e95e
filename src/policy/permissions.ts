/**
 * @module policy/permissions
 * The permission matrix: every API route declares one of these (`config.permission`), and the
 * policy (policy/policy.ts) allows a call only when a rule here says so. docs/permissions.md is
 * this table in prose; a test checks that the two agree and walks every route for every role.
 */
import type { OrgRole } from '../db/index.js';
import type { Scope } from './scopes.js';

export interface Rule {
  summary: string;
  /**
   * Who: `anyone` signed in, a `person` (not a service account), the `operator`, or the org
   * roles listed (checked against the org the call concerns).
   */
  who: 'anyone' | 'person' | 'operator' | readonly OrgRole[];
  /** The operator may do this in an org they do not belong to. */
  operator?: boolean;
  /** The token scope needed; `*` means a sign-in session or a full-power token. */
  scope: Scope | null;
  /** Service-account tokens may do this (their org role and scopes still apply). */
  service?: boolean;
  /** Allowed while the person still has to enroll MFA. */
  enrolling?: boolean;
}

const ALL: readonly OrgRole[] = ['owner', 'admin', 'developer', 'auditor', 'member'];
const ADMINS: readonly OrgRole[] = ['owner', 'admin'];
const OVERSIGHT: readonly OrgRole[] = ['owner', 'admin', 'auditor'];
const OWNER: readonly OrgRole[] = ['owner'];

export const PERMISSIONS = {
  'session.read': {
    summary: 'see who you are and your session',
    who: 'anyone',
    scope: null,
    service: true,
    enrolling: true,
  },
  'session.end': { summary: 'sign out', who: 'anyone', scope: null, enrolling: true },
  'mfa.manage': {
    summary: 'enroll, confirm or remove your TOTP, and see your MFA state',
    who: 'person',
    scope: '*',
    enrolling: true,
  },
  'token.manage': { summary: 'create, list and revoke your personal API tokens', who: 'person', scope: '*' },
  'user.create': { summary: 'create accounts', who: 'operator', scope: '*' },
  'user.admin': {
    summary: 'list, disable, enable and unlock accounts, and reset their MFA',
    who: 'operator',
    scope: '*',
  },
  'org.create': { summary: 'create an organization (you become its owner)', who: 'person', scope: '*' },
  'org.list': {
    summary: 'list your organizations (every one, for the operator)',
    who: 'anyone',
    scope: 'projects:read',
    service: true,
  },
  'org.read': {
    summary: 'read an organization',
    who: ALL,
    operator: true,
    scope: 'projects:read',
    service: true,
  },
  'org.update': {
    summary: "change the organization's settings",
    who: ADMINS,
    scope: 'org:admin',
    service: true,
  },
  'org.plan': { summary: "change an organization's plan", who: 'operator', scope: '*' },
  'member.list': {
    summary: 'list members',
    who: ALL,
    operator: true,
    scope: 'org:read',
    service: true,
  },
  'member.manage': {
    summary: 'add members, change their roles and remove them (only owners touch the owner role)',
    who: ADMINS,
    scope: 'org:admin',
    service: true,
  },
  'project.create': {
    summary: 'create projects',
    who: ['owner', 'admin', 'developer'],
    scope: 'projects:write',
    service: true,
  },
  'project.read': {
    summary: 'list and read projects',
    who: ALL,
    operator: true,
    scope: 'projects:read',
    service: true,
  },
  'project.manage': {
    summary:
      'rename and delete projects, and change their settings (audit delivery, plaintext from loopback)',
    who: ADMINS,
    scope: 'projects:write',
    service: true,
  },
  'grant.read': { summary: "list a project's grants", who: OVERSIGHT, scope: 'org:read', service: true },
  'grant.manage': {
    summary: 'grant and revoke project roles',
    who: ADMINS,
    scope: 'org:admin',
    service: true,
  },
  'serviceaccount.read': {
    summary: 'list service accounts and their tokens',
    who: OVERSIGHT,
    scope: 'org:read',
  },
  'serviceaccount.manage': {
    summary: 'create and delete service accounts, create and revoke their tokens',
    who: ADMINS,
    scope: '*',
  },
  'breakglass.request': {
    summary: 'ask for emergency access to a project (at most 4 hours, every owner alerted)',
    who: ['admin', 'developer', 'member'],
    scope: '*',
  },
  'breakglass.read': { summary: 'list break-glass access', who: OVERSIGHT, scope: 'org:read' },
  'breakglass.end': {
    summary: 'end anyone’s break-glass access early (the person who asked may always end their own)',
    who: OWNER,
    scope: '*',
  },
  'breakglass.review': {
    summary: 'review break-glass access, which clears its flag',
    who: OWNER,
    scope: '*',
  },
  'sso.read': { summary: 'read the single sign-on configuration', who: ADMINS, scope: 'org:read' },
  'sso.manage': { summary: 'configure or remove single sign-on', who: OWNER, scope: '*' },
  'alerts.read': {
    summary: "read the org's alerts, its alert rules, working hours and alert recipients",
    who: OVERSIGHT,
    scope: 'org:read',
  },
  'alerts.manage': {
    summary:
      'set or remove the security alert webhook, change alert rules, working hours and recipients, and acknowledge, dismiss or escalate alerts',
    who: ADMINS,
    scope: '*',
  },
  'review.read': { summary: 'read access reviews', who: OVERSIGHT, scope: 'org:read' },
  'review.manage': {
    summary: 'start access reviews, keep or revoke each person, complete them',
    who: OWNER,
    scope: '*',
  },
  'hipaa.read': {
    summary: "read the organization's HIPAA state, its BAA (and PDF) and its certificates of destruction",
    who: OVERSIGHT,
    operator: true,
    scope: 'org:read',
  },
  'baa.request': { summary: 'ask Ward to render the BAA for signing', who: ADMINS, scope: '*' },
  'baa.sign': { summary: 'sign the BAA for the organization', who: OWNER, scope: '*' },
  'baa.countersign': {
    summary: 'countersign BAAs and list those waiting for it',
    who: 'operator',
    scope: '*',
  },
  'business.associate.manage': {
    summary: 'see and set the business associate that BAAs name (the organization running this Ward)',
    who: 'operator',
    scope: '*',
  },
  'hipaa.manage': {
    summary: 'enable or turn off HIPAA for the organization, and delete its HIPAA projects',
    who: OWNER,
    scope: '*',
  },
  'subjects.read': {
    summary:
      "see a project's subject keys (the columns that identify an individual) and the tables the last day's statements touched without one",
    who: OVERSIGHT,
    scope: 'projects:read',
  },
  'subjects.manage': {
    summary: "declare and remove a project's subject keys",
    who: ADMINS,
    scope: 'projects:write',
  },
  'access.accounting.read': {
    summary:
      "account for access: who read an individual's rows (and the report), and which of the org's candidates a person's statements reached",
    who: OVERSIGHT,
    scope: 'audit:read',
  },
  'compliance.read': {
    summary:
      "read the organization's compliance posture (scores, controls, evidence, history), its attested documents and its signed report",
    who: OVERSIGHT,
    operator: true,
    scope: 'org:read',
    service: true,
  },
  'compliance.manage': {
    summary:
      'attest controls with documents, record decisions on addressable specifications, and turn the public badge and trust page on or off',
    who: OWNER,
    scope: '*',
  },
  'incidents.read': {
    summary:
      'read security incidents: the record, who knew when, the risk assessment, holds, notices, deadlines, timeline and evidence packets',
    who: OVERSIGHT,
    scope: 'org:read',
  },
  'incidents.manage': {
    summary:
      'record incidents and every step of their response: knowledge, assessment, law-enforcement holds, notices, evidence packets',
    who: ADMINS,
    scope: '*',
  },
  'subprocessor.read': {
    summary:
      'see the subprocessors this Ward uses (what each does, where, whether it may handle PHI) and the changes announced',
    who: 'anyone',
    scope: 'org:read',
    service: true,
  },
  'subprocessor.manage': {
    summary: 'add, change and remove the subprocessors every organization is told about',
    who: 'operator',
    scope: '*',
  },
  'project.undelete': {
    summary: 'undelete a HIPAA project during its grace period',
    who: ADMINS,
    scope: 'projects:write',
  },
  'db.credentials': {
    summary: 'get a short-lived database password for a project you have a role on (the gateway login)',
    who: ['owner', 'admin', 'developer', 'member'],
    scope: 'db:connect',
    service: true,
  },
  'db.text.read': {
    summary: "open a statement's raw text (break-glass, with a recorded reason)",
    who: OWNER,
    scope: '*',
  },
  'keys.read': {
    summary: "list the organization's encryption keys",
    who: OVERSIGHT,
    operator: true,
    scope: 'org:read',
  },
  'keys.rotate': {
    summary: "rotate the organization's key (its project keys are re-wrapped)",
    who: ADMINS,
    scope: '*',
  },
  'keys.hsm.manage': {
    summary: "move the organization's root key into its HSM (PKCS#11) or back to Ward's",
    who: OWNER,
    scope: '*',
  },
  'audit.read': {
    summary: "read, verify and export the organization's audit log",
    who: OVERSIGHT,
    operator: true,
    scope: 'audit:read',
    service: true,
  },
  'audit.operator': {
    summary: "read, verify and export the operator's audit log",
    who: 'operator',
    scope: 'audit:read',
  },
  'audit.sinks.read': {
    summary:
      "see where the organization's audit log is copied and who witnesses it, and how far each has got",
    who: OVERSIGHT,
    operator: true,
    scope: 'audit:read',
    service: true,
  },
  'audit.configure': {
    summary: "add, switch and remove the audit log's sinks and witnesses, and set the witness quorum",
    who: ADMINS,
    scope: 'org:admin',
    service: true,
  },
  'backup.read': {
    summary: "list a project's backups, its operations and restore drills, and the org's backup policy",
    who: ['owner', 'admin', 'developer', 'auditor'],
    operator: true,
    scope: 'projects:read',
    service: true,
  },
  'backup.create': {
    summary: 'take a backup now, verify the backup repository, run a restore drill',
    who: ['owner', 'admin', 'developer'],
    scope: 'projects:write',
    service: true,
  },
  'backup.restore': {
    summary: 'restore a backup or a moment of a project into a new project (any region the org may use)',
    who: ADMINS,
    scope: 'projects:write',
  },
  'backup.configure': {
    summary: "change the org's daily backup time and retention (7 to 35 days)",
    who: ADMINS,
    scope: 'org:admin',
  },
  'metrics.read': {
    summary: 'scrape Prometheus metrics at /metrics from beyond loopback (callers on loopback need no token)',
    who: 'operator',
    scope: 'metrics:read',
  },
} as const satisfies Record<string, Rule>;

export type Permission = keyof typeof PERMISSIONS;
export const PERMISSION_NAMES = Object.keys(PERMISSIONS) as Permission[];

export function ruleOf(permission: Permission): Rule {
  return PERMISSIONS[permission];
}
