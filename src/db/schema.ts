/**
 * @module db/schema
 * Row types of the control database, as Kysely sees them. The migrations in ./migrations are
 * the source of truth; this file mirrors them.
 */
import type { ColumnType, Generated, Insertable, Selectable } from 'kysely';
import type { AccessTables } from './schema-access.js';
import type { AlertTables } from './schema-alerts.js';
import type { BackupTables } from './schema-backups.js';
import type { ComplianceTables } from './schema-compliance.js';
import type { HipaaTables } from './schema-hipaa.js';
import type { IncidentTables } from './schema-incidents.js';
import type { KeyTables } from './schema-keys.js';
import type { PublicityTables } from './schema-publicity.js';

type Timestamp = ColumnType<Date, Date | string, Date | string>;
/** A timestamp column with a database default: optional on insert. */
type DefaultTimestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type Json<T> = ColumnType<T, string, string>;
type DefaultJson<T> = ColumnType<T, string | undefined, string>;

export interface UsersTable {
  id: string;
  email: string;
  name: string;
  /** Null for service accounts, which never sign in with a password. */
  password_hash: string | null;
  is_operator: Generated<boolean>;
  disabled_at: Timestamp | null;
  created_at: DefaultTimestamp;
  updated_at: DefaultTimestamp;
  kind: Generated<'person' | 'service'>;
  /** The org a service account belongs to; null for people. */
  org_id: string | null;
  last_sign_in_at: Timestamp | null;
  /** The SCRAM salt of the account's database passwords and tokens (migration 0064). */
  db_scram_salt: Generated<Buffer>;
}

export interface SignInFailuresTable {
  email: string;
  failures: number;
  locked_until: Timestamp | null;
  last_failure_at: Timestamp;
}

export type TokenKind = 'session' | 'personal' | 'service';

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
  /** Opened with a second factor (TOTP or the org's identity provider), or created from such a session. */
  mfa: Generated<boolean>;
  method: Generated<'password' | 'sso' | 'token'>;
  /** A token with db:connect: its SCRAM verifier under the account's db_scram_salt (migration 0064). */
  scram_iterations: ColumnType<number | null, number | null | undefined, never>;
  scram_stored_key: ColumnType<Buffer | null, Buffer | null | undefined, never>;
  scram_server_key: ColumnType<Buffer | null, Buffer | null | undefined, never>;
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

export const PROJECT_STATUSES = [
  'provisioning',
  /** Made from a backup (migration 0040): its restore job owns it until it runs. */
  'restoring',
  'running',
  /** Its org's root key (an HSM) is unavailable (migration 0067): stopped until the key is back. */
  'suspended',
  'failed',
  'pending_deletion',
  'deleting',
  'deleted',
] as const;
export type ProjectStatus = (typeof PROJECT_STATUSES)[number];
export const AUDIT_LOG_LEVELS = ['standard', 'hipaa'] as const;
export type AuditLogLevel = (typeof AUDIT_LOG_LEVELS)[number];
export const AUDIT_DELIVERIES = ['sync', 'async'] as const;
export type AuditDelivery = (typeof AUDIT_DELIVERIES)[number];

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
  /** HIPAA deletion (migration 0030): recoverable until purge_after, then destroyed. */
  purge_after: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  deletion_requested_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  deletion_requested_by: ColumnType<string | null, string | null | undefined, string | null>;
  audit_export_confirmed: ColumnType<boolean, boolean | undefined, boolean>;
  /** How statement events reach the audit log (migration 0010): HIPAA projects are always 'sync'. */
  audit_delivery: ColumnType<AuditDelivery, AuditDelivery | undefined, AuditDelivery>;
  /** Plaintext connections from a loopback address (migration 0062): standard projects only. */
  allow_plaintext: ColumnType<boolean, boolean | undefined, boolean>;
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
  actor_id: string | null;
  project_id: string | null;
  body: string;
  prev_hash: Buffer;
  hash: Buffer;
  /** On the last event of each write: audit/seal.ts. */
  seal: ColumnType<Buffer | null, Buffer | null | undefined, never>;
}

/** Batches of the gateway's events (migration 0065, audit/batch-codec.ts). */
export interface AuditBatchesTable {
  chain_id: string;
  first_seq: ColumnType<number, number, never>;
  last_seq: ColumnType<number, number, never>;
  time_from: Timestamp;
  time_to: Timestamp;
  actor_ids: string[];
  project_ids: string[];
  actions: string[];
  outcomes: string[];
  payload: Buffer;
  seal: Buffer;
}

