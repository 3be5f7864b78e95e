/**
 * @module gateway/auth/lockout
 * The web sign-in's lockout policy at the gateway (identity's sign-in guard: the same counters
 * and thresholds, so database and web failures add up per login and per client address). A
 * locked login or address is refused before any password is asked for, with the same answer
 * whether or not the login exists; a wrong password counts; a right one clears the login's count.
 */
import { HARD_LOCK_FAILURES, type IdentityService, lockTime, type SignInLock } from '../../identity/index.js';
import { GatewayError } from '../errors.js';
import { SQLSTATE } from '../protocol/codes.js';

type Guard = IdentityService['signInGuard'];

/** Refusals that mean the password (credential or token) was wrong for this login. */
const WRONG_PASSWORD = new Set(['bad_password', 'bad_token', 'token_of_another_account']);

const UNLOCK_HINT = 'The operator can unlock an account with `ward user unlock <email>`.';

function lockedOut(lock: SignInLock): GatewayError {
  const message =
    lock.reason === 'address_locked'
      ? `too many failed sign-ins from your network address; try again after ${lockTime(lock.until)}`
      : lock.hard
        ? `this login is locked after ${HARD_LOCK_FAILURES} consecutive failed sign-ins; the operator can unlock it (ward user unlock)`
        : `too many failed sign-ins for this login; try again after ${lockTime(lock.until)}`;
  return new GatewayError(
    SQLSTATE.invalid_authorization_specification,
    message,
    lock.reason === 'locked' ? UNLOCK_HINT : undefined,
    lock.reason,
  );
}

/** Throws the refusal when the login or the client address is locked. */
export async function refuseIfLocked(guard: Guard, login: string, ip: string | null): Promise<void> {
  const lock = await guard.lockOf(login, ip);
  if (lock) throw lockedOut(lock);
}

/**
 * Counts a failed authentication: a wrong password for a login that has a project here counts
 * for the login and the address; one with no project (unknown login or database) for the
 * address only, as the exchange fails whatever the password was.
 */
export async function countIfFailed(
  guard: Guard,
  err: unknown,
  attempt: { login: string; ip: string | null; known: boolean },
): Promise<void> {
  if (!(err instanceof GatewayError)) return;
  if (attempt.known && WRONG_PASSWORD.has(err.reason)) await guard.countFailure(attempt.login, attempt.ip);
  else if (!attempt.known && err.sqlstate === SQLSTATE.invalid_password)
    await guard.countFailure(undefined, attempt.ip);
}
