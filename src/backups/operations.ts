/**
 * @module backups/operations
 * Operations: long work (a backup, a restore, a repository verification, a restore drill) that a
 * job carries out and the API shows while it runs (`GET /operations/{id}`: status, phase,
 * percent, error, result). Progress is written at most twice a second.
 */
import { sql } from 'kysely';
import type { Db, Operation, OperationKind, OperationTrigger, Tx } from '../db/index.js';
import { newId } from '../lib/ids.js';
import type { OperationView } from './backups.schemas.js';

type Q = Db | Tx;

export interface NewOperation {
  org_id: string;
  project_id: string;
  target_project_id?: string | null;
  kind: OperationKind;
  trigger: OperationTrigger;
  params: Record<string, unknown>;
  created_by: string | null;
}

export const iso = (d: Date | string | null | undefined) => (d ? new Date(d).toISOString() : null);

export function operationView(op: Operation): OperationView {
  return {
    id: op.id,
    kind: op.kind,
    trigger: op.trigger,
    org_id: op.org_id,
    project_id: op.project_id,
    target_project_id: op.target_project_id,
    status: op.status,
    phase: op.phase,
    percent: Math.round(op.percent * 10) / 10,
    error: op.error,
    attempts: op.attempts,
    params: op.params,
    result: op.result,
    created_at: op.created_at.toISOString(),
    started_at: iso(op.started_at),
    finished_at: iso(op.finished_at),
  };
}

export async function insertOperation(q: Q, op: NewOperation): Promise<Operation> {
  return q
    .insertInto('operations')
    .values({
      id: newId('op'),
      org_id: op.org_id,
      project_id: op.project_id,
      target_project_id: op.target_project_id ?? null,
      kind: op.kind,
      trigger: op.trigger,
      status: 'queued',
      phase: 'queued',
      params: JSON.stringify(op.params),
      created_by: op.created_by,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export const findOperation = (q: Q, id: string) =>
  q.selectFrom('operations').selectAll().where('id', '=', id).executeTakeFirst();

/** The project's open operation of a kind (queued or running), if any. */
export const openOperation = (q: Q, projectId: string, kind: OperationKind) =>
  q
    .selectFrom('operations')
    .selectAll()
    .where('project_id', '=', projectId)
    .where('kind', '=', kind)
    .where('status', 'in', ['queued', 'running'])
    .orderBy('created_at', 'desc')
    .executeTakeFirst();

export const recentOperations = (q: Q, projectId: string, limit: number) =>
  q
    .selectFrom('operations')
    .selectAll()
    .where((eb) => eb.or([eb('project_id', '=', projectId), eb('target_project_id', '=', projectId)]))
    .orderBy('created_at', 'desc')
    .limit(limit)
    .execute();

export const lastFinished = (q: Q, projectId: string, kind: OperationKind) =>
  q
    .selectFrom('operations')
    .selectAll()
    .where('project_id', '=', projectId)
    .where('kind', '=', kind)
    .where('status', 'in', ['succeeded', 'failed'])
    .orderBy('finished_at', 'desc')
    .executeTakeFirst();

export const openOperations = (q: Q) =>
  q.selectFrom('operations').selectAll().where('status', 'in', ['queued', 'running']).execute();

export async function markRunning(q: Q, id: string, phase: string): Promise<void> {
  await q
    .updateTable('operations')
    .set((eb) => ({
      status: 'running',
      phase,
      error: null,
      attempts: eb('attempts', '+', 1),
      started_at: sql<Date>`coalesce(started_at, now())`,
      updated_at: new Date(),
    }))
    .where('id', '=', id)
    .execute();
}

export async function markQueued(q: Q, id: string, phase: string, error: string | null): Promise<void> {
  await q
    .updateTable('operations')
    .set({ status: 'queued', phase, error, updated_at: new Date() })
    .where('id', '=', id)
    .execute();
}

export async function finish(
  q: Q,
  id: string,
  outcome: { status: 'succeeded' | 'failed'; error?: string | null; result?: Record<string, unknown> },
): Promise<void> {
  await q
    .updateTable('operations')
    .set({
      status: outcome.status,
      phase: outcome.status === 'succeeded' ? 'done' : 'failed',
      percent: outcome.status === 'succeeded' ? 100 : undefined,
      error: outcome.error ?? null,
      ...(outcome.result ? { result: JSON.stringify(outcome.result) } : {}),
      finished_at: new Date(),
      updated_at: new Date(),
    })
    .where('id', '=', id)
    .execute();
}

/** Reports a phase and percentage, writing at most every 500 ms (and always on a new phase). */
export function progressReporter(db: Db, id: string) {
  let last = 0;
  let lastPhase = '';
  let pending: Promise<unknown> = Promise.resolve();
  return {
    report(phase: string, percent: number): void {
      const now = Date.now();
      if (phase === lastPhase && now - last < 500) return;
      last = now;
      lastPhase = phase;
      const p = Math.max(0, Math.min(100, percent));
      pending = pending
        .then(() =>
          db
            .updateTable('operations')
            .set({ phase, percent: p, updated_at: new Date() })
            .where('id', '=', id)
            .execute(),
        )
        .catch(() => undefined);
    },
    flush: () => pending,
  };
}

export type Progress = ReturnType<typeof progressReporter>;
