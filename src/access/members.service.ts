/**
 * @module access/members
 * Changing a member's role and removing a member. Owners and admins manage members, but only an
 * owner gives or takes the owner role, and an org always keeps an owner. Removal revokes
 * everything at once (access/revocation.ts).
 */
import type { AuditService } from '../audit/index.js';
import type { Db, OrgRole } from '../db/index.js';
import type { IdentityService } from '../identity/index.js';
import type { RequestContext } from '../lib/context.js';
import { forbidden, notFound } from '../lib/errors.js';
import type { MemberView, OrgService } from '../orgs/index.js';
import { authorize } from '../policy/index.js';
import { keepAnOwner, revokeMembership } from './revocation.js';

export function createMemberService(deps: {
  db: Db;
  audit: AuditService;
  orgs: OrgService;
  identity: IdentityService;
}) {
  const { audit, orgs, identity } = deps;

  async function memberOf(orgId: string, userId: string) {
    const m = await orgs.member(orgId, userId);
    if (!m) throw notFound(`no member '${userId}' in this organization`);
    return m;
  }

  async function update(
    ctx: RequestContext,
    orgRef: string,
    userId: string,
    role: OrgRole,
  ): Promise<MemberView> {
    const a = await orgs.access(ctx, orgRef);
    const m = await memberOf(a.org.id, userId);
    const target = { type: 'member' as const, id: `${a.org.id}/${userId}`, name: m.email };
    const view = await audit.mutate(
      ctx,
      {
        action: 'org.member.update',
        chain: a.org.id,
        target,
        details: { user_id: userId, email: m.email, from: m.role, to: role },
      },
      async (tx) => {
        authorize(ctx, a, 'member.manage');
        if ((role === 'owner' || m.role === 'owner') && a.role !== 'owner')
          throw forbidden('only an owner can give or take the owner role');
        if (m.role === 'owner' && role !== 'owner') await keepAnOwner(tx, a.org.id, a.org.name, 'owner');
        await tx
          .updateTable('org_members')
          .set({ role })
          .where('org_id', '=', a.org.id)
          .where('user_id', '=', userId)
          .execute();
        return { user_id: userId, email: m.email, name: m.name, role, added_at: m.created_at.toISOString() };
      },
    );
    identity.forget(userId);
    return view;
  }

  async function remove(ctx: RequestContext, orgRef: string, userId: string): Promise<void> {
    const a = await orgs.access(ctx, orgRef);
    const m = await memberOf(a.org.id, userId);
    const target = { type: 'member' as const, id: `${a.org.id}/${userId}`, name: m.email };
    await audit.mutate(
      ctx,
      {
        action: 'org.member.remove',
        chain: a.org.id,
        target,
        details: { user_id: userId, email: m.email, role: m.role, revoked_tokens: 0, revoked_grants: 0 },
      },
      async (tx, draft) => {
        authorize(ctx, a, 'member.manage');
        if (m.role === 'owner' && a.role !== 'owner') throw forbidden('only an owner can remove an owner');
        await keepAnOwner(tx, a.org.id, a.org.name, m.role);
        Object.assign(draft.details, await revokeMembership(tx, identity.accounts, a.org.id, userId));
      },
    );
    identity.forget(userId);
  }

  return { update, remove };
}

export type MemberService = ReturnType<typeof createMemberService>;
