/**
 * @module backups/schemas
 * Request and response shapes for backups, restores, drills, the org's backup policy and
 * operations; shared with the HTTP edge and the OpenAPI document.
 */
import { z } from 'zod';
import { BACKUP_TYPES, OPERATION_KINDS, OPERATION_STATUSES } from '../db/index.js';
import { slugSchema } from '../lib/schemas.js';

export const operationId = z
  .string()
  .regex(/^op_[a-z2-7]{16}$/, 'an operation id looks like op_ followed by 16 characters');

/** A pgBackRest backup label, e.g. 20261122-101500F or 20261122-101500F_20261123-031500D. */
export const backupLabel = z
  .string()
  .max(40)
  .regex(
    /^\d{8}-\d{6}F(_\d{8}-\d{6}[DI])?$/,
    'a backup id looks like 20261122-101500F (see ward backup list)',
  );

export const createBackupBody = z.strictObject({ type: z.enum(BACKUP_TYPES).optional() }).nullish();

export const restoreBody = z
  .strictObject({
    name: slugSchema,
    region_id: z.string().min(1).max(40),
    backup_id: backupLabel.optional(),
    target_time: z.iso
      .datetime({ offset: true, message: 'target_time is an ISO 8601 time such as 2026-11-22T10:15:00Z' })
      .optional(),
  })
  .refine((b) => !(b.backup_id && b.target_time), 'give backup_id or target_time, not both');

export const policyBody = z.strictObject({
  daily_at: z
    .string()
    .regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'daily_at is a time of day in UTC such as 03:00')
    .optional(),
  retention_days: z.number().int().min(7).max(35).optional(),
});

export const backupView = z.object({
  id: z.string(),
  type: z.enum(BACKUP_TYPES),
  prior: z.string().nullable(),
  started_at: z.string(),
  stopped_at: z.string(),
  wal_start: z.string().nullable(),
  wal_stop: z.string().nullable(),
  lsn_start: z.string().nullable(),
  lsn_stop: z.string().nullable(),
  size_bytes: z.number(),
  repository_bytes: z.number(),
  encrypted: z.boolean(),
  cipher: z.string(),
});

export const operationView = z.object({
  id: z.string(),
  kind: z.enum(OPERATION_KINDS),
  trigger: z.enum(['manual', 'schedule']),
  org_id: z.string(),
  project_id: z.string(),
  target_project_id: z.string().nullable(),
  status: z.enum(OPERATION_STATUSES),
  phase: z.string(),
  percent: z.number(),
  error: z.string().nullable(),
  attempts: z.number(),
  params: z.record(z.string(), z.unknown()),
  result: z.record(z.string(), z.unknown()).nullable(),
  created_at: z.string(),
  started_at: z.string().nullable(),
  finished_at: z.string().nullable(),
});

export const drillView = z.object({
  status: z.enum(['green', 'red', 'none', 'running']),
  operation_id: z.string().nullable(),
  at: z.string().nullable(),
  error: z.string().nullable(),
});

export const policyView = z.object({
  org_id: z.string(),
  daily_at: z.string(),
  retention_days: z.number(),
});

export const backupList = z.object({
  project_id: z.string(),
  backups: z.array(backupView),
  policy: policyView,
  /** Where the project's repository is: Ward's disk, or an S3 bucket and prefix. */
  repository: z.object({ type: z.enum(['local', 's3']), location: z.string() }),
  drill: drillView,
  /** The earliest and latest moment a restore can reach (null until the first backup). */
  restorable: z.object({ from: z.string(), to: z.string() }).nullable(),
  operations: z.array(operationView),
});

export type BackupView = z.infer<typeof backupView>;
export type OperationView = z.infer<typeof operationView>;
export type DrillView = z.infer<typeof drillView>;
export type RestoreBody = z.infer<typeof restoreBody>;
export type PolicyBody = z.infer<typeof policyBody>;
