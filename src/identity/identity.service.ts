/**
 * @module identity/service
 * Accounts, sign-in with lockout, session and personal API tokens. Sign-in answers the same way
 * (same message, same work) whether or not the address has an account.
 */
import type { AuditService } from '../audit/audit.service.js';
import { OPERATOR_CHAIN } from '../audit/chain.js';
import type { Db } from '../db/pool.js';
import type { Token, User } from '../db/schema.js';
import type { RequestContext } from '../lib/context.js';
import { conflict, forbidden, invalid, notFound, rateLimited, unauthenticated } from '../lib/errors.js';
import { newId } from '../lib/ids.js';
import { randomSecret } from '../lib/secrets.js';
import {
  type CreateTokenBody,
  type CreateUserBody,
  type LoginBody,
  TOKEN_MAX_DAYS,
  type TokenView,
  type UserView,
} from './identity.schemas.js';
import * as store from './identity.store.js';
import { checkPasswordPolicy, hashPassword, verifyPassword } from './passwords.js';
import { createPrincipalCache } from './principal-cache.js';
import { newToken, tokenDigest } from './tokens.js';

export const OPERATOR_EMAIL = 'admin@localhost';

export interface IdentitySettings {
  sessionTtlMinutes: number;
  lockout: { maxFailures: number; minutes: number };
}

/** The person behind a request, once their bearer token checked out. */
export interface Principal {
  userId: string;
  email: string;
  name: string;
  operator: boolean;
  tokenId: string;
  tokenKind: Token['kind'];
  /** What the token may be used for (`*` for a sign-in session); see identity/scopes.ts. */
  scopes: string[];
}

export const userView = (u: User): UserView => ({
  id: u.id,
  email: u.email,
  name: u.name,
  operator: u.is_operator,
  disabled: u.disabled_at !== null,
  created_at: u.created_at.toISOString(),
});

const tokenView = (t: Token): TokenView => ({
  id: t.id,
  name: t.name,
  created_at: t.created_at.toISOString(),
  expires_at: t.expires_at.toISOString(),
  last_used_at: t.last_used_at?.toISOString() ?? null,
  revoked_at: t.revoked_at?.toISOString() ?? null,
  scopes: t.scopes,
});

const INCORRECT = 'email or password is incorrect';
const TOUCH_EVERY_MS = 60_000;

export function principalOf(ctx: RequestContext): Extract<RequestContext['actor'], { type: 'user' }> {
  if (ctx.actor.type !== 'user') throw unauthenticated('sign in first: this needs a bearer token');
  return ctx.actor;
}

export function requireOperator(ctx: RequestContext, what: string): void {
  if (!principalOf(ctx).operator) throw forbidden(`only the operator can ${what}`);
}

