/**
 * @module db/schema-incidents
 * Row types for security incidents (migration 0075): the record, who knew when, cited audit
 * events, law-enforcement holds, notices, the append-only timeline and signed evidence packets.
 * Kept beside db/schema.ts, whose `DB` includes them.
 */
import type { ColumnType, Generated, Selectable } from 'kysely';

type Timestamp = ColumnType<Date, Date | string, Date | string>;
/** A `date` column: pg returns it as 'YYYY-MM-DD' (Ward sets the parser; see db/pool.ts). */
type DateOnly = ColumnType<string, string, string>;
type Json<T> = ColumnType<T, string, string>;

export const INCIDENT_STATUSES = ['open', 'assessing', 'notifying', 'closed'] as const;
export type IncidentStatus = (typeof INCIDENT_STATUSES)[number];

export interface IncidentsTable {
  id: string;
  org_id: string;
  title: string;
  summary: string;
  occurred_from: DateOnly | null;
  occurred_to: DateOnly | null;
  reported_by: string;
  owner_id: string | null;
  status: ColumnType<IncidentStatus, IncidentStatus | undefined, IncidentStatus>;
  role: ColumnType<
    'covered_entity' | 'business_associate',
    'covered_entity' | 'business_associate' | undefined,
    'covered_entity' | 'business_associate'
  >;
  business_associate: Json<unknown> | null;
  affected: Json<unknown>;
  assessment: Json<unknown> | null;
  created_by: string;
  created_at: Generated<Date>;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

export interface IncidentKnowledgeTable {
  id: string;
  incident_id: string;
  person: string;
  relation: 'workforce' | 'agent';
  known_on: DateOnly;
  basis: 'knew' | 'should_have_known';
  committed_breach: boolean;
  recorded_by: string;
  recorded_at: Generated<Date>;
}

export interface IncidentEventsTable {
  incident_id: string;
  event_id: string;
  linked_by: string;
  linked_at: Generated<Date>;
}

export interface IncidentHoldsTable {
  id: string;
  incident_id: string;
  kind: 'written' | 'oral';
  stated_on: DateOnly;
  until: DateOnly | null;
  official_name: string | null;
  agency: string;
  statement: string;
  file_name: string | null;
  content_type: string | null;
  size_bytes: number | null;
  sha256: string | null;
  document: Buffer | null;
  recorded_by: string;
  recorded_at: Generated<Date>;
}

export interface IncidentNoticesTable {
  id: string;
  incident_id: string;
  kind: 'individual' | 'substitute' | 'next_of_kin' | 'media' | 'secretary' | 'covered_entity';
  recipient: string;
  jurisdiction: string | null;
  content: Json<unknown>;
  ready_on: DateOnly;
  scheduled_on: DateOnly;
  delay_reason: string | null;
  sent_at: Timestamp | null;
  sent_via: 'mail' | 'email' | 'phone' | 'web' | 'media' | null;
  created_at: Generated<Date>;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

export interface IncidentTimelineTable {
  id: Generated<string>;
  incident_id: string;
  at: Generated<Date>;
  actor: string;
  action: string;
  summary: string;
}

export interface IncidentPacketsTable {
  id: string;
  incident_id: string;
  document: string;
  sha256: string;
  signature: Buffer;
  key_id: string;
  issued_at: Timestamp;
}

export interface IncidentTables {
  incidents: IncidentsTable;
  incident_knowledge: IncidentKnowledgeTable;
  incident_events: IncidentEventsTable;
  incident_holds: IncidentHoldsTable;
  incident_notices: IncidentNoticesTable;
  incident_timeline: IncidentTimelineTable;
  incident_packets: IncidentPacketsTable;
}

export type IncidentRow = Selectable<IncidentsTable>;
export type IncidentKnowledgeRow = Selectable<IncidentKnowledgeTable>;
export type IncidentHoldRow = Selectable<IncidentHoldsTable>;
export type IncidentNoticeRow = Selectable<IncidentNoticesTable>;
export type IncidentTimelineRow = Selectable<IncidentTimelineTable>;
export type IncidentPacketRow = Selectable<IncidentPacketsTable>;
