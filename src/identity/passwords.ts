/**
 * @module identity/passwords
 * Password hashing with argon2id (OWASP parameters: 19 MiB, 2 passes, 1 lane) and the password
 * policy: 12 to 128 characters, not one of the ~49,000 most common passwords (the list zxcvbn
 * ships), no composition rules (NIST SP 800-63B).
 */
import { hash, type Options, verify } from '@node-rs/argon2';
import { dictionary } from '@zxcvbn-ts/language-common';
import { invalid } from '../lib/errors.js';

// `Algorithm` is a const enum in the binding's types, which isolated modules cannot inline.
const ARGON2ID = 2 as Options['algorithm'];
const OPTIONS: Options = { algorithm: ARGON2ID, memoryCost: 19_456, timeCost: 2, parallelism: 1 };

export const PASSWORD_MIN = 12;
export const PASSWORD_MAX = 128;

export function checkPasswordPolicy(password: string): void {
  const length = [...password].length;
  if (length < PASSWORD_MIN)
    throw invalid(`the password has ${length} characters; use at least ${PASSWORD_MIN}`);
  if (length > PASSWORD_MAX)
    throw invalid(`the password has ${length} characters; use at most ${PASSWORD_MAX}`);
  if (isCommon(password))
    throw invalid('that password is on the list of commonly used passwords; choose one nobody would guess');
}

let common: Set<string> | undefined;

/** Only the list's entries of 12 characters or more can ever match; the rest fail the length. */
function isCommon(password: string): boolean {
  common ??= new Set(dictionary['passwords-common'].filter((p) => p.length >= PASSWORD_MIN));
  return common.has(password.toLowerCase());
}

export function hashPassword(password: string): Promise<string> {
  return hash(password, OPTIONS);
}

/** A hash of a random password, verified against when the account does not exist, so that a
 * refusal takes as long for an unknown address as for a wrong password. */
let decoy: Promise<string> | undefined;

export async function verifyPassword(storedHash: string | undefined, password: string): Promise<boolean> {
  if (storedHash === undefined) {
    decoy ??= hashPassword(`decoy-${Math.random()}`);
    await verify(await decoy, password).catch(() => false);
    return false;
  }
  return verify(storedHash, password).catch(() => false);
}
