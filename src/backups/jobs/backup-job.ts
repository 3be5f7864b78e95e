/**
 * @module backups/jobs/backup-job
 * Takes a backup of a running project (full unless asked otherwise; scheduled ones are full once
 * a week and differential between), then enforces the org's retention (backups/retention.ts),
 * recording what it removed as `backup.expire`, and brings the catalog up to date.
 */
import { inTransaction } from '../../db/index.js';
import { SYSTEM } from '../../lib/context.js';
import { findProjectById } from '../../projects/index.js';
import * as store from '../backups.store.js';
import { progressOf } from '../pgbackrest/info.js';
import type { ProjectRef } from '../repository.js';
import { fullBackupsToKeep, scheduledType } from '../retention.js';
import { type JobDeps, OperationFailed, type Runner } from './context.js';

/** Applies retention as of `now`; returns the backups it removed (recorded as backup.expire). */
export async function expireBackups(deps: JobDeps, p: ProjectRef, now = deps.now()): Promise<string[]> {
  const policy = await store.policyOf(deps.db, p.org_id);
  const keep = fullBackupsToKeep(await deps.repos.backups(p), policy.retention_days, now);
  await deps.pgbackrest.run(await deps.repos.target(p, false), 'expire', [`--repo1-retention-full=${keep}`]);
  const records = await deps.repos.backups(p);
  const labels = new Set(records.map((r) => r.label));
  const removed = (await store.listBackups(deps.db, p.id)).map((b) => b.label).filter((l) => !labels.has(l));
  if (removed.length === 0) {
    await inTransaction(deps.db, (tx) => store.syncCatalog(tx, p.id, records));
    return [];
  }
  await deps.audit.mutate(
    SYSTEM,
    {
      action: 'backup.expire',
      chain: p.org_id,
      target: { type: 'project', id: p.id, name: p.name },
      details: { removed, kept: records.length, retention_days: policy.retention_days },
    },
    (tx) => store.syncCatalog(tx, p.id, records),
  );
  return removed;
}

export const runBackup: Runner = async (deps, op, progress) => {
  const project = await findProjectById(deps.db, op.project_id);
  if (project?.status !== 'running')
    throw new OperationFailed(
      `project ${op.project_id} is ${project?.status ?? 'deleted'}; only a running project can be backed up`,
    );
  progress.report('preparing', 0);
  await deps.repos.ensureStanza(project);
  const type =
    (op.params.type as string | undefined) ??
    (op.trigger === 'schedule' ? scheduledType(await deps.repos.backups(project), deps.now()) : 'full');
  const started = Date.now();
  progress.report('copying files', 1);
  await deps.pgbackrest.run(
    await deps.repos.target(project),
    'backup',
    [`--type=${type}`, '--log-level-console=detail', '--no-expire-auto'],
    {
      onLine: (line) => {
        const pct = progressOf(line);
        if (pct !== undefined) progress.report('copying files', Math.min(95, pct * 0.95));
      },
    },
  );
  const durationMs = Date.now() - started;
  progress.report('applying retention', 96);
  const removed = await expireBackups(deps, project);
  const newest = (await store.listBackups(deps.db, project.id))[0];
  return {
    backup_id: newest?.label ?? null,
    type,
    size_bytes: newest?.size_bytes ?? null,
    repository_bytes: newest?.repository_bytes ?? null,
    wal_start: newest?.wal_start ?? null,
    wal_stop: newest?.wal_stop ?? null,
    duration_ms: durationMs,
    expired: removed,
  };
};
