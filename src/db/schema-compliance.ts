/**
 * @module db/schema-compliance
 * Row types for the compliance center (migrations 0070, 0073): control states, daily snapshots,
 * attestations, addressable decisions and signed reports. Kept beside db/schema.ts, whose `DB` includes them.
 */
import type { ColumnType, Generated, Selectable } from 'kysely';

type Timestamp = ColumnType<Date, Date | string, Date | string>;
/** A `date` column: pg returns it as 'YYYY-MM-DD' (Ward sets the parser; see db/pool.ts). */
type DateOnly = ColumnType<string, string, string>;

export const CONTROL_STATES = ['passing', 'failing', 'attested', 'alternative', 'not_applicable'] as const;
export type ControlState = (typeof CONTROL_STATES)[number];

export const DECISIONS = ['implemented', 'alternative', 'not_reasonable', 'not_applicable'] as const;
export type DecisionKind = (typeof DECISIONS)[number];

export interface ComplianceStatesTable {
  org_id: string;
  control_id: string;
  state: ControlState;
  /** The state before the last change (null until the control first changes). */
  previous_state: ControlState | null;
  since: Timestamp;
  message: string;
  checked_at: Timestamp;
}

export interface ComplianceSnapshotsTable {
  org_id: string;
  day: DateOnly;
  required_score: number;
  addressable_score: number;
  required_met: boolean;
  states: ColumnType<Record<string, ControlState>, string, string>;
  taken_at: Timestamp;
}

export interface ComplianceAttestationsTable {
  id: string;
  org_id: string;
  control_id: string;
  statement: string;
  file_name: string;
  content_type: string;
  size_bytes: number;
  sha256: string;
  document: Buffer;
  review_by: DateOnly;
  attested_by: string;
  attested_at: Generated<Date>;
}

export interface ComplianceDecisionsTable {
  id: string;
  org_id: string;
  control_id: string;
  decision: DecisionKind;
  rationale: string;
  decided_by: string;
  decided_at: Generated<Date>;
  expires_at: Timestamp;
}

/** An issued compliance report: the signed canonical JSON, its signature and the scores it states. */
export interface ComplianceReportsTable {
  id: string;
  org_id: string;
  document: string;
  sha256: string;
  signature: Buffer;
  key_id: string;
  required_score: number;
  addressable_score: number;
  required_met: boolean;
  issued_at: Timestamp;
}

export interface ComplianceTables {
  compliance_states: ComplianceStatesTable;
  compliance_snapshots: ComplianceSnapshotsTable;
  compliance_attestations: ComplianceAttestationsTable;
  compliance_decisions: ComplianceDecisionsTable;
  compliance_reports: ComplianceReportsTable;
}

export type ComplianceAttestation = Selectable<ComplianceAttestationsTable>;
export type ComplianceDecision = Selectable<ComplianceDecisionsTable>;
export type ComplianceReport = Selectable<ComplianceReportsTable>;
