/**
 * @module db/schema-access
 * Row types for identity and access (migration 0020): TOTP, recovery codes, sign-in throttling
 * per address, project grants, break-glass, SSO, alert webhooks, access reviews. Kept beside
 * db/schema.ts, whose `DB` includes them.
 */
import type { ColumnType, Generated, Selectable } from 'kysely';

type Timestamp = ColumnType<Date, Date | string, Date | string>;
type DefaultTimestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type Json<T> = ColumnType<T, string, string>;

/** A person's role in one project (project grants; db/schema re-exports it). */
export const PROJECT_ROLES = ['owner', 'readwrite', 'readonly'] as const;
export type ProjectRole = (typeof PROJECT_ROLES)[number];

export interface UserTotpTable {
  user_id: string;
  secret: Buffer;
  confirmed_at: Timestamp | null;
  last_time_step: ColumnType<number, number | undefined, number>;
  created_at: DefaultTimestamp;
}

export interface RecoveryCodesTable {
  user_id: string;
  digest: Buffer;
  used_at: Timestamp | null;
}

export interface SignInAddressFailuresTable {
  address: string;
  failures: number;
  window_start: Timestamp;
  locked_until: Timestamp | null;
}

export interface ProjectGrantsTable {
  project_id: string;
  user_id: string;
  role: ProjectRole;
  granted_by: string | null;
  created_at: DefaultTimestamp;
}

export interface BreakGlassTable {
  id: string;
  org_id: string;
  project_id: string;
  user_id: string;
  role: ProjectRole;
  reason: string;
  created_at: DefaultTimestamp;
  expires_at: Timestamp;
  ended_at: Timestamp | null;
  reviewed_at: Timestamp | null;
  reviewed_by: string | null;
  review_note: string | null;
}

export interface OrgSsoTable {
  org_id: string;
  issuer: string;
  client_id: string;
  client_secret: Buffer;
  email_domain: string;
  require_sso: Generated<boolean>;
  created_at: DefaultTimestamp;
  updated_at: DefaultTimestamp;
}

export interface SsoAttemptsTable {
  state_digest: Buffer;
  org_id: string;
  verifier_digest: Buffer;
  nonce: string;
  expires_at: Timestamp;
}

export interface OrgAlertWebhooksTable {
  org_id: string;
  url: string;
  secret: Buffer;
  created_at: DefaultTimestamp;
}

export interface AccessReviewsTable {
  id: string;
  org_id: string;
  started_by: string;
  started_at: DefaultTimestamp;
  completed_by: string | null;
  completed_at: Timestamp | null;
  evidence_sha256: Buffer | null;
}

export interface ProjectGrantSnapshot {
  project_id: string;
  project: string;
  role: ProjectRole;
  source: 'grant' | 'org_role' | 'break_glass';
}

export interface AccessReviewItemsTable {
  review_id: string;
  subject_id: string;
  kind: 'person' | 'service';
  email: string;
  name: string;
  org_role: string;
  project_grants: Json<ProjectGrantSnapshot[]>;
  last_sign_in_at: Timestamp | null;
  last_db_use_at: Timestamp | null;
  decision: 'keep' | 'revoke' | null;
  decided_by: string | null;
  decided_at: Timestamp | null;
  note: string | null;
}

export interface AccessTables {
  user_totp: UserTotpTable;
  recovery_codes: RecoveryCodesTable;
  sign_in_address_failures: SignInAddressFailuresTable;
  project_grants: ProjectGrantsTable;
  break_glass: BreakGlassTable;
  org_sso: OrgSsoTable;
  sso_attempts: SsoAttemptsTable;
  org_alert_webhooks: OrgAlertWebhooksTable;
  access_reviews: AccessReviewsTable;
  access_review_items: AccessReviewItemsTable;
}

export type BreakGlass = Selectable<BreakGlassTable>;
export type AccessReview = Selectable<AccessReviewsTable>;
export type AccessReviewItem = Selectable<AccessReviewItemsTable>;
export type OrgSso = Selectable<OrgSsoTable>;
