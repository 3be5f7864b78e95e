/**
 * @module keys/envelope
 * AES-256-GCM with a random 96-bit nonce, and the id of the key in every ciphertext so that any
 * ciphertext says which key opens it (rotation never needs to guess). The caller's `aad` binds a
 * ciphertext to its purpose: a TOTP secret cannot be replayed where a role password is expected.
 *
 *   byte 0      format version (1)
 *   byte 1      length n of the key id
 *   bytes 2…    key id (ASCII), nonce (12), ciphertext, tag (16)
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

const VERSION = 1;
const NONCE = 12;
const TAG = 16;

export function seal(keyId: string, key: Buffer, plaintext: Buffer, aad: string): Buffer {
  const id = Buffer.from(keyId, 'ascii');
  if (id.length > 255) throw new Error('key id too long');
  const nonce = randomBytes(NONCE);
  const cipher = createCipheriv('aes-256-gcm', key, nonce);
  cipher.setAAD(Buffer.from(aad, 'utf8'));
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([Buffer.from([VERSION, id.length]), id, nonce, body, cipher.getAuthTag()]);
}

/** The key id a ciphertext names, without opening it. */
export function keyIdOf(sealed: Buffer): string {
  if (sealed.length < 2 || sealed[0] !== VERSION) throw new Error('not a Ward ciphertext (unknown format)');
  const n = sealed[1] ?? 0;
  if (sealed.length < 2 + n + NONCE + TAG) throw new Error('ciphertext is truncated');
  return sealed.subarray(2, 2 + n).toString('ascii');
}

export function open(key: Buffer, sealed: Buffer, aad: string): Buffer {
  const n = keyIdOf(sealed).length;
  const nonce = sealed.subarray(2 + n, 2 + n + NONCE);
  const tag = sealed.subarray(sealed.length - TAG);
  const body = sealed.subarray(2 + n + NONCE, sealed.length - TAG);
  const decipher = createDecipheriv('aes-256-gcm', key, nonce);
  decipher.setAAD(Buffer.from(aad, 'utf8'));
  decipher.setAuthTag(tag);
  return Buffer.concat([decipher.update(body), decipher.final()]);
}
