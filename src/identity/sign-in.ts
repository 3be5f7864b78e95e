/**
 * @module identity/sign-in
 * Password sign-in, and the session every sign-in method ends in. Defences, each refusal an
 * audit event:
 * - lockout per account (`lockout.max_failures` consecutive failures lock it for
 *   `lockout.minutes`; 100 consecutive failures lock it until the operator unlocks it) and per
 *   client address (`lockout.address_max_failures` failures within `lockout.minutes`, against
 *   password spraying), on top of the route's rate limit; the counters and thresholds are the
 *   sign-in guard's (identity/sign-in-guard.ts), shared with the Postgres gateway;
 * - the same answer, after the same work, for an unknown address and a wrong password;
 * - a TOTP code once per time step; an org that requires SSO refuses passwords.
 * A session lasts the strictest absolute lifetime among the person's orgs (and at most
 * `session_ttl_minutes`).
 */
import type { AuditPayloads, AuditService } from '../audit/index.js';
import type { Db, User } from '../db/index.js';
import { OPERATOR_CHAIN } from '../evidence/index.js';
import type { RequestContext } from '../lib/context.js';
import { rateLimited, unauthenticated } from '../lib/errors.js';
import { newId } from '../lib/ids.js';
import type { LoginBody, UserView } from './identity.schemas.js';
import * as store from './identity.store.js';
import type { MfaService } from './mfa.service.js';
import { verifyPassword } from './passwords.js';
import { HARD_LOCK_FAILURES, type LockoutSettings, lockTime, type SignInGuard } from './sign-in-guard.js';
import { newToken } from './tokens.js';

export interface SignInSettings {
  sessionTtlMinutes: number;
  lockout: LockoutSettings;
}

/** Why a sign-in failed: what its `auth.login.failure` event records. */
export type FailureReason = AuditPayloads['auth.login.failure']['reason'];

const INCORRECT = 'email or password is incorrect';

export const userView = (u: User): UserView => ({
  id: u.id,
  email: u.email,
  name: u.name,
  operator: u.is_operator,
  disabled: u.disabled_at !== null,
  created_at: u.created_at.toISOString(),
});

