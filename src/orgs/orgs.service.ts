/**
 * @module orgs/service
 * Organizations: create (the creator becomes owner), list, read, plan and settings, members.
 * Another org's resources answer 404, never 403: their existence is not disclosed.
 */
import type { AuditService } from '../audit/index.js';
import type { Db, Org, OrgRole, Tx } from '../db/index.js';
import type { Accounts } from '../identity/index.js';
import type { RequestContext } from '../lib/context.js';
import { conflict, forbidden, invalid, notFound } from '../lib/errors.js';
import { newId } from '../lib/ids.js';
import { authorize, principalOf } from '../policy/index.js';
import {
  type AddMemberBody,
  AUDIT_RETENTION,
  type MemberView,
  type OrgView,
  type UpdateOrgBody,
} from './orgs.schemas.js';
import * as store from './orgs.store.js';

export interface OrgAccess {
  org: Org;
  /** The person's role in the org; null for an operator who is not a member. */
  role: OrgRole | null;
}

export const orgView = (org: Org, role: OrgRole | null): OrgView => ({
  id: org.id,
  name: org.name,
  plan: org.plan,
  hipaa_enabled: org.hipaa_enabled,
  settings: org.settings,
  role,
  created_at: org.created_at.toISOString(),
});

/** Who may do what inside an org, for the checks in this issue; docs/permissions.md grows here. */
export function requireRole(access: OrgAccess, allowed: readonly OrgRole[], what: string): OrgRole {
  if (access.role && allowed.includes(access.role)) return access.role;
  throw forbidden(`${what} needs the ${allowed.join(' or ')} role in '${access.org.name}'`);
}

/**
 * Who may see an org: its members, and the operator. Everyone else gets the same 404 as for an
 * org that does not exist. `found` is the org with the person's role, as the stores return it.
 */
export function accessRule(
  ctx: RequestContext,
  ref: string,
  found: (Org & { role: OrgRole | null }) | undefined,
): OrgAccess {
  if (!found || (!found.role && !principalOf(ctx).operator)) throw notFound(`no organization '${ref}'`);
  const { role, ...org } = found;
  return { org, role: role ?? null };
}

