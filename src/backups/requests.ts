/**
 * @module backups/requests
 * Asking for work: an operation is recorded (with its audit event, in one transaction) and then
 * handed to the queue. A project has at most one open operation of each kind: asking again
 * answers with the open one. The job's id is derived from the operation's, so handing it over
 * again after a crash (scheduler.ts) never makes a second job.
 */
import { createHash } from 'node:crypto';
import type { AuditAction, AuditService, EventSpec } from '../audit/index.js';
import type { Db, Operation, OperationTrigger, Project } from '../db/index.js';
import type { RequestContext } from '../lib/context.js';
import { conflict } from '../lib/errors.js';
import type { OrgAccess } from '../orgs/index.js';
import { authorize } from '../policy/index.js';
import { lockProjectById } from '../projects/index.js';
import * as store from './backups.store.js';
import type { JobQueue, QueueKind } from './jobs/queue.js';
import * as ops from './operations.js';

export type RequestKind = Exclude<QueueKind, 'restore'>;

const ACTIONS: Record<RequestKind, AuditAction> = {
  backup: 'backup.create',
  verify: 'backup.verify',
  drill: 'backup.drill',
};

/** A UUID made from the operation id: pg-boss job ids are UUIDs, and a resend must be a no-op. */
export function jobIdOf(operationId: string): string {
  const h = createHash('sha256').update(operationId).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

export function createRequests(deps: { db: Db; audit: AuditService; queue: JobQueue }) {
  const { audit, queue } = deps;

  /** Hands an operation to the queue (again, harmlessly, if it was already). */
  async function dispatch(op: Operation): Promise<void> {
    const key = op.kind === 'restore' ? op.id : op.project_id;
    await queue.send(op.kind, jobIdOf(op.id), { operation_id: op.id }, key);
  }

  /**
   * Records and queues a backup, verification or drill of `project`. `org` is the caller's access
   * (null for Ward's own schedule, which needs no permission).
   */
  async function request(
    ctx: RequestContext,
    project: Project,
    org: OrgAccess | null,
    kind: RequestKind,
    trigger: OperationTrigger,
    params: Record<string, unknown> = {},
  ): Promise<Operation> {
    const op = await audit.mutate(
      ctx,
      {
        action: ACTIONS[kind],
        chain: project.org_id,
        target: { type: 'project', id: project.id, name: project.name },
        details: {
          operation_id: '',
          trigger,
          ...(kind === 'backup' ? { type: (params.type as string | undefined) ?? null } : {}),
        },
      } as EventSpec,
      async (tx, draft) => {
        if (org) authorize(ctx, org, 'backup.create');
        const current = (await lockProjectById(tx, project.id)) ?? project;
        if (kind === 'backup' && current.status !== 'running')
          throw conflict(
            `project '${current.name}' is ${current.status}; only a running project can be backed up`,
          );
        if (kind === 'drill' && (await store.listBackups(tx, project.id)).length === 0)
          throw conflict(
            `'${current.name}' has no backup to drill yet; take one first (ward backup create --project ${current.name})`,
          );
        if (kind === 'verify' && !(await store.findRepository(tx, project.id))?.stanza_created_at)
          throw conflict(`'${current.name}' has no backup repository yet; take a backup first`);
        const open = await ops.openOperation(tx, project.id, kind);
        const details = draft.details as Record<string, unknown>;
        if (open) {
          details.operation_id = open.id;
          details.already_queued = true;
          return open;
        }
        const created = await ops.insertOperation(tx, {
          org_id: project.org_id,
          project_id: project.id,
          kind,
          trigger,
          params,
          created_by: ctx.actor.type === 'user' ? ctx.actor.id : null,
        });
        details.operation_id = created.id;
        return created;
      },
    );
    await dispatch(op);
    return op;
  }

  return { request, dispatch };
}

export type Requests = ReturnType<typeof createRequests>;