export function createSignIn(deps: {
  db: Db;
  audit: AuditService;
  mfa: MfaService;
  guard: SignInGuard;
  settings: SignInSettings;
  /**
   * The org chains an account's refused sign-ins are recorded in besides the operator's: its orgs',
   * so each org's alert rules and reviewers see its members' failures.
   */
  memberChains?: (userId: string) => Promise<string[]>;
}) {
  const { db, audit, mfa, guard, settings } = deps;

  async function refuse(
    ctx: RequestContext,
    email: string,
    reason: FailureReason,
    opts: { userId?: string; method?: 'password' | 'sso'; count?: boolean } = {},
  ): Promise<void> {
    if (opts.count) await guard.countFailure(email, ctx.ip);
    const orgChains = opts.userId && deps.memberChains ? await deps.memberChains(opts.userId) : [];
    await audit.record(
      ctx,
      [OPERATOR_CHAIN, ...orgChains].map((chain) => ({
        action: 'auth.login.failure' as const,
        chain,
        outcome: 'denied' as const,
        target: { type: 'user' as const, id: opts.userId ?? 'unknown', name: email },
        details: { method: opts.method ?? 'password', email, reason },
      })),
    );
  }

  /** Refuses a locked account or client address (before any password work). */
  async function checkLocks(ctx: RequestContext, email: string): Promise<void> {
    const lock = await guard.lockOf(email, ctx.ip);
    if (!lock) return;
    await refuse(ctx, email, lock.reason);
    if (lock.reason === 'address_locked')
      throw rateLimited(
        `too many failed sign-ins from your network address; try again after ${lockTime(lock.until)}`,
      );
    if (lock.hard)
      throw rateLimited(
        `this address is locked after ${HARD_LOCK_FAILURES} consecutive failed sign-ins; the operator can unlock it (ward user unlock)`,
      );
    throw rateLimited(`too many failed sign-ins for this address; try again after ${lockTime(lock.until)}`);
  }

  /** Opens a session for `user` and records the sign-in in every one of their orgs' chains. */
  async function openSession(
    ctx: RequestContext,
    user: User,
    how: { method: 'password' | 'sso'; mfa: boolean; org?: string },
  ) {
    const policy = await store.policyOf(db, user.id);
    const ttl = Math.min(settings.sessionTtlMinutes, policy.absolute_hours * 60);
    const { token, digest } = newToken('session');
    const expires = new Date(Date.now() + ttl * 60_000);
    const tokenId = newId('tok');
    const userCtx: RequestContext = {
      ...ctx,
      actor: {
        type: 'user',
        id: user.id,
        email: user.email,
        operator: user.is_operator,
        token_id: tokenId,
        mfa: how.mfa,
      },
    };
    await audit.mutate(
      userCtx,
      {
        action: 'auth.login.success',
        chain: OPERATOR_CHAIN,
        target: { type: 'user', id: user.id, name: user.email },
        details: {
          method: how.method,
          token_id: tokenId,
          expires_at: expires.toISOString(),
          mfa: how.mfa,
          ...(how.org ? { org: how.org } : {}),
        },
      },
      async (tx, draft) => {
        await store.clearFailures(tx, user.email);
        await store.touchSignIn(tx, user.id);
        await store.insertToken(tx, {
          id: tokenId,
          user_id: user.id,
          kind: 'session',
          name: 'sign-in',
          digest,
          expires_at: expires,
          mfa: how.mfa,
          method: how.method,
        });
        for (const org of await store.orgIdsOf(tx, user.id)) draft.also.push({ ...draft, chain: org });
      },
    );
    return {
      token,
      expires_at: expires.toISOString(),
      user: userView(user),
      idle_minutes: policy.idle_minutes,
    };
  }

  async function login(ctx: RequestContext, body: LoginBody) {
    const email = body.email.toLowerCase();
    await checkLocks(ctx, email);
    const found = await store.findUserByEmail(db, email);
    const user = found?.kind === 'person' ? found : undefined;
    const ok = await verifyPassword(user?.password_hash ?? undefined, body.password);
    if (!user || !ok) {
      await refuse(ctx, email, 'bad_credentials', { userId: user?.id, count: true });
      throw unauthenticated(INCORRECT);
    }
    if (user.disabled_at) {
      await refuse(ctx, email, 'disabled', { userId: user.id });
      throw unauthenticated(INCORRECT);
    }
    const policy = await store.policyOf(db, user.id);
    if (policy.sso_required && !user.is_operator) {
      await refuse(ctx, email, 'sso_required', { userId: user.id });
      throw unauthenticated(
        `'${policy.sso_required}' requires single sign-on: sign in through your identity provider ("Sign in with SSO")`,
        'sso_required',
      );
    }
    let usedMfa = false;
    if (await mfa.hasTotp(user.id)) {
      if (!body.totp) {
        await refuse(ctx, email, 'mfa_required', { userId: user.id });
        throw unauthenticated(
          'enter the 6-digit code from your authenticator app (or a recovery code) as totp',
          'mfa_required',
        );
      }
      const code = body.totp;
      const result = await db.transaction().execute((tx) => mfa.checkSecondFactor(tx, user.id, code));
      if (result !== 'ok') {
        await refuse(ctx, email, result, { userId: user.id, count: true });
        throw unauthenticated(
          result === 'totp_replayed'
            ? 'that code was already used; wait for the next one in your authenticator app'
            : 'the authentication code is wrong; enter the current 6-digit code or a recovery code',
          'mfa_required',
        );
      }
      usedMfa = true;
    }
    return openSession(ctx, user, { method: 'password', mfa: usedMfa });
  }

  return { login, openSession, refuse };
}

export type SignIn = ReturnType<typeof createSignIn>;
