/**
 * @module identity/mfa-service
 * TOTP for people: enroll (secret encrypted under Ward's system key, QR code), confirm with a
 * first code (which turns on MFA, hands out ten recovery codes and marks the current session as
 * having passed a second factor), remove, and the second-factor check at sign-in, which refuses
 * a code replayed within its window and spends recovery codes once.
 */
import type { AuditService } from '../audit/index.js';
import type { Db, Tx } from '../db/index.js';
import { OPERATOR_CHAIN } from '../evidence/index.js';
import type { KeyService } from '../keys/index.js';
import type { RequestContext } from '../lib/context.js';
import { conflict, invalid, notFound, unauthenticated } from '../lib/errors.js';
import { principalOf } from '../policy/index.js';
import * as store from './identity.store.js';
import * as mfa from './mfa.store.js';
import type { PrincipalCache } from './principal-cache.js';
import {
  enrollmentOf,
  looksLikeRecoveryCode,
  matchTotp,
  newRecoveryCodes,
  newTotpSecret,
  RECOVERY_CODE_COUNT,
  recoveryDigest,
} from './totp.js';

const SYSTEM = { type: 'system' } as const;
const aad = (userId: string) => `ward-totp:${userId}`;

export type SecondFactorResult = 'ok' | 'bad_totp' | 'totp_replayed';

export function createMfaService(deps: {
  db: Db;
  audit: AuditService;
  keys: KeyService;
  cache: PrincipalCache;
}) {
  const { db, audit, keys, cache } = deps;

  async function secretOf(userId: string, sealed: Buffer, q: Db | Tx = db): Promise<string> {
    return (await keys.decrypt(sealed, aad(userId), q)).toString('utf8');
  }

  /**
   * Checks a TOTP code or a recovery code for `userId` inside the caller's transaction, spending
   * it: a TOTP time step is used once, a recovery code once.
   */
  async function checkSecondFactor(tx: Tx, userId: string, code: string): Promise<SecondFactorResult> {
    const totp = await mfa.findTotp(tx, userId);
    if (!totp?.confirmed_at) return 'bad_totp';
    if (looksLikeRecoveryCode(code)) {
      return (await mfa.useRecoveryCode(tx, userId, recoveryDigest(code))) ? 'ok' : 'bad_totp';
    }
    const step = await matchTotp(await secretOf(userId, totp.secret, tx), code.trim());
    if (step === undefined) return 'bad_totp';
    return (await mfa.useTimeStep(tx, userId, step)) ? 'ok' : 'totp_replayed';
  }

  async function hasTotp(userId: string, q: Db | Tx = db): Promise<boolean> {
    return (await mfa.findTotp(q, userId))?.confirmed_at != null;
  }

  async function status(ctx: RequestContext) {
    const me = principalOf(ctx);
    const totp = await mfa.findTotp(db, me.id);
    const policy = await store.policyOf(db, me.id);
    return {
      totp: totp?.confirmed_at ? ('enabled' as const) : totp ? ('pending' as const) : ('off' as const),
      recovery_codes_left: totp?.confirmed_at ? await mfa.recoveryCodesLeft(db, me.id) : 0,
      required: policy.mfa_required,
      session_mfa: me.mfa === true,
    };
  }

  async function enroll(ctx: RequestContext) {
    const me = principalOf(ctx);
    const target = { type: 'user' as const, id: me.id, name: me.email };
    return audit.mutate(
      ctx,
      { action: 'mfa.totp.enroll', chain: OPERATOR_CHAIN, target, details: {} },
      async (tx) => {
        if (await hasTotp(me.id, tx))
          throw conflict(
            'two-step verification is already on; remove it first to enroll another authenticator',
          );
        const secret = newTotpSecret();
        await mfa.upsertPendingTotp(tx, me.id, await keys.encrypt(SYSTEM, secret, aad(me.id), tx));
        return enrollmentOf(secret, me.email);
      },
    );
  }

  async function confirm(ctx: RequestContext, code: string) {
    const me = principalOf(ctx);
    const target = { type: 'user' as const, id: me.id, name: me.email };
    const codes = await audit.mutate(
      ctx,
      {
        action: 'mfa.totp.confirm',
        chain: OPERATOR_CHAIN,
        target,
        details: { recovery_codes: RECOVERY_CODE_COUNT },
      },
      async (tx) => {
        const totp = await mfa.findTotp(tx, me.id);
        if (!totp) throw notFound('no enrollment to confirm: start one first (POST /api/v1/auth/mfa/totp)');
        if (totp.confirmed_at) throw conflict('two-step verification is already on');
        const step = await matchTotp(await secretOf(me.id, totp.secret, tx), code.trim());
        if (step === undefined)
          throw invalid(
            `the code '${code.slice(0, 10)}' does not match; check the authenticator app's clock and enter the current 6-digit code`,
          );
        await mfa.confirmTotp(tx, me.id, step);
        const { codes, digests } = newRecoveryCodes();
        await mfa.replaceRecoveryCodes(tx, me.id, digests);
        // The person just proved the second factor: this session counts as MFA from now on.
        await store.markTokenMfa(tx, me.token_id);
        return codes;
      },
    );
    cache.dropToken(me.token_id);
    return { recovery_codes: codes };
  }

  async function remove(ctx: RequestContext, code: string) {
    const me = principalOf(ctx);
    const target = { type: 'user' as const, id: me.id, name: me.email };
    await audit.mutate(
      ctx,
      { action: 'mfa.totp.remove', chain: OPERATOR_CHAIN, target, details: { by: 'self' } },
      async (tx) => {
        if (!(await hasTotp(me.id, tx))) throw notFound('two-step verification is not on');
        const policy = await store.policyOf(tx, me.id);
        if (policy.mfa_required)
          throw conflict(
            'an organization you belong to requires two-step verification, so it cannot be removed',
          );
        const result = await checkSecondFactor(tx, me.id, code);
        if (result !== 'ok')
          throw unauthenticated('that code is wrong or was already used; enter the current code');
        await mfa.deleteTotp(tx, me.id);
      },
    );
  }

  /** The operator removes a person's TOTP (lost device and codes); they enroll again. */
  async function reset(ctx: RequestContext, userId: string) {
    const user = await store.findUser(db, userId);
    if (user?.kind !== 'person') throw notFound(`no account '${userId}'`);
    const target = { type: 'user' as const, id: user.id, name: user.email };
    await audit.mutate(
      ctx,
      { action: 'mfa.totp.remove', chain: OPERATOR_CHAIN, target, details: { by: 'operator' } },
      async (tx) => {
        await mfa.deleteTotp(tx, user.id);
        await store.revokeAllTokens(tx, user.id);
      },
    );
    cache.dropUser(user.id);
  }

  return { checkSecondFactor, hasTotp, status, enroll, confirm, remove, reset };
}

export type MfaService = ReturnType<typeof createMfaService>;
