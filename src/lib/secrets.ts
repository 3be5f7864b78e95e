/**
 * @module lib/secrets
 * Random secrets and their one-way digests. Bearer tokens carry 256 random bits; only their
 * SHA-256 digest is stored, so a copy of the database does not hold a usable token.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

export function randomSecret(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

export function sha256(data: string | Buffer): Buffer {
  return createHash('sha256').update(data).digest();
}

export function safeEqual(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}
