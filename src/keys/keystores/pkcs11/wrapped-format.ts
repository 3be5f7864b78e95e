/**
 * @module keys/keystores/pkcs11/wrapped-format
 * The bytes a PKCS#11 keystore stores for a wrapped key: AES-256-GCM done inside the token, with
 * the caller's context as associated data.
 *
 *   byte 0      format version (1)
 *   bytes 1–12  IV (random)
 *   bytes 13…   ciphertext, then the 16-byte tag (as CKM_AES_GCM returns them)
 */
import { Pkcs11KeystoreError } from './pkcs11-errors.js';

export const FORMAT_VERSION = 1;
/** GCM's 96-bit IV: the one size that needs no extra hashing and that every token supports. */
export const IV_BYTES = 12;
/** The full 128-bit tag. */
export const TAG_BYTES = 16;

export interface Wrapped {
  iv: Buffer;
  /** Ciphertext followed by the tag. */
  sealed: Buffer;
}

export function encodeWrapped({ iv, sealed }: Wrapped): Buffer {
  return Buffer.concat([Buffer.from([FORMAT_VERSION]), iv, sealed]);
}

export function decodeWrapped(bytes: Buffer): Wrapped {
  if (bytes.length === 0 || bytes[0] !== FORMAT_VERSION)
    throw new Pkcs11KeystoreError(
      `not a key wrapped by a PKCS#11 keystore (format version ${bytes[0] ?? 'missing'}, expected ${FORMAT_VERSION})`,
    );
  if (bytes.length < 1 + IV_BYTES + TAG_BYTES)
    throw new Pkcs11KeystoreError(
      `the wrapped key is truncated (${bytes.length} bytes, at least ${1 + IV_BYTES + TAG_BYTES})`,
    );
  return { iv: bytes.subarray(1, 1 + IV_BYTES), sealed: bytes.subarray(1 + IV_BYTES) };
}
