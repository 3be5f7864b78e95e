/**
 * @module api/types
 * The API's response shapes as the console reads them. They mirror the zod schemas in
 * src/identity/identity.schemas.ts, src/orgs/orgs.schemas.ts, src/projects/projects.schemas.ts and
 * src/config/config.schema.ts (regions); the browser test (test/console.test.ts) runs the console
 * against a real Ward, so a drift shows up there.
 */

export type Plan = 'basic' | 'scale' | 'enterprise';
export type OrgRole = 'owner' | 'admin' | 'developer' | 'auditor' | 'member';
export type AuditLogLevel = 'standard' | 'hipaa';
export type ProjectStatus =
  | 'provisioning'
  | 'restoring'
  | 'running'
  | 'failed'
  | 'pending_deletion'
  | 'deleting'
  | 'deleted';
export type ClusterState = 'starting' | 'running' | 'restarting' | 'stopping' | 'stopped';

export interface User {
  id: string;
  email: string;
  name: string;
  operator: boolean;
  disabled: boolean;
  created_at: string;
}

export interface LoginResult {
  expires_at: string;
  user: Pick<User, 'id' | 'email' | 'name' | 'operator'>;
  csrf_token?: string;
}

export interface Org {
  id: string;
  name: string;
  plan: Plan;
  hipaa_enabled: boolean;
  /** audit_retention_days absent means Ward's default (lib/audit-format.ts DEFAULT_RETENTION_DAYS). */
  settings: { legal_name?: string; address?: string; audit_retention_days?: number };
  /** Your role; null for an operator who is not a member. */
  role: OrgRole | null;
  created_at: string;
}

export interface Region {
  id: string;
  name: string;
  type: 'standard' | 'hipaa';
  provider: 'local';
  storage_encryption: 'none' | 'dm-crypt' | 'provider';
  /** What Ward found under the data directory: verified, declared (cannot check) or none. */
  storage_encryption_status: { state: 'verified' | 'declared' | 'none'; detail: string; checked_at: string };
}

export interface Cluster {
  state: ClusterState;
  pid?: number;
  restarts: number;
  last_exit?: string;
  last_error?: string;
  since: string;
}

export interface Project {
  id: string;
  org_id: string;
  name: string;
  region_id: string;
  settings: { audit_log_level: AuditLogLevel; audit_delivery: AuditDelivery };
  status: ProjectStatus;
  status_reason: string | null;
  /** Present only while the project is running. */
  cluster: Cluster | null;
  created_at: string;
  updated_at: string;
  /** A deleted HIPAA project: recoverable until purge_after. */
  deletion: { purge_after: string; requested_at: string | null } | null;
}

export interface ProjectPage {
  projects: Project[];
  next_cursor: string | null;
}

export interface CreateProjectBody {
  name: string;
  region_id: string;
  settings: { audit_log_level: AuditLogLevel };
}

/** How the gateway delivers a project's statement events to the audit log. */
export type AuditDelivery = 'sync' | 'async';

/** POST /projects/{id}/credentials: a short-lived database password and how to connect. */
export interface DbCredentials {
  id: string;
  project_id: string;
  user: string;
  password: string;
  expires_at: string;
  host: string;
  port: number;
  database: string;
  sslmode: 'verify-full';
  ca_cert: string;
  ca_cert_path: string;
  uri: string;
  project_role: 'owner' | 'readwrite' | 'readonly';
  db_role: string;
}
