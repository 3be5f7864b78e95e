/**
 * @module keys/keystores/pkcs11/token-session
 * One logged-in session with the token that has a given label. It is opened on first use and
 * again after it was lost (token removed and re-inserted, re-initialised, module reset); the token
 * is looked up by label each time, as its slot may have changed. Calls are synchronous on purpose:
 * an operation's Init and its single-part call then never interleave with another operation on
 * the same session.
 *
 * PKCS#11 logs in per process, not per session: while another session of this process is logged
 * in to the token, C_Login answers CKR_USER_ALREADY_LOGGED_IN without checking the PIN. One
 * keystore per token per process (Ward's case) always has its PIN checked.
 */
import type { Handle } from 'pkcs11js';
import { ckr, isSessionLost, Pkcs11KeystoreError, reasonOf } from './pkcs11-errors.js';
import type { Pkcs11Module } from './pkcs11-module.js';

/** A session and what the caller found with it; a new session starts with nothing found. */
export interface Connection {
  readonly session: Handle;
  key?: Handle;
}

export interface TokenSession {
  /** Runs `fn` with a logged-in session, opening a new one once if the current one was lost. */
  use<T>(fn: (conn: Connection) => T): T;
  /** Closes the session (the module stays loaded for its other users). Idempotent. */
  close(): void;
}

export interface TokenSessionOptions {
  token: string;
  pin: string;
  /** What the session is for, to end error messages with (e.g. `key "root"`). */
  purpose: string;
}

/** A token label as the module reports it, without the padding (blanks or NULs). */
export const tokenLabel = (raw: string): string => raw.replace(/[\s\0]+$/, '');

export function openTokenSession(mod: Pkcs11Module, opts: TokenSessionOptions): TokenSession {
  const { api, ck } = mod;
  const { token, purpose } = opts;
  let current: Connection | undefined;
  let closed = false;

  function findSlot(): { slot: Handle; flags: number } {
    const found: Array<{ slot: Handle; flags: number }> = [];
    const others: string[] = [];
    for (const slot of api.C_GetSlotList(true)) {
      const info = api.C_GetTokenInfo(slot);
      if (!(info.flags & ck.CKF_TOKEN_INITIALIZED)) continue;
      const label = tokenLabel(info.label);
      if (label === token) found.push({ slot, flags: info.flags });
      else others.push(`"${label}"`);
    }
    const [first, second] = found;
    if (second)
      throw new Pkcs11KeystoreError(
        `${found.length} tokens are labelled "${token}" in PKCS#11 module ${mod.path}, so ${purpose} is ambiguous; give each token its own label`,
      );
    if (!first)
      throw new Pkcs11KeystoreError(
        `no token labelled "${token}" is present in PKCS#11 module ${mod.path} (${others.length ? `tokens present: ${others.join(', ')}` : 'no token is present'}), so ${purpose} cannot be reached; connect the HSM or set token to the right label`,
      );
    return first;
  }

  function logIn(session: Handle, flags: number): void {
    if (!(flags & ck.CKF_LOGIN_REQUIRED)) return;
    if (flags & ck.CKF_USER_PIN_LOCKED)
      throw new Pkcs11KeystoreError(
        `the user PIN of token "${token}" is locked after too many wrong attempts, so ${purpose} cannot be used; the token's security officer must reset it`,
      );
    try {
      api.C_Login(session, ck.CKU_USER, opts.pin);
    } catch (err) {
      const code = ckr(err);
      if (code === 'CKR_USER_ALREADY_LOGGED_IN') return; // another session of this process logged in
      if (code === 'CKR_PIN_INCORRECT' || code === 'CKR_PIN_LEN_RANGE')
        throw new Pkcs11KeystoreError(
          `the PIN for token "${token}" is wrong (${code}), so ${purpose} cannot be used; set pin to the token's user PIN`,
        );
      if (code === 'CKR_USER_PIN_NOT_INITIALIZED')
        throw new Pkcs11KeystoreError(
          `token "${token}" has no user PIN (it was initialised but C_InitPIN was not run), so ${purpose} cannot be used; the token's security officer must set the user PIN`,
        );
      if (code === 'CKR_PIN_LOCKED')
        throw new Pkcs11KeystoreError(
          `the user PIN of token "${token}" is locked, so ${purpose} cannot be used; the token's security officer must reset it`,
        );
      throw new Pkcs11KeystoreError(
        `could not log in to token "${token}" (${reasonOf(err)}) to use ${purpose}`,
      );
    }
  }

  function connect(): Connection {
    const { slot, flags } = findSlot();
    const session = api.C_OpenSession(slot, ck.CKF_SERIAL_SESSION);
    try {
      logIn(session, flags);
    } catch (err) {
      api.C_CloseSession(session);
      throw err;
    }
    return { session };
  }

  function drop(): void {
    const conn = current;
    current = undefined;
    if (!conn) return;
    try {
      api.C_CloseSession(conn.session);
    } catch {
      // Already gone with the token; nothing to close.
    }
  }

  return {
    use(fn) {
      if (closed) throw new Pkcs11KeystoreError(`the session with token "${token}" for ${purpose} is closed`);
      for (let attempt = 1; ; attempt++) {
        current ??= connect();
        try {
          return fn(current);
        } catch (err) {
          if (attempt > 1 || !isSessionLost(err)) throw err;
          drop();
        }
      }
    },
    close() {
      closed = true;
      drop();
    },
  };
}
