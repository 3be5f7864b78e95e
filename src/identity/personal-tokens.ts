/**
 * @module identity/personal-tokens
 * A person's own API tokens: always expiring, scoped, shown once, stored as a digest. A token
 * carries the MFA state of the session that made it. Members of a HIPAA org get tokens of at
 * most 90 days.
 */
import type { AuditService } from '../audit/index.js';
import type { Db, Token } from '../db/index.js';
import { OPERATOR_CHAIN } from '../evidence/index.js';
import type { RequestContext } from '../lib/context.js';
import { invalid, notFound } from '../lib/errors.js';
import { newId } from '../lib/ids.js';
import { principalOf } from '../policy/index.js';
import { dbVerifierOf } from './db-verifier.js';
import { type CreateTokenBody, TOKEN_MAX_DAYS, type TokenView } from './identity.schemas.js';
import * as store from './identity.store.js';
import type { PrincipalCache } from './principal-cache.js';
import { newToken } from './tokens.js';

export const HIPAA_TOKEN_MAX_DAYS = 90;

export const tokenView = (t: Token): TokenView => ({
  id: t.id,
  name: t.name,
  created_at: t.created_at.toISOString(),
  expires_at: t.expires_at.toISOString(),
  last_used_at: t.last_used_at?.toISOString() ?? null,
  revoked_at: t.revoked_at?.toISOString() ?? null,
  scopes: t.scopes,
});

/** When a token asked for as `body` expires, refused past `maxDays` (90 for HIPAA orgs). */
export function expiryOf(body: { expires_at?: string; expires_in_days?: number }, hipaa: boolean): Date {
  const expires = body.expires_at
    ? new Date(body.expires_at)
    : new Date(Date.now() + (body.expires_in_days ?? 0) * 86_400_000);
  const maxDays = hipaa ? HIPAA_TOKEN_MAX_DAYS : TOKEN_MAX_DAYS;
  const asked = body.expires_at
    ? `expires_at '${body.expires_at}'`
    : `expires_in_days ${body.expires_in_days}`;
  if (expires.getTime() <= Date.now()) throw invalid(`${asked} is in the past`);
  if (expires.getTime() > Date.now() + maxDays * 86_400_000 + 60_000) {
    throw invalid(
      `${asked} is more than ${maxDays} days away${hipaa ? ': a HIPAA organization caps tokens at 90 days' : ''}`,
    );
  }
  return expires;
}

export function createPersonalTokens(deps: { db: Db; audit: AuditService; cache: PrincipalCache }) {
  const { db, audit, cache } = deps;

  async function createToken(ctx: RequestContext, body: CreateTokenBody) {
    const me = principalOf(ctx);
    const id = newId('tok');
    const scopes = body.scopes ?? ['*'];
    return audit.mutate(
      ctx,
      {
        action: 'token.create',
        chain: OPERATOR_CHAIN,
        target: { type: 'token', id, name: body.name },
        details: { name: body.name, expires_at: '', scopes },
      },
      async (tx, draft) => {
        const expires = expiryOf(body, (await store.policyOf(tx, me.id)).hipaa);
        draft.details.expires_at = expires.toISOString();
        const { token, digest } = newToken('personal');
        const row = await store.insertToken(tx, {
          id,
          user_id: me.id,
          kind: 'personal',
          name: body.name,
          digest,
          expires_at: expires,
          scopes,
          mfa: me.mfa === true,
          method: 'token',
          ...(await dbVerifierOf(tx, me.id, token, scopes)),
        });
        return { ...tokenView(row), token };
      },
    );
  }

  async function listTokens(ctx: RequestContext): Promise<TokenView[]> {
    return (await store.listTokens(db, principalOf(ctx).id, 'personal')).map(tokenView);
  }

  async function revokeToken(ctx: RequestContext, id: string): Promise<TokenView> {
    const me = principalOf(ctx);
    return audit
      .mutate(
        ctx,
        { action: 'token.revoke', chain: OPERATOR_CHAIN, target: { type: 'token', id }, details: {} },
        async (tx, draft) => {
          const t = await store.findToken(tx, id);
          if (!t || t.user_id !== me.id || t.kind !== 'personal')
            throw notFound(`no token '${id}' among your personal tokens`);
          draft.target.name = t.name;
          const revoked = (await store.revokeToken(tx, id)) ?? t;
          return tokenView(revoked);
        },
      )
      .finally(() => cache.dropToken(id));
  }

  return { createToken, listTokens, revokeToken };
}
