/**
 * @module api/hipaa-types
 * Response shapes of HIPAA enablement, as the console reads them: mirrors of
 * src/hipaa/hipaa.schemas.ts, src/keys/org-keys.ts and src/certificates/certificates.schemas.ts.
 */
import type { Plan, ProjectStatus } from './types';

export interface Signature {
  name: string;
  title: string;
  email: string;
  at: string;
  ip: string | null;
}

export interface Baa {
  id: string;
  org_id: string;
  status: 'signed' | 'executed' | 'superseded';
  template_version: string;
  document_sha256: string;
  /** The signed text (GET /orgs/{org}/baa only). */
  document?: string;
  signed: Signature;
  countersigned: Signature | null;
}

export interface PendingBaa extends Baa {
  org_name: string;
}

export interface BaaDocument {
  org_id: string;
  template_version: string;
  document: string;
  document_sha256: string;
}

export interface HipaaState {
  org_id: string;
  enabled: boolean;
  plan: Plan;
  required_plan: 'enterprise';
  baa: Baa | null;
  baa_current: boolean | null;
  hipaa_projects: { id: string; name: string; status: ProjectStatus; purge_after: string | null }[];
  next_step: string;
}

export interface KeyInfo {
  id: string;
  state: 'active' | 'retired' | 'destroyed';
  wrapped_by: string;
  created_at: string;
  retired_at: string | null;
  destroyed_at: string | null;
}

export interface OrgKeys {
  org_id: string;
  org_keys: KeyInfo[];
  project_keys: (KeyInfo & { project_id: string; project_name: string })[];
}

export interface CertificateSummary {
  id: string;
  project_id: string;
  project_name: string;
  issued_at: string;
  key_id: string;
}
