/**
 * @module access/revocation
 * What removing someone from an org takes away, in the caller's transaction: their membership,
 * their grants on the org's projects, their live break-glass access there, and every session and
 * token and short-lived database credential they hold (a person signs in again; their other orgs
 * are untouched otherwise). The gateway re-validates every live
 * connection against this state, so open connections end too. A service account removed this
 * way is disabled as well.
 */
import { sql } from 'kysely';
import type { OrgRole, Tx } from '../db/index.js';
import type { Accounts } from '../identity/index.js';
import { conflict } from '../lib/errors.js';

export async function ownerCount(tx: Tx, orgId: string): Promise<number> {
  const r = await tx
    .selectFrom('org_members')
    .innerJoin('users', 'users.id', 'org_members.user_id')
    .select((e) => e.fn.countAll<number>().as('n'))
    .where('org_members.org_id', '=', orgId)
    .where('org_members.role', '=', 'owner')
    .where('users.disabled_at', 'is', null)
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

/** Refuses to leave an org without an owner. Locks the org's memberships while it counts. */
export async function keepAnOwner(tx: Tx, orgId: string, orgName: string, losing: OrgRole): Promise<void> {
  if (losing !== 'owner') return;
  await sql`SELECT 1 FROM org_members WHERE org_id = ${orgId} FOR UPDATE`.execute(tx);
  if ((await ownerCount(tx, orgId)) <= 1)
    throw conflict(`'${orgName}' would have no owner left; make someone else owner first`);
}

export async function revokeMembership(
  tx: Tx,
  accounts: Accounts,
  orgId: string,
  userId: string,
): Promise<{ revoked_tokens: number; revoked_grants: number }> {
  const grants = await tx
    .deleteFrom('project_grants')
    .where('user_id', '=', userId)
    .where('project_id', 'in', tx.selectFrom('projects').select('id').where('org_id', '=', orgId))
    .returning('project_id')
    .execute();
  await tx
    .updateTable('break_glass')
    .set({ ended_at: sql`now()` })
    .where('org_id', '=', orgId)
    .where('user_id', '=', userId)
    .where('ended_at', 'is', null)
    .execute();
  await tx.deleteFrom('org_members').where('org_id', '=', orgId).where('user_id', '=', userId).execute();
  await tx
    .updateTable('users')
    .set({ disabled_at: sql`now()` })
    .where('id', '=', userId)
    .where('kind', '=', 'service')
    .execute();
  const revoked_tokens = await accounts.revokeAll(tx, userId);
  return { revoked_tokens, revoked_grants: grants.length };
}
