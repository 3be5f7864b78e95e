/**
 * @module identity/service
 * People and their access to Ward: accounts (the operator creates, disables, enables and
 * unlocks them), sign-in (identity/sign-in.ts), sessions (identity/sessions.ts), MFA
 * (identity/mfa.service.ts) and personal tokens (identity/personal-tokens.ts), composed here.
 * Disabling an account revokes every session and token it has at once.
 */
import type { AuditService } from '../audit/index.js';
import type { Db } from '../db/index.js';
import { OPERATOR_CHAIN } from '../evidence/index.js';
import type { KeyService } from '../keys/index.js';
import type { RequestContext } from '../lib/context.js';
import { conflict, notFound } from '../lib/errors.js';
import { newId } from '../lib/ids.js';
import { randomSecret } from '../lib/secrets.js';
import { principalOf, requireOperator } from '../policy/index.js';
import { createAccounts } from './accounts.js';
import type { CreateUserBody, UserView } from './identity.schemas.js';
import * as store from './identity.store.js';
import { createMfaService } from './mfa.service.js';
import { checkPasswordPolicy, hashPassword } from './passwords.js';
import { createPersonalTokens } from './personal-tokens.js';
import { createPrincipalCache } from './principal-cache.js';
import { createSessions } from './sessions.js';
import { createSignIn, type SignInSettings, userView } from './sign-in.js';
import { createSignInGuard } from './sign-in-guard.js';

export type { Principal } from './principal-cache.js';
export { userView } from './sign-in.js';

export const OPERATOR_EMAIL = 'admin@localhost';

export type IdentitySettings = SignInSettings;

