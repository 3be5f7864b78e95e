/**
 * @module access/service-accounts
 * Service accounts: an org's applications. Each is an account of kind `service` that belongs to
 * one org with a role there (never owner), never signs in, and acts only through tokens that
 * always expire and always carry explicit scopes (never `*`); a HIPAA org caps them at 90 days.
 * In the gateway its user name is the service account's name.
 */
import { sql } from 'kysely';
import type { AuditService } from '../audit/index.js';
import type { Db, OrgRole } from '../db/index.js';
import { expiryOf, type IdentityService, newToken, toTokenView as tokenView } from '../identity/index.js';
import type { RequestContext } from '../lib/context.js';
import { conflict, notFound } from '../lib/errors.js';
import { newId } from '../lib/ids.js';
import type { OrgService } from '../orgs/index.js';
import { authorize } from '../policy/index.js';
import type { CreateServiceTokenBody } from './access.schemas.js';
import { revokeMembership } from './revocation.js';

interface SaRow {
  id: string;
  name: string;
  role: OrgRole | null;
  disabled_at: Date | null;
  created_at: Date;
  last_used_at: Date | null;
}

const view = (r: SaRow) => ({
  id: r.id,
  name: r.name,
  role: r.role ?? ('member' as const),
  disabled: r.disabled_at !== null,
  created_at: r.created_at.toISOString(),
  last_used_at: r.last_used_at?.toISOString() ?? null,
});

export function createServiceAccountService(deps: {
  db: Db;
  audit: AuditService;
  orgs: OrgService;
  identity: IdentityService;
}) {
  const { db, audit, orgs, identity } = deps;

  async function rows(orgId: string, id?: string): Promise<SaRow[]> {
    const { rows } = await sql<SaRow>`
      SELECT u.id, u.name, m.role, u.disabled_at, u.created_at,
             (SELECT max(t.last_used_at) FROM tokens t WHERE t.user_id = u.id) AS last_used_at
        FROM users u LEFT JOIN org_members m ON m.user_id = u.id AND m.org_id = u.org_id
       WHERE u.kind = 'service' AND u.org_id = ${orgId} ${id ? sql`AND u.id = ${id}` : sql``}
       ORDER BY u.name`.execute(db);
    return rows;
  }

  async function one(ctx: RequestContext, orgRef: string, id: string) {
    const a = await orgs.access(ctx, orgRef);
    const sa = (await rows(a.org.id, id))[0];
    if (!sa) throw notFound(`no service account '${id}' in '${a.org.name}'`);
    return { a, sa };
  }

  async function create(ctx: RequestContext, orgRef: string, body: { name: string; role: OrgRole }) {
    const a = await orgs.access(ctx, orgRef);
    const id = newId('sa');
    const target = { type: 'service_account' as const, id, name: body.name };
    await audit.mutate(
      ctx,
      {
        action: 'serviceaccount.create',
        chain: a.org.id,
        target,
        details: { name: body.name, role: body.role },
      },
      async (tx) => {
        authorize(ctx, a, 'serviceaccount.manage');
        const handle = `${body.name}@${a.org.name}.service`;
        if (await identity.accounts.byEmail(handle, tx))
          throw conflict(`'${a.org.name}' already has a service account named '${body.name}'`);
        await identity.accounts.addServiceAccount(tx, {
          id,
          email: handle,
          name: body.name,
          orgId: a.org.id,
        });
        await tx
          .insertInto('org_members')
          .values({ org_id: a.org.id, user_id: id, role: body.role })
          .execute();
      },
    );
    return view((await rows(a.org.id, id))[0] as SaRow);
  }

  async function list(ctx: RequestContext, orgRef: string) {
    const a = await orgs.access(ctx, orgRef);
    authorize(ctx, a, 'serviceaccount.read');
    return (await rows(a.org.id)).map(view);
  }

  async function remove(ctx: RequestContext, orgRef: string, id: string) {
    const { a, sa } = await one(ctx, orgRef, id);
    const target = { type: 'service_account' as const, id, name: sa.name };
    await audit.mutate(
      ctx,
      {
        action: 'serviceaccount.delete',
        chain: a.org.id,
        target,
        details: { name: sa.name, revoked_tokens: 0 },
      },
      async (tx, draft) => {
        authorize(ctx, a, 'serviceaccount.manage');
        draft.details.revoked_tokens = (
          await revokeMembership(tx, identity.accounts, a.org.id, id)
        ).revoked_tokens;
      },
    );
    identity.forget(id);
  }

  async function createToken(ctx: RequestContext, orgRef: string, id: string, body: CreateServiceTokenBody) {
    const { a, sa } = await one(ctx, orgRef, id);
    const tokenId = newId('tok');
    const target = { type: 'token' as const, id: tokenId, name: body.name };
    return audit.mutate(
      ctx,
      {
        action: 'serviceaccount.token.create',
        chain: a.org.id,
        target,
        details: { service_account: sa.name, name: body.name, scopes: body.scopes, expires_at: '' },
      },
      async (tx, draft) => {
        authorize(ctx, a, 'serviceaccount.manage');
        if (sa.disabled_at) throw conflict(`service account '${sa.name}' was deleted`);
        const expires = expiryOf(body, a.org.hipaa_enabled);
        draft.details.expires_at = expires.toISOString();
        const { token } = newToken('service');
        const row = await identity.accounts.addServiceToken(tx, {
          id: tokenId,
          userId: id,
          name: body.name,
          token,
          expiresAt: expires,
          scopes: body.scopes,
        });
        return { ...tokenView(row), token };
      },
    );
  }

  async function listTokens(ctx: RequestContext, orgRef: string, id: string) {
    const { a } = await one(ctx, orgRef, id);
    authorize(ctx, a, 'serviceaccount.read');
    return (await identity.accounts.serviceTokens(id)).map(tokenView);
  }

  async function revokeToken(ctx: RequestContext, orgRef: string, id: string, tokenId: string) {
    const { a, sa } = await one(ctx, orgRef, id);
    const target = { type: 'token' as const, id: tokenId };
    const t = await audit.mutate(
      ctx,
      {
        action: 'serviceaccount.token.revoke',
        chain: a.org.id,
        target,
        details: { service_account: sa.name },
      },
      async (tx, draft) => {
        authorize(ctx, a, 'serviceaccount.manage');
        const found = await identity.accounts.token(tokenId, tx);
        if (!found || found.user_id !== id)
          throw notFound(`no token '${tokenId}' for service account '${sa.name}'`);
        draft.target.name = found.name;
        return tokenView((await identity.accounts.revokeToken(tx, tokenId)) ?? found);
      },
    );
    identity.forget(id);
    return t;
  }

  return { create, list, remove, createToken, listTokens, revokeToken };
}

export type ServiceAccountService = ReturnType<typeof createServiceAccountService>;
