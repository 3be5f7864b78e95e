/**
 * @module identity/totp
 * TOTP (RFC 6238: SHA-1, 6 digits, 30-second steps, one step of clock drift either way) with
 * otplib, the enrollment QR code with uqr, and one-time recovery codes (80 random bits each,
 * shown once, kept only as SHA-256 digests).
 */
import { randomBytes } from 'node:crypto';
import { generate, generateSecret, generateURI, verify } from 'otplib';
import { renderSVG, renderUnicodeCompact } from 'uqr';
import { sha256 } from '../lib/secrets.js';

export const ISSUER = 'Ward';
export const RECOVERY_CODE_COUNT = 10;
const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567';

export function newTotpSecret(): string {
  return generateSecret({ length: 20 });
}

export function enrollmentOf(secret: string, email: string) {
  const uri = generateURI({ issuer: ISSUER, label: email, secret });
  return { secret, otpauth_uri: uri, qr_svg: renderSVG(uri, { border: 2 }) };
}

/** The QR code as text for a terminal (two rows per character). */
export const qrForTerminal = (uri: string): string => renderUnicodeCompact(uri, { border: 2 });

/** The time step a code matches (within one step of now), or undefined. */
export async function matchTotp(secret: string, code: string): Promise<number | undefined> {
  if (!/^\d{6}$/.test(code)) return undefined;
  const result = await verify({ secret, token: code, epochTolerance: 30 });
  return result.valid && 'timeStep' in result ? result.timeStep : undefined;
}

/** The current code, for tests and for nothing else in Ward. */
export const currentTotp = (secret: string, epoch?: number): Promise<string> =>
  generate({ secret, ...(epoch === undefined ? {} : { epoch }) });

export function newRecoveryCodes(): { codes: string[]; digests: Buffer[] } {
  const codes = Array.from({ length: RECOVERY_CODE_COUNT }, () => {
    let s = '';
    for (const b of randomBytes(16)) s += BASE32[b & 31];
    return `${s.slice(0, 4)}-${s.slice(4, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}`;
  });
  return { codes, digests: codes.map(recoveryDigest) };
}

export const looksLikeRecoveryCode = (code: string): boolean =>
  /^[a-z2-7]{4}-?[a-z2-7]{4}-?[a-z2-7]{4}-?[a-z2-7]{4}$/.test(code.trim().toLowerCase());

/** Dashes and case do not matter when a person types a recovery code back. */
export function recoveryDigest(code: string): Buffer {
  return sha256(`ward-recovery:${code.trim().toLowerCase().replaceAll('-', '')}`);
}
