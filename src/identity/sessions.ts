/**
 * @module identity/sessions
 * Turns a bearer token into the principal behind it, and ends sessions. A sign-in session obeys
 * the strictest policy among its person's orgs, read live on every lookup, so a tighter policy
 * applies to sessions already open: it ends after `session_idle_minutes` without a request, and
 * `session_absolute_hours` after it began, whichever comes first (recorded as
 * `auth.session.timeout`). Requests that only ask about the session do not count as activity.
 */
import type { AuditService } from '../audit/index.js';
import type { Db } from '../db/index.js';
import { OPERATOR_CHAIN } from '../evidence/index.js';
import { type RequestContext, SYSTEM } from '../lib/context.js';
import { unauthenticated } from '../lib/errors.js';
import { principalOf } from '../policy/index.js';
import * as store from './identity.store.js';
import type { Principal, PrincipalCache } from './principal-cache.js';
import { tokenDigest } from './tokens.js';

/** Recording activity more often than this adds writes, not precision worth having. */
const TOUCH_EVERY_MS = 10_000;

export function createSessions(deps: { db: Db; audit: AuditService; cache: PrincipalCache }) {
  const { db, audit, cache } = deps;

  async function timeOut(row: store.TokenWithUser, reason: 'idle' | 'absolute'): Promise<void> {
    const revoked = await store.revokeToken(db, row.token_id);
    if (!revoked) return;
    await audit.record(SYSTEM, [
      {
        action: 'auth.session.timeout',
        chain: OPERATOR_CHAIN,
        target: { type: 'user', id: row.user_id, name: row.email },
        details: {
          token_id: row.token_id,
          reason,
          idle_minutes: row.idle_minutes,
          absolute_hours: row.absolute_hours,
        },
      },
    ]);
  }

  async function lookup(digest: Buffer, activity: boolean): Promise<{ principal: Principal; expires: Date }> {
    const row = await store.findTokenWithUser(db, digest);
    const now = Date.now();
    if (!row)
      throw unauthenticated(
        'the bearer token is not valid; sign in again with `ward login`',
        'token_invalid',
      );
    if (row.revoked_at)
      throw unauthenticated('this token was revoked; sign in again or create a new token', 'token_revoked');
    const session = row.kind === 'session';
    const absoluteEnd = session
      ? Math.min(row.expires_at.getTime(), row.created_at.getTime() + row.absolute_hours * 3_600_000)
      : row.expires_at.getTime();
    if (absoluteEnd <= now) {
      if (session && row.expires_at.getTime() > now) await timeOut(row, 'absolute');
      throw unauthenticated('this token has expired; sign in again or create a new token', 'token_expired');
    }
    if (row.disabled_at) throw unauthenticated('this account is disabled', 'account_disabled');
    const lastActive = (row.last_used_at ?? row.created_at).getTime();
    if (session && now - lastActive > row.idle_minutes * 60_000) {
      await timeOut(row, 'idle');
      throw unauthenticated(
        `this session ended after ${row.idle_minutes} minutes without activity; sign in again`,
        'session_idle',
      );
    }
    if (activity && (!row.last_used_at || now - row.last_used_at.getTime() > TOUCH_EVERY_MS)) {
      // Best effort and off the request path: a missed update only makes the session end sooner.
      store.touchToken(db, row.token_id).catch(() => undefined);
    }
    const principal: Principal = {
      userId: row.user_id,
      email: row.email,
      name: row.name,
      operator: row.is_operator,
      service: row.user_kind === 'service',
      tokenId: row.token_id,
      tokenKind: row.kind,
      scopes: row.scopes,
      mfa: row.mfa,
      mfaRequired: row.mfa_required && row.user_kind === 'person',
      idleMinutes: session ? row.idle_minutes : null,
      expiresAt: new Date(absoluteEnd),
    };
    return { principal, expires: principal.expiresAt };
  }

  /** The principal for a bearer token; `activity: false` for calls that only look. */
  async function authenticate(bearer: string, opts: { activity?: boolean } = {}): Promise<Principal> {
    const digest = tokenDigest(bearer);
    if (!digest)
      throw unauthenticated(
        'the bearer token is not valid; sign in again with `ward login`',
        'token_invalid',
      );
    return cache.get(digest.toString('base64'), () => lookup(digest, opts.activity ?? true));
  }

  /**
   * The principal for the token whose digest is `digest`: for the gateway, which learns which
   * token a client holds from its SCRAM proof, never the token itself (identity/db-verifier).
   */
  async function authenticateDigest(digest: Buffer, opts: { activity?: boolean } = {}): Promise<Principal> {
    return cache.get(digest.toString('base64'), () => lookup(digest, opts.activity ?? true));
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

  return { authenticate, authenticateDigest, logout };
}
