/**
 * @module keys/keystores/pkcs11/pkcs11-errors
 * The keystore's one error class, and how to read the return value (CKR_*) out of an error the
 * pkcs11js binding threw. Messages name the module, token and key label, never a PIN or a key.
 */

/** A PKCS#11 keystore problem, with a message that says what to fix. */
export class Pkcs11KeystoreError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'Pkcs11KeystoreError';
  }
}

/** The CKR_* name of a failed PKCS#11 call, or undefined when `err` is not one. */
export function ckr(err: unknown): string | undefined {
  if (!(err instanceof Error) || err.name !== 'Pkcs11Error') return undefined;
  return /CKR_[A-Z0-9_]+/.exec(err.message)?.[0];
}

/**
 * Return values that mean the session is gone (token removed or re-initialised, module reset):
 * opening a new one, with a fresh search for the token, may succeed.
 */
const SESSION_LOST = new Set([
  'CKR_SESSION_HANDLE_INVALID',
  'CKR_SESSION_CLOSED',
  'CKR_USER_NOT_LOGGED_IN',
  'CKR_DEVICE_REMOVED',
  'CKR_DEVICE_ERROR',
  'CKR_TOKEN_NOT_PRESENT',
  'CKR_TOKEN_NOT_RECOGNIZED',
  'CKR_SLOT_ID_INVALID',
]);

export const isSessionLost = (err: unknown): boolean => SESSION_LOST.has(ckr(err) ?? '');

/** Return values that mean the key handle no longer names an object (deleted, or a new session). */
const HANDLE_GONE = new Set(['CKR_OBJECT_HANDLE_INVALID', 'CKR_KEY_HANDLE_INVALID']);

export const isHandleGone = (err: unknown): boolean => HANDLE_GONE.has(ckr(err) ?? '');

/** `err`'s CKR_* name when it has one, else its message: for the end of an error message. */
export const reasonOf = (err: unknown): string => ckr(err) ?? (err as Error).message;
