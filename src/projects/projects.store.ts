/**
 * @module projects/store
 * SQL for projects.
 */
import { sql } from 'kysely';
import type { AuditDelivery, Db, NewProject, Project, ProjectStatus, Tx } from '../db/index.js';
import { looksLikeId } from '../lib/ids.js';
import type { OrgWithRole } from '../orgs/index.js';

type Q = Db | Tx;

export const insertProject = (q: Q, p: NewProject) =>
  q.insertInto('projects').values(p).returningAll().executeTakeFirstOrThrow();

export const findProject = (q: Q, id: string): Promise<Project | undefined> =>
  q
    .selectFrom('projects')
    .selectAll()
    .where('id', '=', id)
    .where('status', '<>', 'deleted')
    .executeTakeFirst();

export const lockProject = (q: Q, id: string): Promise<Project | undefined> =>
  q
    .selectFrom('projects')
    .selectAll()
    .where('id', '=', id)
    .where('status', '<>', 'deleted')
    .forUpdate()
    .executeTakeFirst();

export const findByName = (q: Q, orgId: string, name: string): Promise<Project | undefined> =>
  q
    .selectFrom('projects')
    .selectAll()
    .where('org_id', '=', orgId)
    .where('name', '=', name)
    .where('status', '<>', 'deleted')
    .executeTakeFirst();

export type ProjectRow = Project & { cursor_at: string };

/**
 * The org named by `ref` with `userId`'s role in it, and a page of its live projects (oldest
 * first, after the cursor), in one round trip: this runs for every project listing. The cursor
 * carries created_at to the microsecond, as stored (a JS Date would round it to milliseconds).
 */
export async function orgAndProjects(
  q: Q,
  ref: string,
  userId: string,
  limit: number,
  after?: { created_at: string; id: string },
): Promise<{ org: OrgWithRole | undefined; projects: ProjectRow[] }> {
  const { rows } = await sql<{ org: OrgWithRole; project: ProjectRow | null }>`
    SELECT to_jsonb(o) || jsonb_build_object('role', m.role) AS org, to_jsonb(p) AS project
      FROM orgs o
      LEFT JOIN org_members m ON m.org_id = o.id AND m.user_id = ${userId}
      LEFT JOIN LATERAL (
        SELECT x.*, to_char(x.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS cursor_at
          FROM projects x
         WHERE x.org_id = o.id AND x.status <> 'deleted'
           AND (${after === undefined} OR (x.created_at, x.id) > (${after?.created_at ?? null}::timestamptz, ${after?.id ?? ''}))
         ORDER BY x.created_at, x.id
         LIMIT ${limit + 1}
      ) p ON true
     WHERE ${looksLikeId(ref, 'org') ? sql`o.id` : sql`o.name`} = ${ref}
     ORDER BY p.created_at, p.id`.execute(q);
  const first = rows[0];
  if (!first) return { org: undefined, projects: [] };
  const dates = <T extends { created_at: unknown; updated_at: unknown }>(r: T) => ({
    ...r,
    created_at: new Date(r.created_at as string),
    updated_at: new Date(r.updated_at as string),
  });
  return {
    org: dates(first.org),
    projects: rows.flatMap((r) => (r.project ? [{ ...dates(r.project), deleted_at: null }] : [])),
  };
}

export const projectsWithStatus = (q: Q, statuses: ProjectStatus[]) =>
  q.selectFrom('projects').selectAll().where('status', 'in', statuses).orderBy('created_at').execute();

export const setStatus = (q: Q, id: string, status: ProjectStatus, reason: string | null = null) =>
  q
    .updateTable('projects')
    .set({
      status,
      status_reason: reason,
      updated_at: new Date(),
      ...(status === 'deleted' ? { deleted_at: new Date() } : {}),
    })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirst();

export const renameProject = (q: Q, id: string, name: string) =>
  q
    .updateTable('projects')
    .set({ name, updated_at: new Date() })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();

export const setAuditDelivery = (q: Q, id: string, delivery: AuditDelivery) =>
  q
    .updateTable('projects')
    .set({ audit_delivery: delivery, updated_at: new Date() })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();

export const setAllowPlaintext = (q: Q, id: string, allowed: boolean) =>
  q
    .updateTable('projects')
    .set({ allow_plaintext: allowed, updated_at: new Date() })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
