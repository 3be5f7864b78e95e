/**
 * @module db/schema-backups
 * Row types for backups (migration 0040): each project's pgBackRest repository, the catalog of its
 * backups, each org's schedule and retention, and operations (long work shown with progress).
 * Kept beside db/schema.ts, whose `DB` includes them.
 */
import type { ColumnType, Generated, Selectable } from 'kysely';

type Timestamp = ColumnType<Date, Date | string, Date | string>;
type DefaultTimestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
type Json<T> = ColumnType<T, string | undefined, string>;
type NullableJson<T> = ColumnType<T | null, string | null | undefined, string | null>;

export const BACKUP_TYPES = ['full', 'diff', 'incr'] as const;
export type BackupType = (typeof BACKUP_TYPES)[number];
export const OPERATION_KINDS = ['backup', 'restore', 'verify', 'drill'] as const;
export type OperationKind = (typeof OPERATION_KINDS)[number];
export const OPERATION_STATUSES = ['queued', 'running', 'succeeded', 'failed'] as const;
export type OperationStatus = (typeof OPERATION_STATUSES)[number];
export type OperationTrigger = 'manual' | 'schedule';

export interface BackupRepositoriesTable {
  project_id: string;
  org_id: string;
  cipher_pass_sealed: Buffer | null;
  /** 'local', or the bucket as backups/storage `locator` names it (migration 0041). */
  storage: string;
  stanza_created_at: NullableTimestamp;
  created_at: DefaultTimestamp;
  deleted_at: NullableTimestamp;
}

export interface BackupsTable {
  project_id: string;
  label: string;
  type: BackupType;
  prior: string | null;
  started_at: Timestamp;
  stopped_at: Timestamp;
  wal_start: string | null;
  wal_stop: string | null;
  lsn_start: string | null;
  lsn_stop: string | null;
  size_bytes: number;
  repository_bytes: number;
  cipher: string;
}

export interface BackupPoliciesTable {
  org_id: string;
  daily_at: Generated<string>;
  retention_days: Generated<number>;
  updated_at: DefaultTimestamp;
  updated_by: string | null;
}

export interface OperationsTable {
  id: string;
  org_id: string;
  project_id: string;
  target_project_id: string | null;
  kind: OperationKind;
  trigger: OperationTrigger;
  status: OperationStatus;
  phase: string;
  percent: Generated<number>;
  error: string | null;
  params: Json<Record<string, unknown>>;
  result: NullableJson<Record<string, unknown>>;
  attempts: Generated<number>;
  created_by: string | null;
  created_at: DefaultTimestamp;
  started_at: NullableTimestamp;
  finished_at: NullableTimestamp;
  updated_at: DefaultTimestamp;
}

export interface BackupTables {
  backup_repositories: BackupRepositoriesTable;
  backups: BackupsTable;
  backup_policies: BackupPoliciesTable;
  operations: OperationsTable;
}

export type BackupRow = Selectable<BackupsTable>;
export type Operation = Selectable<OperationsTable>;
export type BackupPolicy = Selectable<BackupPoliciesTable>;
