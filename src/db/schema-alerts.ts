/**
 * @module db/schema-alerts
 * Row types for the alert rules over the audit stream (migration 0074): each org's setting of a
 * built-in rule, its working hours and e-mail recipients, the rules' state per audit chain, the
 * alerts they raised and each alert's deliveries.
 */
import type { ColumnType, Generated } from 'kysely';

type Timestamp = ColumnType<Date, Date | string, Date | string>;
type Json<T> = ColumnType<T, string, string>;

export interface AlertRulesTable {
  org_id: string;
  rule: string;
  enabled: boolean;
  threshold: number;
  window_seconds: number;
  updated_by: string;
  updated_at: Generated<Date>;
}

export interface AlertSettingsTable {
  org_id: string;
  work_start: number | null;
  work_end: number | null;
  work_days: ColumnType<number[], number[] | undefined, number[]>;
  time_zone: Generated<string>;
  email_to: ColumnType<string[], string[] | undefined, string[]>;
  updated_by: string;
  updated_at: Generated<Date>;
}

export interface AlertChainStateTable {
  chain_id: string;
  evaluated_seq: number;
  state: Json<Record<string, unknown>>;
  updated_at: Generated<Date>;
}

export const ALERT_STATUSES = ['open', 'acknowledged', 'dismissed', 'escalated'] as const;
export type AlertStatus = (typeof ALERT_STATUSES)[number];

export interface AlertsTable {
  id: string;
  org_id: string;
  rule: string;
  chain_id: string;
  seq: number;
  event_ids: string[];
  event_seqs: number[];
  title: string;
  summary: string;
  subject: Json<Record<string, unknown>>;
  event_time: Timestamp;
  raised_at: Generated<Date>;
  status: Generated<AlertStatus>;
  status_by: string | null;
  status_at: Timestamp | null;
  status_note: string | null;
  /** The incident the alert became (status escalated). */
  incident_id: Generated<string | null>;
}

export type AlertChannel = 'webhook' | 'email';

export interface AlertDeliveriesTable {
  alert_id: string;
  channel: AlertChannel;
  status: Generated<'pending' | 'sent' | 'failed' | 'skipped'>;
  attempts: Generated<number>;
  next_attempt_at: Generated<Date>;
  last_error: string | null;
  sent_at: Timestamp | null;
}

export interface AlertTables {
  alert_rules: AlertRulesTable;
  alert_settings: AlertSettingsTable;
  alert_chain_state: AlertChainStateTable;
  alerts: AlertsTable;
  alert_deliveries: AlertDeliveriesTable;
}
