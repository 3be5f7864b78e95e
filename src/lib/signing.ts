/**
 * @module lib/signing
 * Ward's Ed25519 signing key: audit checkpoints and certificates (of destruction, …) are signed
 * with it so that anyone holding the public key can check them offline, without Ward. The private
 * key lives in `$WARD_HOME/keys/signing.key` (PKCS#8 PEM, 0600), created on first start; the key
 * id is the first 16 hex digits of the SHA-256 of the public key (SPKI DER).
 */
import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  hkdfSync,
  sign,
  verify,
} from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { exists, modeOf, writeFileAtomic } from './fs.js';

export const SIGNING_KEY_FILE = 'signing.key';

export interface Signer {
  keyId: string;
  /** The public key, PEM (SPKI). */
  publicKeyPem: string;
  sign(data: Buffer | string): Buffer;
  /**
   * A 32-byte secret for `label`, derived from the private key (HKDF-SHA-256), so that every
   * Ward process holding the key file derives the same one and nobody without it can.
   */
  deriveKey(label: string): Buffer;
}

export function keyIdOfPublicKey(publicKeyPem: string): string {
  const der = createPublicKey(publicKeyPem).export({ type: 'spki', format: 'der' });
  return createHash('sha256').update(der).digest('hex').slice(0, 16);
}

export function verifySignature(publicKeyPem: string, data: Buffer | string, signature: Buffer): boolean {
  try {
    return verify(
      null,
      Buffer.isBuffer(data) ? data : Buffer.from(data, 'utf8'),
      createPublicKey(publicKeyPem),
      signature,
    );
  } catch {
    return false;
  }
}

export async function loadSigner(keysDir: string): Promise<Signer> {
  const path = join(keysDir, SIGNING_KEY_FILE);
  if (!(await exists(path))) {
    const { privateKey } = generateKeyPairSync('ed25519');
    await writeFileAtomic(path, privateKey.export({ type: 'pkcs8', format: 'pem' }), 0o600);
  }
  const mode = await modeOf(path);
  if (mode & 0o077)
    throw new Error(
      `${path} is mode ${mode.toString(8)}; the signing key must be readable by Ward alone (chmod 600)`,
    );
  const privateKey = createPrivateKey(await readFile(path, 'utf8'));
  if (privateKey.asymmetricKeyType !== 'ed25519') throw new Error(`${path} is not an Ed25519 key`);
  const publicKeyPem = createPublicKey(privateKey).export({ type: 'spki', format: 'pem' }).toString();
  return {
    keyId: keyIdOfPublicKey(publicKeyPem),
    publicKeyPem,
    sign: (data) => sign(null, Buffer.isBuffer(data) ? data : Buffer.from(data, 'utf8'), privateKey),
    deriveKey: (label) =>
      Buffer.from(
        hkdfSync('sha256', privateKey.export({ type: 'pkcs8', format: 'der' }), Buffer.alloc(0), label, 32),
      ),
  };
}
