/**
 * @module api/access-types
 * Response shapes of the identity and access API (src/identity/identity.schemas.ts,
 * src/access/access.schemas.ts) as the console reads them.
 */
import type { OrgRole, User } from './types';

export type ProjectRole = 'owner' | 'readwrite' | 'readonly';

export interface Session {
  user: User;
  expires_at: string;
  idle_minutes: number | null;
  mfa: boolean;
  mfa_required: boolean;
}

export interface MfaStatus {
  totp: 'off' | 'pending' | 'enabled';
  recovery_codes_left: number;
  required: boolean;
  session_mfa: boolean;
}

export interface TotpEnrollment {
  secret: string;
  otpauth_uri: string;
  qr_svg: string;
}

export interface Member {
  user_id: string;
  email: string;
  name: string;
  role: OrgRole;
  added_at: string;
}

export interface ProjectAccess {
  user_id: string;
  email: string;
  name: string;
  kind: 'person' | 'service';
  org_role: OrgRole;
  grant: ProjectRole | null;
  role: ProjectRole | null;
  source: 'org_role' | 'grant' | 'break_glass' | null;
}

export interface ServiceAccount {
  id: string;
  name: string;
  role: OrgRole;
  disabled: boolean;
  created_at: string;
  last_used_at: string | null;
}

export interface ApiToken {
  id: string;
  name: string;
  created_at: string;
  expires_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
  scopes: string[];
  token?: string;
}

export interface BreakGlass {
  id: string;
  project_id: string;
  user_id: string;
  email: string;
  role: ProjectRole;
  reason: string;
  created_at: string;
  expires_at: string;
  ended_at: string | null;
  active: boolean;
  flagged: boolean;
  reviewed_at: string | null;
  review_note: string | null;
}

export interface ReviewItem {
  subject_id: string;
  kind: 'person' | 'service';
  email: string;
  name: string;
  org_role: string;
  project_grants: { project_id: string; project: string; role: string; source: string }[];
  last_sign_in_at: string | null;
  last_db_use_at: string | null;
  decision: 'keep' | 'revoke' | null;
  note: string | null;
}

export interface AccessReview {
  id: string;
  started_at: string;
  completed_at: string | null;
  evidence_sha256: string | null;
  items?: ReviewItem[];
}

export interface SsoConfig {
  issuer: string;
  client_id: string;
  email_domain: string;
  require_sso: boolean;
  redirect_uri: string;
}

export interface OrgSettings {
  legal_name?: string;
  address?: string;
  session_idle_minutes?: number;
  session_absolute_hours?: number;
  require_mfa?: boolean;
}
