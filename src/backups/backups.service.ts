/**
 * @module backups/service
 * What the API offers about backups: a project's backups (with its policy, last drill, what can be
 * restored and recent operations), taking a backup, verifying the repository and running a drill
 * now, an operation's progress, and the org's schedule and retention.
 */
import type { AuditService } from '../audit/index.js';
import type { BackupRow, Db } from '../db/index.js';
import type { RequestContext } from '../lib/context.js';
import { notFound } from '../lib/errors.js';
import type { OrgService } from '../orgs/index.js';
import { authorize } from '../policy/index.js';
import { findProjectById } from '../projects/index.js';
import type { BackupView, DrillView, PolicyBody } from './backups.schemas.js';
import * as store from './backups.store.js';
import * as ops from './operations.js';
import type { Repositories } from './repository.js';
import type { RequestKind, Requests } from './requests.js';

const backupView = (b: BackupRow): BackupView => ({
  id: b.label,
  type: b.type,
  prior: b.prior,
  started_at: b.started_at.toISOString(),
  stopped_at: b.stopped_at.toISOString(),
  wal_start: b.wal_start,
  wal_stop: b.wal_stop,
  lsn_start: b.lsn_start,
  lsn_stop: b.lsn_stop,
  size_bytes: Number(b.size_bytes),
  repository_bytes: Number(b.repository_bytes),
  encrypted: b.cipher !== 'none',
  cipher: b.cipher,
});

export function createBackupService(deps: {
  db: Db;
  audit: AuditService;
  orgs: OrgService;
  requests: Requests;
  repos: Repositories;
}) {
  const { db, audit, orgs, requests, repos } = deps;

  /** The project and the caller's access to its org; another org's project is 404. */
  async function access(ctx: RequestContext, id: string) {
    const project = await findProjectById(db, id);
    if (!project) throw notFound(`no project '${id}'`);
    const org = await orgs.access(ctx, project.org_id).catch(() => {
      throw notFound(`no project '${id}'`);
    });
    return { project, org };
  }

  async function drill(projectId: string): Promise<DrillView> {
    const open = await ops.openOperation(db, projectId, 'drill');
    if (open?.status === 'running')
      return { status: 'running', operation_id: open.id, at: null, error: null };
    const last = await ops.lastFinished(db, projectId, 'drill');
    if (!last) return { status: 'none', operation_id: null, at: null, error: null };
    return {
      status: last.status === 'succeeded' ? 'green' : 'red',
      operation_id: last.id,
      at: ops.iso(last.finished_at),
      error: last.error,
    };
  }

  async function list(ctx: RequestContext, projectId: string) {
    const { project, org } = await access(ctx, projectId);
    authorize(ctx, org, 'backup.read');
    const backups = await store.listBackups(db, project.id);
    const policy = await store.policyOf(db, project.org_id);
    const oldest = backups[backups.length - 1];
    return {
      project_id: project.id,
      backups: backups.map(backupView),
      policy: { org_id: project.org_id, ...policy },
      repository: await repos.describe(project.id),
      drill: await drill(project.id),
      restorable: oldest ? { from: oldest.stopped_at.toISOString(), to: new Date().toISOString() } : null,
      operations: (await ops.recentOperations(db, project.id, 20)).map(ops.operationView),
    };
  }

  async function start(ctx: RequestContext, projectId: string, kind: RequestKind, params = {}) {
    const { project, org } = await access(ctx, projectId);
    return ops.operationView(await requests.request(ctx, project, org, kind, 'manual', params));
  }

  async function operation(ctx: RequestContext, id: string) {
    const op = await ops.findOperation(db, id);
    if (!op) throw notFound(`no operation '${id}'`);
    const org = await orgs.access(ctx, op.org_id).catch(() => {
      throw notFound(`no operation '${id}'`);
    });
    authorize(ctx, org, 'backup.read');
    return ops.operationView(op);
  }

  async function policy(ctx: RequestContext, orgRef: string) {
    const org = await orgs.access(ctx, orgRef);
    authorize(ctx, org, 'backup.read');
    return { org_id: org.org.id, ...(await store.policyOf(db, org.org.id)) };
  }

  async function setPolicy(ctx: RequestContext, orgRef: string, body: PolicyBody) {
    const org = await orgs.access(ctx, orgRef);
    return audit.mutate(
      ctx,
      {
        action: 'backup.policy.update',
        chain: org.org.id,
        target: { type: 'org', id: org.org.id, name: org.org.name },
        details: { changes: {} },
      },
      async (tx, draft) => {
        authorize(ctx, org, 'backup.configure');
        const now = await store.policyOf(tx, org.org.id);
        const next = { ...now, ...body };
        for (const k of ['daily_at', 'retention_days'] as const)
          if (next[k] !== now[k]) draft.details.changes[k] = { from: now[k], to: next[k] };
        const row = await store.upsertPolicy(tx, {
          org_id: org.org.id,
          daily_at: next.daily_at,
          retention_days: next.retention_days,
          updated_by: ctx.actor.type === 'user' ? ctx.actor.id : null,
        });
        return { org_id: row.org_id, daily_at: row.daily_at, retention_days: row.retention_days };
      },
    );
  }

  return {
    list,
    create: (ctx: RequestContext, id: string, type?: string) =>
      start(ctx, id, 'backup', type ? { type } : {}),
    verify: (ctx: RequestContext, id: string) => start(ctx, id, 'verify'),
    drill: (ctx: RequestContext, id: string) => start(ctx, id, 'drill'),
    operation,
    policy,
    setPolicy,
  };
}

export type BackupService = ReturnType<typeof createBackupService>;
