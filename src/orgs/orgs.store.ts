/**
 * @module orgs/store
 * SQL for organizations and their members.
 */
import { sql } from 'kysely';
import type { Db, Org, OrgRole, Tx } from '../db/index.js';
import { looksLikeId } from '../lib/ids.js';

type Q = Db | Tx;

export const findOrg = (q: Q, ref: string): Promise<Org | undefined> =>
  q
    .selectFrom('orgs')
    .selectAll()
    .where(looksLikeId(ref, 'org') ? 'id' : 'name', '=', ref)
    .executeTakeFirst();

export type OrgWithRole = Org & { role: OrgRole | null };

/** The org named by id or name, and `userId`'s role in it (null when not a member): one query. */
export async function findOrgWithRole(q: Q, ref: string, userId: string): Promise<OrgWithRole | undefined> {
  const byId = looksLikeId(ref, 'org');
  const { rows } = await sql<OrgWithRole>`
    SELECT o.*, m.role
      FROM orgs o LEFT JOIN org_members m ON m.org_id = o.id AND m.user_id = ${userId}
     WHERE ${byId ? sql`o.id` : sql`o.name`} = ${ref}`.execute(q);
  return rows[0];
}

export const lockOrg = (q: Q, id: string): Promise<Org | undefined> =>
  q.selectFrom('orgs').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();

export const roleOf = async (q: Q, orgId: string, userId: string): Promise<OrgRole | undefined> =>
  (
    await q
      .selectFrom('org_members')
      .select('role')
      .where('org_id', '=', orgId)
      .where('user_id', '=', userId)
      .executeTakeFirst()
  )?.role;

export const insertOrg = (q: Q, o: { id: string; name: string }) =>
  q.insertInto('orgs').values(o).returningAll().executeTakeFirstOrThrow();

export const updateOrg = (q: Q, id: string, set: { plan?: Org['plan']; settings?: string }) =>
  q
    .updateTable('orgs')
    .set({ ...set, updated_at: new Date() })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();

export const insertMember = (q: Q, m: { org_id: string; user_id: string; role: OrgRole }) =>
  q.insertInto('org_members').values(m).execute();

export async function orgsOf(q: Q, userId: string) {
  return q
    .selectFrom('orgs')
    .innerJoin('org_members', 'org_members.org_id', 'orgs.id')
    .selectAll('orgs')
    .select('org_members.role')
    .where('org_members.user_id', '=', userId)
    .orderBy('orgs.name')
    .execute();
}

export const allOrgs = (q: Q) => q.selectFrom('orgs').selectAll().orderBy('name').execute();

export const members = (q: Q, orgId: string) =>
  q
    .selectFrom('org_members')
    .innerJoin('users', 'users.id', 'org_members.user_id')
    .select([
      'users.id as user_id',
      'users.email',
      'users.name',
      'org_members.role',
      'org_members.created_at',
    ])
    .where('org_members.org_id', '=', orgId)
    .orderBy('org_members.created_at')
    .execute();
