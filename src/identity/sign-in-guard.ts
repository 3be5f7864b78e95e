/**
 * @module identity/sign-in-guard
 * The lockout policy every way of signing in shares (the web sign-in and the Postgres gateway):
 * one set of counters per login (an email, or a service account's name, whether or not an
 * account has it) and per client address, one set of thresholds (`lockout.*`). Callers ask
 * before any password work, count a failed password, and clear the login's count on success;
 * each caller audits its own refusals and words them for its own client.
 */
import type { Db } from '../db/index.js';
import * as store from './identity.store.js';

/** `lockout.*` of the config: consecutive failures per login, minutes, failures per address. */
export interface LockoutSettings {
  maxFailures: number;
  minutes: number;
  addressMaxFailures: number;
}

/** Why a sign-in is refused before its password is looked at, and until when. */
export interface SignInLock {
  reason: 'locked' | 'address_locked';
  until: Date;
  /** Locked until the operator unlocks it (HARD_LOCK_FAILURES consecutive failures). */
  hard: boolean;
}

export const HARD_LOCK_FAILURES = store.HARD_LOCK_FAILURES;

export function createSignInGuard(deps: { db: Db; lockout: LockoutSettings }) {
  const { db, lockout } = deps;

  /** The lock on the client address, else on the login, if either is in force. */
  async function lockOf(login: string, address: string | null | undefined): Promise<SignInLock | undefined> {
    const addressUntil = address ? await store.addressLock(db, address) : undefined;
    if (addressUntil) return { reason: 'address_locked', until: addressUntil, hard: false };
    const state = await store.lockState(db, login);
    if (state?.locked_until && state.locked_until > new Date())
      return { reason: 'locked', until: state.locked_until, hard: store.isHardLock(state.locked_until) };
    return undefined;
  }

  /** One more failed password for `login` (when given) and for the client address (when known). */
  async function countFailure(login: string | undefined, address: string | null | undefined): Promise<void> {
    if (login) await store.countFailure(db, login, lockout.maxFailures, lockout.minutes);
    if (address) await store.countAddressFailure(db, address, lockout.addressMaxFailures, lockout.minutes);
  }

  /** A right password: the login's consecutive failures start again from zero. */
  async function clearFailures(login: string): Promise<void> {
    await store.clearFailures(db, login);
  }

  return { lockOf, countFailure, clearFailures };
}

export type SignInGuard = ReturnType<typeof createSignInGuard>;

/** `until` as the messages say it: minutes, UTC (2026-03-01T14:05Z). */
export const lockTime = (until: Date): string => `${until.toISOString().slice(0, 16)}Z`;
