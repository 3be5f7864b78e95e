/**
 * @module backups
 * Backups with pgBackRest: one encrypted repository per project, WAL archiving through Ward,
 * scheduled backups with retention, restores (to a backup or a moment) into new projects, repository
 * verification and weekly restore drills, all as jobs on a Postgres-backed queue. `wireBackups`
 * builds the parts; `start` and `stop` run them in the order the data plane needs: the WAL socket
 * before any cluster starts and after every cluster stopped, jobs in between.
 */
import type pg from 'pg';
import type { AuditService } from '../audit/index.js';
import type { DataPlaneProvider } from '../dataplane/index.js';
import type { Db } from '../db/index.js';
import type { KeyService } from '../keys/index.js';
import { SYSTEM } from '../lib/context.js';
import type { Logger } from '../lib/logger.js';
import type { OrgService } from '../orgs/index.js';
import { findProjectById } from '../projects/index.js';
import { projectEncryption, type RegionCatalog } from '../regions/index.js';
import { type BackupService, createBackupService } from './backups.service.js';
import { expireBackups } from './jobs/backup-job.js';
import type { JobDeps } from './jobs/context.js';
import { createJobQueue, type QueueSettings } from './jobs/queue.js';
import { createWorker } from './jobs/worker.js';
import type { BackupPaths } from './paths.js';
import { createPgBackRest } from './pgbackrest/pgbackrest.js';
import { createRepositories, type Repositories } from './repository.js';
import { createRequests } from './requests.js';
import { createRestoreService, type RestoreService } from './restore.service.js';
import { createScheduler } from './scheduler.js';
import type { RepositoryStorage } from './storage.js';
import { createWalServer } from './wal/server.js';

export { installJobQueues } from './jobs/queue.js';
export { prepareBackupPaths } from './paths.js';
export { storageFromConfig } from './storage.js';
export { archiveCommand } from './wal/server.js';

export interface BackupSettings extends QueueSettings {
  tickMs: number;
  drillEveryMs: number;
  processMax: number;
}

export interface BackupsEdge {
  backups: BackupService;
  restores: RestoreService;
}

export function wireBackups(deps: {
  db: Db;
  pool: pg.Pool;
  audit: AuditService;
  keys: KeyService;
  orgs: OrgService;
  regions: RegionCatalog;
  dataplane: DataPlaneProvider;
  paths: BackupPaths;
  /** Where the repositories are (backups/storage). */
  storage: RepositoryStorage;
  log: Logger;
  settings: BackupSettings;
  alert: JobDeps['alert'];
}) {
  const log = deps.log.child({ component: 'backups' });
  // Two runners: stopping the jobs' pgBackRest processes must not stop WAL archiving.
  const pgbackrest = createPgBackRest({ workDir: deps.paths.work, processMax: deps.settings.processMax });
  const archiver = createPgBackRest({ workDir: deps.paths.work });
  const repos: Repositories = createRepositories({ ...deps, pgbackrest });
  const wal = createWalServer({
    socket: deps.paths.socket,
    dataplane: deps.dataplane,
    pgbackrest: archiver,
    log,
    async archiveTarget(projectId) {
      const p = await findProjectById(deps.db, projectId);
      if (!p) throw new Error(`no project ${projectId} to archive WAL for`);
      await repos.ensureStanza(p);
      return repos.target(p);
    },
  });
  const queue = createJobQueue(deps.pool, deps.settings);
  const requests = createRequests({ db: deps.db, audit: deps.audit, queue });
  const jobDeps: JobDeps = {
    db: deps.db,
    pool: deps.pool,
    audit: deps.audit,
    repos,
    pgbackrest,
    recovery: { pgbackrest, wal, paths: deps.paths },
    dataplane: deps.dataplane,
    diskEncryption: (p) => projectEncryption(deps.regions.get(p.region_id)),
    log,
    alert: deps.alert,
    async backupSoon(projectId) {
      const p = await findProjectById(deps.db, projectId);
      if (p) await requests.request(SYSTEM, p, null, 'backup', 'schedule', { type: 'full' });
    },
    now: () => new Date(),
  };
  const worker = createWorker(jobDeps);
  const scheduler = createScheduler({
    db: deps.db,
    audit: deps.audit,
    repos,
    requests,
    log,
    tickMs: deps.settings.tickMs,
    drillEveryMs: deps.settings.drillEveryMs,
  });
  const edge: BackupsEdge = {
    backups: createBackupService({ db: deps.db, audit: deps.audit, orgs: deps.orgs, requests, repos }),
    restores: createRestoreService({ ...deps, repos, requests }),
  };

  return {
    edge,
    repos,
    scheduler,
    /** Applies retention as of `now` (the backup job does this after every backup). */
    expire: (projectId: string, now?: Date) =>
      findProjectById(deps.db, projectId).then((p) => (p ? expireBackups(jobDeps, p, now) : [])),
    /** Before any cluster starts: their archive_command needs the socket. */
    startWal: () => wal.start(),
    /** After the clusters are running: jobs left active by a stopped Ward are retried. */
    async startJobs(): Promise<void> {
      const interrupted = await queue.start(worker.handle, (err) =>
        log.error({ err: err.message }, 'job queue error'),
      );
      if (interrupted) log.warn({ interrupted }, 'jobs interrupted by the last stop will run again');
      scheduler.start();
    },
    async stopJobs(): Promise<void> {
      await scheduler.stop();
      pgbackrest.stopAll();
      await queue.stop();
    },
    /** After every cluster stopped (they archive their last WAL while stopping). */
    stopWal: () => wal.stop(),
  };
}

export type BackupParts = ReturnType<typeof wireBackups>;
export {
  backupList,
  createBackupBody,
  operationId,
  operationView,
  policyBody,
  policyView,
  restoreBody,
} from './backups.schemas.js';
export type { BackupPaths } from './paths.js';
