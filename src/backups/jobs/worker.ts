/**
 * @module backups/jobs/worker
 * Works the queue: each job names an operation; its runner runs under the project's lock, its
 * progress goes to the operation, and its end — success, a verdict, or the last failed attempt —
 * is recorded with the operation in one audited transaction (as Ward itself, SYSTEM). An attempt
 * that fails for any other reason goes back to the queue and is retried with backoff.
 */
import type PgBoss from 'pg-boss';
import type { AuditAction, EventSpec } from '../../audit/index.js';
import type { Operation, OperationKind, Tx } from '../../db/index.js';
import { SYSTEM } from '../../lib/context.js';
import { findProjectById, setProjectStatus } from '../../projects/index.js';
import * as ops from '../operations.js';
import { runBackup } from './backup-job.js';
import { type JobDeps, OperationFailed, type Runner } from './context.js';
import { runDrill } from './drill-job.js';
import { withProjectLocks } from './lock.js';
import type { JobData } from './queue.js';
import { runRestore } from './restore-job.js';
import { runVerify } from './verify-job.js';

const RUNNERS: Record<OperationKind, Runner> = {
  backup: runBackup,
  restore: runRestore,
  verify: runVerify,
  drill: runDrill,
};

const FINISH_ACTION: Record<OperationKind, AuditAction> = {
  backup: 'backup.finish',
  restore: 'backup.restore.finish',
  verify: 'backup.verify.finish',
  drill: 'backup.drill.finish',
};

interface Ending {
  ok: boolean;
  error?: string;
  result?: Record<string, unknown>;
}

/** The finishing event's details: what a person reading the audit log needs, never secrets. */
function details(op: Operation, end: Ending): Record<string, unknown> {
  const r = end.result ?? {};
  const base = { operation_id: op.id, trigger: op.trigger, ...(end.error ? { reason: end.error } : {}) };
  if (op.kind === 'backup')
    return {
      ...base,
      type: r.type ?? op.params.type ?? null,
      backup_id: r.backup_id ?? null,
      size_bytes: r.size_bytes ?? null,
      duration_ms: r.duration_ms ?? null,
    };
  if (op.kind === 'verify') return { ...base, backups: r.backups ?? null, problems: r.problems ?? [] };
  if (op.kind === 'drill')
    return { ...base, backup_id: r.backup_id ?? null, green: end.ok && r.green === true };
  const report = r.report as { identical?: boolean } | null | undefined;
  return {
    ...base,
    source_project_id: op.project_id,
    timeline: r.timeline ?? null,
    identical: report ? report.identical === true : null,
  };
}

export function createWorker(deps: JobDeps) {
  const { db, audit, log } = deps;

  async function conclude(op: Operation, end: Ending): Promise<void> {
    const project = await findProjectById(db, op.target_project_id ?? op.project_id);
    const target = {
      type: 'project' as const,
      id: op.target_project_id ?? op.project_id,
      ...(project ? { name: project.name } : {}),
    };
    await audit.mutate(
      SYSTEM,
      {
        action: FINISH_ACTION[op.kind],
        chain: op.org_id,
        target,
        outcome: end.ok ? 'success' : 'failure',
        details: details(op, end),
      } as EventSpec,
      async (tx: Tx) => {
        await ops.finish(tx, op.id, {
          status: end.ok ? 'succeeded' : 'failed',
          error: end.error ?? null,
          result: end.result,
        });
        if (op.kind === 'restore' && op.target_project_id)
          await setProjectStatus(
            tx,
            op.target_project_id,
            end.ok ? 'running' : 'failed',
            end.ok ? null : `restoring failed: ${end.error}. Delete this project and try again`,
          );
      },
    );
    if (op.kind === 'restore' && op.target_project_id) {
      if (end.ok)
        await deps.backupSoon(op.target_project_id).catch((err) => log.error({ err }, 'no first backup'));
      else await deps.dataplane.stop(op.target_project_id).catch(() => undefined);
    }
    if (!end.ok && (op.kind === 'drill' || op.kind === 'backup' || op.kind === 'verify'))
      deps.alert(op.org_id, op.kind === 'drill' ? 'backup.drill.red' : `backup.${op.kind}.failed`, {
        project_id: op.project_id,
        operation_id: op.id,
        error: end.error,
      });
  }

  /** The pg-boss handler. Rejects only to have pg-boss retry the job. */
  async function handle(job: PgBoss.JobWithMetadata<JobData>): Promise<void> {
    const op = await ops.findOperation(db, job.data.operation_id);
    if (!op || op.status === 'succeeded' || op.status === 'failed') return;
    const progress = ops.progressReporter(db, op.id);
    const projects = [op.project_id, ...(op.target_project_id ? [op.target_project_id] : [])];
    try {
      const result = await withProjectLocks(
        deps.pool,
        projects,
        () =>
          void ops
            .markQueued(db, op.id, 'waiting for another job on this project', null)
            .catch((err) => log.warn({ err, op: op.id }, 'could not note that the operation waits')),
        async () => {
          await ops.markRunning(db, op.id, 'starting');
          return RUNNERS[op.kind](deps, op, progress);
        },
      );
      await progress.flush();
      await conclude(op, { ok: true, result });
    } catch (err) {
      await progress.flush();
      const message = (err as Error).message;
      const verdict = err instanceof OperationFailed;
      if (!verdict && job.retryCount < job.retryLimit) {
        log.warn({ operation: op.id, err: message }, 'operation attempt failed; it will be retried');
        await ops.markQueued(db, op.id, `waiting to retry (attempt ${job.retryCount + 1} failed)`, message);
        throw err;
      }
      log.error({ operation: op.id, err: message }, 'operation failed');
      await conclude(op, { ok: false, error: message, result: verdict ? err.result : undefined });
    }
  }

  return { handle };
}