export function createIdentityService(deps: {
  db: Db;
  audit: AuditService;
  keys: KeyService;
  settings: IdentitySettings;
  /** The org chains an account's refused sign-ins are also recorded in (its orgs'; see sign-in). */
  memberChains?: (userId: string) => Promise<string[]>;
}) {
  const { db, audit, keys, settings } = deps;
  const cache = createPrincipalCache();
  const mfa = createMfaService({ db, audit, keys, cache });
  const guard = createSignInGuard({ db, lockout: settings.lockout });
  const signIn = createSignIn({ db, audit, mfa, guard, settings, memberChains: deps.memberChains });
  const sessions = createSessions({ db, audit, cache });
  const tokens = createPersonalTokens({ db, audit, cache });

  /** Creates an account; without a password in `body`, with a generated one returned once. */
  async function createUser(
    ctx: RequestContext,
    body: CreateUserBody,
  ): Promise<UserView & { initial_password?: string }> {
    const target = { type: 'user' as const, id: newId('usr'), name: body.email };
    const generated = body.password === undefined ? randomSecret(18) : undefined;
    const password = body.password ?? (generated as string);
    return audit.mutate(
      ctx,
      {
        action: 'user.create',
        chain: OPERATOR_CHAIN,
        target,
        details: {
          email: body.email,
          name: body.name,
          operator: body.operator ?? false,
          password: generated ? 'generated' : 'given',
        },
      },
      async (tx) => {
        requireOperator(ctx, 'create accounts');
        checkPasswordPolicy(password);
        if (await store.findUserByEmail(tx, body.email))
          throw conflict(`an account for '${body.email}' already exists`);
        const user = await store.insertUser(tx, {
          id: target.id,
          email: body.email,
          name: body.name,
          password_hash: await hashPassword(password),
          is_operator: body.operator ?? false,
        });
        return generated ? { ...userView(user), initial_password: generated } : userView(user);
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
        details: { email: OPERATOR_EMAIL, name: 'Operator', operator: true, password: 'generated' },
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

  /** Stops honouring `userId`'s tokens in this process at once (after a revocation commits). */
  const forget = (userId: string): void => cache.dropUser(userId);

  async function setDisabled(ctx: RequestContext, id: string, disabled: boolean): Promise<UserView> {
    const user = await store.findUser(db, id);
    if (user?.kind !== 'person') throw notFound(`no account '${id}'`);
    const target = { type: 'user' as const, id: user.id, name: user.email };
    const view = await audit.mutate(
      ctx,
      {
        action: disabled ? 'user.disable' : 'user.enable',
        chain: OPERATOR_CHAIN,
        target,
        details: { revoked_tokens: 0 },
      },
      async (tx, draft) => {
        requireOperator(ctx, `${disabled ? 'disable' : 'enable'} accounts`);
        if (disabled && user.id === principalOf(ctx).id)
          throw conflict('you cannot disable your own account');
        const updated = await store.setDisabled(tx, user.id, disabled);
        if (disabled) draft.details.revoked_tokens = await store.revokeAllTokens(tx, user.id);
        return userView(updated ?? user);
      },
    );
    forget(user.id);
    return view;
  }

  async function unlock(ctx: RequestContext, id: string): Promise<UserView> {
    const user = await store.findUser(db, id);
    if (user?.kind !== 'person') throw notFound(`no account '${id}'`);
    const target = { type: 'user' as const, id: user.id, name: user.email };
    return audit.mutate(
      ctx,
      { action: 'user.unlock', chain: OPERATOR_CHAIN, target, details: {} },
      async (tx) => {
        requireOperator(ctx, 'unlock accounts');
        await store.clearFailures(tx, user.email);
        return userView(user);
      },
    );
  }

  /** Records a request refused before any service ran (bad token, CSRF, scope, MFA, role). */
  async function recordDenied(
    ctx: RequestContext,
    d: { method: string; route: string; status: number; reason: string; message: string },
  ): Promise<void> {
    const target =
      ctx.actor.type === 'user'
        ? { type: 'user' as const, id: ctx.actor.id, name: ctx.actor.email }
        : { type: 'system' as const, id: 'api' };
    await audit.record(ctx, [
      { action: 'access.denied', chain: OPERATOR_CHAIN, outcome: 'denied', target, details: d },
    ]);
  }

  async function me(ctx: RequestContext) {
    const p = principalOf(ctx);
    const user = await store.findUser(db, p.id);
    if (!user) throw notFound('your account no longer exists');
    return userView(user);
  }

  /** The caller's session as the console needs it to warn before it ends. */
  async function session(ctx: RequestContext) {
    const p = principalOf(ctx);
    const user = await me(ctx);
    const policy = await store.policyOf(db, p.id);
    const token = await store.findToken(db, p.token_id);
    const absolute = token
      ? Math.min(token.expires_at.getTime(), token.created_at.getTime() + policy.absolute_hours * 3_600_000)
      : Date.now();
    return {
      user,
      expires_at: new Date(absolute).toISOString(),
      idle_minutes: token?.kind === 'session' ? policy.idle_minutes : null,
      mfa: p.mfa === true,
      mfa_required: policy.mfa_required && !p.service,
    };
  }

  async function listUsers(ctx: RequestContext): Promise<UserView[]> {
    requireOperator(ctx, 'list accounts');
    return (await store.listUsers(db)).map(userView);
  }

  return {
    /** Accounts and tokens as other domains use them, inside their own transactions. */
    accounts: createAccounts(db),
    createUser,
    bootstrapOperator,
    login: signIn.login,
    openSession: signIn.openSession,
    refuseSignIn: signIn.refuse,
    /** The lockout policy, for sign-ins outside the web (the Postgres gateway). */
    signInGuard: guard,
    authenticate: sessions.authenticate,
    authenticateDigest: sessions.authenticateDigest,
    logout: sessions.logout,
    createToken: tokens.createToken,
    listTokens: tokens.listTokens,
    revokeToken: tokens.revokeToken,
    mfa,
    forget,
    disableUser: (ctx: RequestContext, id: string) => setDisabled(ctx, id, true),
    enableUser: (ctx: RequestContext, id: string) => setDisabled(ctx, id, false),
    unlock,
    recordDenied,
    me,
    session,
    listUsers,
  };
}

export type IdentityService = ReturnType<typeof createIdentityService>;
