/**
 * @module identity/tokens
 * Bearer token format: `ward_<kind>_<43 base64url characters>` (256 random bits). The kind in
 * the prefix lets secret scanners and people tell tokens apart; only the SHA-256 digest of the
 * whole string is stored.
 */
import type { TokenKind } from '../db/index.js';
import { randomSecret, sha256 } from '../lib/secrets.js';

const PREFIX: Record<TokenKind, string> = {
  session: 'ward_ses_',
  personal: 'ward_pat_',
  service: 'ward_sat_',
};
const SHAPE = /^ward_(ses|pat|sat)_[A-Za-z0-9_-]{43}$/;

export function newToken(kind: TokenKind): { token: string; digest: Buffer } {
  const token = `${PREFIX[kind]}${randomSecret(32)}`;
  return { token, digest: sha256(token) };
}

export function tokenDigest(token: string): Buffer | undefined {
  return SHAPE.test(token) ? sha256(token) : undefined;
}
