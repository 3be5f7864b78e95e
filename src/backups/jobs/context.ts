/**
 * @module backups/jobs/context
 * What the job runners share: their dependencies, and how a run ends. A runner resolves with the
 * operation's result or throws; `OperationFailed` (operation-failed.ts) is a verdict that a retry
 * would not change, anything else is retried with backoff.
 */
import type pg from 'pg';
import type { AuditService } from '../../audit/index.js';
import type { DataPlaneProvider, DiskEncryption } from '../../dataplane/index.js';
import type { Db, Operation, Project } from '../../db/index.js';
import type { Logger } from '../../lib/logger.js';
import type { Progress } from '../operations.js';
import type { PgBackRest } from '../pgbackrest/pgbackrest.js';
import type { RecoveryDeps } from '../recovery.js';
import type { Repositories } from '../repository.js';

export { OperationFailed } from './operation-failed.js';

export interface JobDeps {
  db: Db;
  pool: pg.Pool;
  audit: AuditService;
  repos: Repositories;
  pgbackrest: PgBackRest;
  recovery: RecoveryDeps;
  dataplane: DataPlaneProvider;
  /** How a cluster made for project `p` (its restore, its drill) is encrypted: its region's rule. */
  diskEncryption(p: Project): DiskEncryption;
  log: Logger;
  /** Sends an alert to the org's webhook (a red drill, a failed backup); never throws. */
  alert(orgId: string, alert: string, payload: Record<string, unknown>): void;
  /** Asks for a backup of a project Ward just made (a restored one). */
  backupSoon(projectId: string): Promise<void>;
  now(): Date;
}

export type Runner = (deps: JobDeps, op: Operation, progress: Progress) => Promise<Record<string, unknown>>;
