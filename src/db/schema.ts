/**
 * @module db/schema
 * Row types of the control database, as Kysely sees them. The migrations in ./migrations are
 * the source of truth; this file mirrors them.
 */
import type { ColumnType, Generated, Insertable, Selectable } from 'kysely';

type Timestamp = ColumnType<Date, Date | string, Date | string>;
/** A timestamp column with a database default: optional on insert. */
type DefaultTimestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type Json<T> = ColumnType<T, string, string>;
type DefaultJson<T> = ColumnType<T, string | undefined, string>;

export interface UsersTable {
  id: string;
  email: string;
  name: string;
  password_hash: string;
  is_operator: Generated<boolean>;
  disabled_at: Timestamp | null;
  created_at: DefaultTimestamp;
  updated_at: DefaultTimestamp;
}

export interface SignInFailuresTable {
  email: string;
  failures: number;
  locked_until: Timestamp | null;
  last_failure_at: Timestamp;
}

export type TokenKind = 'session' | 'personal';

export interface TokensTable {
  id: string;
  user_id: string;
  kind: TokenKind;
  name: string;
  digest: Buffer;
  created_at: DefaultTimestamp;
  expires_at: Timestamp;
  revoked_at: Timestamp | null;
  last_used_at: Timestamp | null;
  scopes: ColumnType<string[], string[] | undefined, string[]>;
}

export const PLANS = ['basic', 'scale', 'enterprise'] as const;
export type Plan = (typeof PLANS)[number];

export interface OrgsTable {
  id: string;
  name: string;
  plan: Generated<Plan>;
  hipaa_enabled: Generated<boolean>;
  settings: DefaultJson<Record<string, unknown>>;
  created_at: DefaultTimestamp;
  updated_at: DefaultTimestamp;
}

export const ORG_ROLES = ['owner', 'admin', 'developer', 'auditor', 'member'] as const;
export type OrgRole = (typeof ORG_ROLES)[number];

export interface OrgMembersTable {
  org_id: string;
  user_id: string;
  role: OrgRole;
  created_at: DefaultTimestamp;
}

export const PROJECT_STATUSES = ['provisioning', 'running', 'failed', 'deleting', 'deleted'] as const;
export type ProjectStatus = (typeof PROJECT_STATUSES)[number];
export const AUDIT_LOG_LEVELS = ['standard', 'hipaa'] as const;
export type AuditLogLevel = (typeof AUDIT_LOG_LEVELS)[number];

export interface ProjectsTable {
  id: string;
  org_id: string;
  name: string;
  region_id: string;
  audit_log_level: AuditLogLevel;
  status: ProjectStatus;
  status_reason: string | null;
  created_by: string | null;
  created_at: DefaultTimestamp;
  updated_at: DefaultTimestamp;
  deleted_at: Timestamp | null;
}

export interface AuditChainsTable {
  id: string;
  last_seq: number;
  last_hash: Buffer;
}

export interface AuditEventsTable {
  chain_id: string;
  seq: ColumnType<number, number, never>;
  id: string;
  time: Timestamp;
  action: string;
  outcome: string;
  actor: Json<Record<string, unknown>>;
  target: Json<Record<string, unknown>>;
  details: Json<Record<string, unknown>>;
  prev_hash: Buffer;
  hash: Buffer;
}

export interface KeysTable {
  id: string;
  scope_type: 'system' | 'org' | 'project';
  scope_id: string;
  wrapped_by: string;
  wrapped: Buffer | null;
  state: 'active' | 'retired' | 'destroyed';
  created_at: DefaultTimestamp;
  retired_at: Timestamp | null;
  destroyed_at: Timestamp | null;
}

export interface DB {
  users: UsersTable;
  sign_in_failures: SignInFailuresTable;
  tokens: TokensTable;
  orgs: OrgsTable;
  org_members: OrgMembersTable;
  projects: ProjectsTable;
  audit_chains: AuditChainsTable;
  audit_events: AuditEventsTable;
  keys: KeysTable;
}

export type User = Selectable<UsersTable>;
export type Token = Selectable<TokensTable>;
export type Org = Selectable<OrgsTable>;
export type Project = Selectable<ProjectsTable>;
export type NewProject = Insertable<ProjectsTable>;
export const PROJECT_ROLES = ['owner', 'readwrite', 'readonly'] as const;
export type ProjectRole = (typeof PROJECT_ROLES)[number];
export type KeyRow = Selectable<KeysTable>;
