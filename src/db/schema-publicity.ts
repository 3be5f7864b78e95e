/**
 * @module db/schema-publicity
 * Row types for the compliance center's public face (migration 0072): each org's opt-in badge and
 * trust page, the operator's subprocessors (their details as versions, each taking effect at its
 * own time) and the notices HIPAA orgs were sent about changes to that list.
 */
import type { ColumnType, Generated } from 'kysely';

type Timestamp = ColumnType<Date, Date | string, Date | string>;

export interface CompliancePublicityTable {
  org_id: string;
  badge: Generated<boolean>;
  trust_page: Generated<boolean>;
  updated_by: string;
  updated_at: Timestamp;
}

export interface SubprocessorsTable {
  id: string;
  created_at: Generated<Date>;
  removal_announced_at: Timestamp | null;
  removal_effective_at: Timestamp | null;
}

export interface SubprocessorVersionsTable {
  subprocessor_id: string;
  effective_at: Timestamp;
  name: string;
  purpose: string;
  location: string;
  phi: boolean;
  announced_at: Generated<Date>;
}

export const NOTICE_CHANGES = ['added', 'changed', 'removed'] as const;
export type NoticeChange = (typeof NOTICE_CHANGES)[number];

export interface ComplianceNoticesTable {
  id: string;
  org_id: string;
  subprocessor_id: string;
  change: NoticeChange;
  summary: string;
  effective_at: Timestamp;
  created_at: Generated<Date>;
}

export interface PublicityTables {
  compliance_publicity: CompliancePublicityTable;
  subprocessors: SubprocessorsTable;
  subprocessor_versions: SubprocessorVersionsTable;
  compliance_notices: ComplianceNoticesTable;
}
