/**
 * @module projects/deletion-store
 * SQL for HIPAA project deletion: scheduling, undeleting, and claiming projects whose grace
 * period has ended (an atomic claim, so several Ward processes never destroy one project twice).
 */
import { sql } from 'kysely';
import type { Db, Project, Tx } from '../db/index.js';

type Q = Db | Tx;

export const schedule = (q: Q, id: string, by: string | null, purgeAfter: Date) =>
  q
    .updateTable('projects')
    .set({
      status: 'pending_deletion',
      status_reason: null,
      purge_after: purgeAfter,
      deletion_requested_at: sql<Date>`now()`,
      deletion_requested_by: by,
      audit_export_confirmed: true,
      updated_at: new Date(),
    })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();

export const undelete = (q: Q, id: string) =>
  q
    .updateTable('projects')
    .set({
      status: 'running',
      status_reason: null,
      purge_after: null,
      deletion_requested_at: null,
      deletion_requested_by: null,
      audit_export_confirmed: false,
      updated_at: new Date(),
    })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();

/** Projects whose grace period has ended, now marked `deleting`; and any left `deleting` earlier. */
export async function claimDue(q: Q): Promise<Project[]> {
  const claimed = await q
    .updateTable('projects')
    .set({ status: 'deleting', updated_at: new Date() })
    .where('status', '=', 'pending_deletion')
    .where('purge_after', '<=', sql<Date>`now()`)
    .returningAll()
    .execute();
  const interrupted = await q
    .selectFrom('projects')
    .selectAll()
    .where('status', '=', 'deleting')
    .where('purge_after', 'is not', null)
    .execute();
  const seen = new Set(claimed.map((p) => p.id));
  return [...claimed, ...interrupted.filter((p) => !seen.has(p.id))];
}

export const markDeleted = (q: Q, id: string) =>
  q
    .updateTable('projects')
    .set({ status: 'deleted', deleted_at: new Date(), updated_at: new Date() })
    .where('id', '=', id)
    .execute();

export const markFailed = (q: Q, id: string, reason: string) =>
  q
    .updateTable('projects')
    .set({ status_reason: reason, updated_at: new Date() })
    .where('id', '=', id)
    .execute();

export const requester = (q: Q, userId: string | null) =>
  userId
    ? q.selectFrom('users').select(['id', 'email']).where('id', '=', userId).executeTakeFirst()
    : Promise.resolve(undefined);