/** The view of the whole log, one row per event from both tables (migration 0065); read only. */
export interface AuditLogView {
  chain_id: ColumnType<string, never, never>;
  seq: ColumnType<number, never, never>;
  id: ColumnType<string, never, never>;
  time: ColumnType<Date, never, never>;
  action: ColumnType<string, never, never>;
  outcome: ColumnType<string, never, never>;
  actor_id: ColumnType<string | null, never, never>;
  project_id: ColumnType<string | null, never, never>;
  body: ColumnType<string, never, never>;
  prev_hash: ColumnType<Buffer, never, never>;
  hash: ColumnType<Buffer, never, never>;
  /** The first seq of the batch the event is stored in; null for an event stored alone. */
  batch: ColumnType<number | null, never, never>;
}

export interface AuditCheckpointsTable {
  chain_id: string;
  tree_size: number;
  root_hash: Buffer;
  last_hash: Buffer;
  time: Timestamp;
  key_id: string;
  signature: Buffer;
  frontier: Buffer[];
}

export interface AuditAnchorsTable {
  chain_id: string;
  seq: number;
  hash: Buffer;
  frontier: Buffer[];
  purged_at: Timestamp;
}

export interface AuditSinksTable {
  id: string;
  chain_id: string;
  name: string;
  kind: 'file' | 'syslog' | 'webhook';
  format: 'json' | 'ocsf';
  config: Json<Record<string, unknown>>;
  secret_sealed: Buffer | null;
  enabled: Generated<boolean>;
  created_at: DefaultTimestamp;
  updated_at: DefaultTimestamp;
}

export interface AuditSinkStateTable {
  sink_id: string;
  delivered_seq: Generated<number>;
  delivered_checkpoint: Generated<number>;
  last_success_at: Timestamp | null;
  last_error: string | null;
  last_error_at: Timestamp | null;
  attempts: Generated<number>;
  next_attempt_at: Timestamp | null;
  lease_owner: string | null;
  lease_until: Timestamp | null;
}

export interface AuditWitnessesTable {
  id: string;
  chain_id: string;
  name: string;
  key_name: string;
  vkey: string;
  url: string;
  ca_pem: string | null;
  created_at: DefaultTimestamp;
}

export interface AuditWitnessStateTable {
  witness_id: string;
  last_success_at: Timestamp | null;
  last_status: number | null;
  last_error: string | null;
  last_error_at: Timestamp | null;
  attempts: Generated<number>;
  next_attempt_at: Timestamp | null;
  raised: string | null;
}

export interface AuditWitnessQuorumTable {
  chain_id: string;
  quorum: number;
  updated_at: DefaultTimestamp;
}

export interface AuditCosignaturesTable {
  chain_id: string;
  tree_size: number;
  root_hash: Buffer;
  key_name: string;
  witness_id: string;
  timestamp: number;
  signature: Buffer;
  received_at: DefaultTimestamp;
}

export interface AuditExportsTable {
  id: string;
  chain_id: string;
  up_to_seq: number;
  checkpoint_size: number;
  kind: 'download' | 'sink';
  sink_id: string | null;
  at: DefaultTimestamp;
}

/** The last verification of each chain and what it found (migration 0071, audit/verifications). */
export interface AuditVerificationsTable {
  chain_id: string;
  verified_at: Timestamp;
  ok: boolean;
  events: number;
  first_bad_seq: number | null;
  damage: string | null;
  detail: string | null;
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

export interface DB
  extends AccessTables,
    HipaaTables,
    BackupTables,
    KeyTables,
    ComplianceTables,
    IncidentTables,
    PublicityTables,
    AlertTables {
  users: UsersTable;
  sign_in_failures: SignInFailuresTable;
  tokens: TokensTable;
  orgs: OrgsTable;
  org_members: OrgMembersTable;
  projects: ProjectsTable;
  audit_chains: AuditChainsTable;
  audit_events: AuditEventsTable;
  audit_batches: AuditBatchesTable;
  audit_log: AuditLogView;
  audit_checkpoints: AuditCheckpointsTable;
  audit_anchors: AuditAnchorsTable;
  audit_exports: AuditExportsTable;
  audit_verifications: AuditVerificationsTable;
  audit_sinks: AuditSinksTable;
  audit_sink_state: AuditSinkStateTable;
  audit_witnesses: AuditWitnessesTable;
  audit_witness_state: AuditWitnessStateTable;
  audit_witness_quorum: AuditWitnessQuorumTable;
  audit_cosignatures: AuditCosignaturesTable;
  keys: KeysTable;
}

export type User = Selectable<UsersTable>;
export type Token = Selectable<TokensTable>;
export type Org = Selectable<OrgsTable>;
export type Project = Selectable<ProjectsTable>;
export type NewProject = Insertable<ProjectsTable>;
export { PROJECT_ROLES, type ProjectRole } from './schema-access.js';
export type KeyRow = Selectable<KeysTable>;