export function createIdentityService(deps: { db: Db; audit: AuditService; settings: IdentitySettings }) {
  const { db, audit, settings } = deps;
  const cache = createPrincipalCache();

  async function createUser(ctx: RequestContext, body: CreateUserBody): Promise<UserView> {
    const target = { type: 'user' as const, id: newId('usr'), name: body.email };
    return audit.mutate(
      ctx,
      {
        action: 'user.create',
        chain: OPERATOR_CHAIN,
        target,
        details: { email: body.email, name: body.name, operator: body.operator ?? false },
      },
      async (tx) => {
        requireOperator(ctx, 'create accounts');
        checkPasswordPolicy(body.password);
        if (await store.findUserByEmail(tx, body.email))
          throw conflict(`an account for '${body.email}' already exists`);
        const user = await store.insertUser(tx, {
          id: target.id,
          email: body.email,
          name: body.name,
          password_hash: await hashPassword(body.password),
          is_operator: body.operator ?? false,
        });
        return userView(user);
      },
    );
  }

  /**
   * Creates the operator account on first start. `keep` stores the one-time password before the
   * account commits; returns the password, or undefined when an operator already exists.
   */
  async function bootstrapOperator(
    ctx: RequestContext,
    keep: (password: string) => Promise<void>,
  ): Promise<string | undefined> {
    if (await store.anyOperator(db)) return undefined;
    const password = randomSecret(18);
    await keep(password);
    const id = newId('usr');
    await audit.mutate(
      ctx,
      {
        action: 'user.create',
        chain: OPERATOR_CHAIN,
        target: { type: 'user', id, name: OPERATOR_EMAIL },
        details: { email: OPERATOR_EMAIL, name: 'Operator', operator: true },
      },
      async (tx) => {
        if (await store.findUserByEmail(tx, OPERATOR_EMAIL))
          throw conflict(`${OPERATOR_EMAIL} exists but is not an operator`);
        await store.insertUser(tx, {
          id,
          email: OPERATOR_EMAIL,
          name: 'Operator',
          password_hash: await hashPassword(password),
          is_operator: true,
        });
      },
    );
    return password;
  }

  async function refuseSignIn(
    ctx: RequestContext,
    email: string,
    reason: 'bad_credentials' | 'locked' | 'disabled',
    userId?: string,
  ) {
    await audit.record(ctx, [
      {
        action: 'auth.login.failure',
        chain: OPERATOR_CHAIN,
        outcome: 'denied',
        target: { type: 'user', id: userId ?? 'unknown', name: email },
        details: { method: 'password', email, reason },
      },
    ]);
  }

  async function login(ctx: RequestContext, body: LoginBody) {
    const email = body.email.toLowerCase();
    const lock = await store.lockState(db, email);
    if (lock?.locked_until && lock.locked_until > new Date()) {
      await refuseSignIn(ctx, email, 'locked');
      throw rateLimited(
        `too many failed sign-ins for this address; try again after ${lock.locked_until.toISOString().slice(0, 16)}Z`,
      );
    }
    const user = await store.findUserByEmail(db, email);
    const ok = await verifyPassword(user?.password_hash, body.password);
    if (!user || !ok || user.disabled_at) {
      if (!ok) await store.countFailure(db, email, settings.lockout.maxFailures, settings.lockout.minutes);
      await refuseSignIn(ctx, email, ok ? 'disabled' : 'bad_credentials', user?.id);
      throw unauthenticated(INCORRECT);
    }
    const { token, digest } = newToken('session');
    const expires = new Date(Date.now() + settings.sessionTtlMinutes * 60_000);
    const tokenId = newId('tok');
    const userCtx: RequestContext = {
      ...ctx,
      actor: { type: 'user', id: user.id, email: user.email, operator: user.is_operator, token_id: tokenId },
    };
    await audit.mutate(
      userCtx,
      {
        action: 'auth.login.success',
        chain: OPERATOR_CHAIN,
        target: { type: 'user', id: user.id, name: user.email },
        details: { method: 'password', token_id: tokenId, expires_at: expires.toISOString() },
      },
      async (tx, draft) => {
        await store.clearFailures(tx, email);
        await store.insertToken(tx, {
          id: tokenId,
          user_id: user.id,
          kind: 'session',
          name: 'sign-in',
          digest,
          expires_at: expires,
        });
        // Each org the person belongs to keeps its own record of their sign-ins.
        for (const org of await store.orgIdsOf(tx, user.id)) draft.also.push({ ...draft, chain: org });
      },
    );
    return { token, expires_at: expires.toISOString(), user: userView(user) };
  }

  async function lookup(digest: Buffer): Promise<{ principal: Principal; expires: Date }> {
    const row = await store.findTokenWithUser(db, digest);
    if (!row) throw unauthenticated('the bearer token is not valid; sign in again with `ward login`');
    if (row.revoked_at) throw unauthenticated('this token was revoked; sign in again or create a new token');
    if (row.expires_at <= new Date())
      throw unauthenticated('this token has expired; sign in again or create a new token');
    if (row.disabled_at) throw unauthenticated('this account is disabled');
    if (!row.last_used_at || Date.now() - row.last_used_at.getTime() > TOUCH_EVERY_MS) {
      // Best effort and off the request path: a missed update only delays "last used".
      store.touchToken(db, row.token_id).catch(() => undefined);
    }
    const principal: Principal = {
      userId: row.user_id,
      email: row.email,
      name: row.name,
      operator: row.is_operator,
      tokenId: row.token_id,
      tokenKind: row.kind,
      scopes: row.scopes,
    };
    return { principal, expires: row.expires_at };
  }

  async function authenticate(bearer: string): Promise<Principal> {
    const digest = tokenDigest(bearer);
    if (!digest) throw unauthenticated('the bearer token is not valid; sign in again with `ward login`');
    return cache.get(digest.toString('base64'), () => lookup(digest));
  }

  async function logout(ctx: RequestContext): Promise<void> {
    const me = principalOf(ctx);
    await audit.mutate(
      ctx,
      {
        action: 'auth.logout',
        chain: OPERATOR_CHAIN,
        target: { type: 'user', id: me.id, name: me.email },
        details: { token_id: me.token_id },
      },
      async (tx) => {
        await store.revokeToken(tx, me.token_id);
      },
    );
    cache.dropToken(me.token_id);
  }

  async function createToken(ctx: RequestContext, body: CreateTokenBody) {
    const me = principalOf(ctx);
    const expires = body.expires_at
      ? new Date(body.expires_at)
      : new Date(Date.now() + (body.expires_in_days ?? 0) * 86_400_000);
    const id = newId('tok');
    return audit.mutate(
      ctx,
      {
        action: 'token.create',
        chain: OPERATOR_CHAIN,
        target: { type: 'token', id, name: body.name },
        details: { name: body.name, expires_at: expires.toISOString(), scopes: body.scopes ?? ['*'] },
      },
      async (tx) => {
        if (expires.getTime() <= Date.now()) throw invalid(`expires_at '${body.expires_at}' is in the past`);
        if (expires.getTime() > Date.now() + TOKEN_MAX_DAYS * 86_400_000 + 60_000) {
          throw invalid(`expires_at '${body.expires_at}' is more than ${TOKEN_MAX_DAYS} days away`);
        }
        const { token, digest } = newToken('personal');
        const row = await store.insertToken(tx, {
          id,
          user_id: me.id,
          kind: 'personal',
          name: body.name,
          digest,
          expires_at: expires,
          scopes: body.scopes ?? ['*'],
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

  async function me(ctx: RequestContext): Promise<UserView> {
    const user = await store.findUser(db, principalOf(ctx).id);
    if (!user) throw notFound('your account no longer exists');
    return userView(user);
  }

  async function listUsers(ctx: RequestContext): Promise<UserView[]> {
    requireOperator(ctx, 'list accounts');
    return (await store.listUsers(db)).map(userView);
  }

  return {
    createUser,
    bootstrapOperator,
    login,
    authenticate,
    logout,
    createToken,
    listTokens,
    revokeToken,
    me,
    listUsers,
  };
}

export type IdentityService = ReturnType<typeof createIdentityService>;