export function createOrgService(deps: {
  db: Db;
  audit: AuditService;
  identity: { accounts: Pick<Accounts, 'byEmail'> };
  /** Whether the org keeps its root key in its own HSM (an enterprise feature). */
  hasOwnRootKey?: (tx: Tx, orgId: string) => Promise<boolean>;
}) {
  const { db, audit } = deps;

  /** The org, if the person may see it (a member, or the operator); otherwise 404. */
  async function access(ctx: RequestContext, ref: string, q: Db | Tx = db): Promise<OrgAccess> {
    const found = await store.findOrgWithRole(q, ref, principalOf(ctx).id);
    if (found && !found.role && !principalOf(ctx).operator) {
      // Someone outside the org reached for it (another org's token, a guessed id): its chain
      // keeps a record, though the caller is told only that no such org exists.
      await audit.record(ctx, [
        {
          action: 'access.denied',
          chain: found.id,
          outcome: 'denied',
          target: { type: 'org', id: found.id, name: found.name },
          details: {
            method: '',
            route: '',
            status: 404,
            reason: 'not_a_member',
            message: `no organization '${ref}'`,
          },
        },
      ]);
    }
    return accessRule(ctx, ref, found);
  }

  async function create(ctx: RequestContext, name: string): Promise<OrgView> {
    const me = principalOf(ctx);
    const id = newId('org');
    return audit.mutate(
      ctx,
      { action: 'org.create', chain: id, target: { type: 'org', id, name }, details: { name } },
      async (tx) => {
        if (await store.findOrg(tx, name))
          throw conflict(`an organization named '${name}' already exists; choose another name`);
        const org = await store.insertOrg(tx, { id, name });
        await store.insertMember(tx, { org_id: id, user_id: me.id, role: 'owner' });
        return orgView(org, 'owner');
      },
    );
  }

  async function list(ctx: RequestContext): Promise<OrgView[]> {
    const me = principalOf(ctx);
    const mine = await store.orgsOf(db, me.id);
    if (!me.operator) return mine.map((o) => orgView(o, o.role));
    const roles = new Map(mine.map((o) => [o.id, o.role]));
    return (await store.allOrgs(db)).map((o) => orgView(o, roles.get(o.id) ?? null));
  }

  async function get(ctx: RequestContext, ref: string): Promise<OrgView> {
    const a = await access(ctx, ref);
    return orgView(a.org, a.role);
  }

  async function update(ctx: RequestContext, ref: string, body: UpdateOrgBody): Promise<OrgView> {
    const a = await access(ctx, ref);
    const target = { type: 'org' as const, id: a.org.id, name: a.org.name };
    return audit.mutate(
      ctx,
      { action: 'org.update', chain: a.org.id, target, details: { changes: {} } },
      async (tx, draft) => {
        const org = (await store.lockOrg(tx, a.org.id)) ?? a.org;
        const changes: Record<string, { from: unknown; to: unknown }> = {};
        if (body.plan !== undefined && body.plan !== org.plan) {
          if (!principalOf(ctx).operator)
            throw forbidden(`only the operator can change an organization's plan (asked: '${body.plan}')`);
          if (org.hipaa_enabled && body.plan !== 'enterprise')
            throw conflict(
              `'${org.name}' has HIPAA enabled, which needs the enterprise plan; it stays on enterprise until an owner turns HIPAA off (asked: '${body.plan}')`,
            );
          if (body.plan !== 'enterprise' && (await deps.hasOwnRootKey?.(tx, org.id)))
            throw conflict(
              `'${org.name}' keeps its root key in its own HSM, which needs the enterprise plan; an owner moves it back to Ward's root key first (ward keys hsm remove --org ${org.name}) (asked: '${body.plan}')`,
            );
          changes.plan = { from: org.plan, to: body.plan };
        }
        let settings: Record<string, unknown> | undefined;
        if (body.settings) {
          authorize(ctx, a, 'org.update');
          if (org.hipaa_enabled && body.settings.require_mfa === false)
            throw conflict(`'${org.name}' has HIPAA enabled, which always requires two-step verification`);
          const keep = body.settings.audit_retention_days;
          if (org.hipaa_enabled && keep !== undefined && keep < AUDIT_RETENTION.hipaaMin)
            throw invalid(
              `'${org.name}' has HIPAA enabled, so its audit log is kept at least ${AUDIT_RETENTION.hipaaMin} days (6 years); asked: ${keep}`,
            );
          settings = { ...org.settings, ...body.settings };
          for (const [k, v] of Object.entries(body.settings)) {
            if (org.settings[k] !== v) changes[`settings.${k}`] = { from: org.settings[k] ?? null, to: v };
          }
        }
        draft.details = { changes };
        const updated = await store.updateOrg(tx, org.id, {
          ...(changes.plan ? { plan: body.plan } : {}),
          ...(settings ? { settings: JSON.stringify(settings) } : {}),
        });
        return orgView(updated, a.role);
      },
    );
  }

  async function listMembers(ctx: RequestContext, ref: string): Promise<MemberView[]> {
    const a = await access(ctx, ref);
    authorize(ctx, a, 'member.list');
    return (await store.members(db, a.org.id)).map((m) => ({
      user_id: m.user_id,
      email: m.email,
      name: m.name,
      role: m.role,
      added_at: m.created_at.toISOString(),
    }));
  }

  async function addMember(ctx: RequestContext, ref: string, body: AddMemberBody): Promise<MemberView> {
    const a = await access(ctx, ref);
    const target = { type: 'member' as const, id: `${a.org.id}/${body.email}`, name: body.email };
    return audit.mutate(
      ctx,
      {
        action: 'org.member.add',
        chain: a.org.id,
        target,
        details: { user_id: '', email: body.email, role: body.role },
      },
      async (tx, draft) => {
        authorize(ctx, a, 'member.manage');
        if (body.role === 'owner' && a.role !== 'owner')
          throw forbidden('only an owner can make someone an owner');
        const user = await deps.identity.accounts.byEmail(body.email, tx);
        if (!user)
          throw notFound(
            `no account for '${body.email}'; the operator creates accounts first (ward user create)`,
          );
        draft.details.user_id = user.id;
        draft.target = { type: 'member', id: `${a.org.id}/${user.id}`, name: user.email };
        if (await store.roleOf(tx, a.org.id, user.id))
          throw conflict(`'${body.email}' is already a member of '${a.org.name}'`);
        await store.insertMember(tx, { org_id: a.org.id, user_id: user.id, role: body.role });
        return {
          user_id: user.id,
          email: user.email,
          name: user.name,
          role: body.role,
          added_at: new Date().toISOString(),
        };
      },
    );
  }

  return {
    access,
    create,
    list,
    get,
    update,
    listMembers,
    addMember,
    /** An org by id, for work that already holds the right to it (retention, deletion jobs). */
    byId: (orgId: string, q: Db | Tx = db) => store.findOrg(q, orgId),
    /** Locks the org's row for the rest of `tx` (HIPAA and BAA changes serialize on it). */
    lock: (tx: Tx, orgId: string) => store.lockOrg(tx, orgId),
    /** One member with their account's name and e-mail, or undefined. */
    member: async (orgId: string, userId: string, q: Db | Tx = db) =>
      (await store.members(q, orgId)).find((m) => m.user_id === userId),
    /** The audit chains (org ids) of the orgs `userId` is a member of. */
    chainsOf: async (userId: string) => (await store.orgsOf(db, userId)).map((o) => o.id),
  };
}

export type OrgService = ReturnType<typeof createOrgService>;
