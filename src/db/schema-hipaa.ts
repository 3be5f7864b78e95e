/**
 * @module db/schema-hipaa
 * Row types for HIPAA enablement (migrations 0030, 0061): Business Associate Agreements,
 * certificates of destruction and the business associate the operator names. Kept beside db/schema.ts, whose `DB` includes them.
 */
import type { ColumnType, Selectable } from 'kysely';

type Timestamp = ColumnType<Date, Date | string, Date | string>;

export const BAA_STATUSES = ['signed', 'executed', 'superseded'] as const;
export type BaaStatus = (typeof BAA_STATUSES)[number];

export interface BaasTable {
  id: string;
  org_id: string;
  template_version: string;
  document: string;
  document_sha256: string;
  status: BaaStatus;
  signer_user_id: string;
  signer_email: string;
  signer_name: string;
  signer_title: string;
  signed_at: Timestamp;
  signed_ip: string | null;
  countersigner_user_id: string | null;
  countersigner_email: string | null;
  countersigner_name: string | null;
  countersigner_title: string | null;
  countersigned_at: Timestamp | null;
  countersigned_ip: string | null;
  superseded_at: Timestamp | null;
}

export interface DestructionCertificatesTable {
  id: string;
  org_id: string;
  project_id: string;
  document: string;
  signature: Buffer;
  key_id: string;
  issued_at: Timestamp;
}

/** The business associate set at runtime (one row at most; ward.yaml's is used while none). */
export interface BusinessAssociateTable {
  singleton: ColumnType<boolean, boolean | undefined, never>;
  legal_name: string;
  address: string;
  updated_at: Timestamp;
  updated_by: string | null;
}

export interface HipaaTables {
  baas: BaasTable;
  destruction_certificates: DestructionCertificatesTable;
  business_associate: BusinessAssociateTable;
}

export type Baa = Selectable<BaasTable>;
export type DestructionCertificate = Selectable<DestructionCertificatesTable>;
export type BusinessAssociateRow = Selectable<BusinessAssociateTable>;
