/**
 * @module lib/scram
 * SCRAM-SHA-256 arithmetic (RFC 5802, RFC 7677), shared by the code that stores verifiers and
 * the code that runs the exchange. A verifier (salt, iterations, StoredKey, ServerKey) lets a
 * server check a password without keeping it; PostgreSQL accepts one in CREATE ROLE as
 * `SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>`, so a plaintext never has to reach
 * the server either.
 */
import { createHash, createHmac, pbkdf2 } from 'node:crypto';

export const SCRAM_ITERATIONS = 4096;

export interface ScramKeys {
  clientKey: Buffer;
  storedKey: Buffer;
  serverKey: Buffer;
}

export interface ScramVerifier {
  salt: Buffer;
  iterations: number;
  storedKey: Buffer;
  serverKey: Buffer;
}

export const hmac = (key: Buffer, data: string | Buffer): Buffer =>
  createHmac('sha256', key).update(data).digest();
export const sha256 = (data: Buffer): Buffer => createHash('sha256').update(data).digest();

export function xor(a: Buffer, b: Buffer): Buffer {
  const out = Buffer.allocUnsafe(a.length);
  for (let i = 0; i < a.length; i++) out[i] = (a[i] as number) ^ (b[i] ?? 0);
  return out;
}

/** Hi(password, salt, i): PBKDF2-HMAC-SHA-256 off the event loop. */
export function saltedPassword(password: string, salt: Buffer, iterations: number): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    pbkdf2(password.normalize('NFKC'), salt, iterations, 32, 'sha256', (err, key) =>
      err ? reject(err) : resolve(key),
    ),
  );
}

export function keysOf(salted: Buffer): ScramKeys {
  const clientKey = hmac(salted, 'Client Key');
  return { clientKey, storedKey: sha256(clientKey), serverKey: hmac(salted, 'Server Key') };
}

export async function scramVerifier(
  password: string,
  salt: Buffer,
  iterations = SCRAM_ITERATIONS,
): Promise<ScramVerifier> {
  const { storedKey, serverKey } = keysOf(await saltedPassword(password, salt, iterations));
  return { salt, iterations, storedKey, serverKey };
}

/** The verifier in the form PostgreSQL stores (and accepts as a password in CREATE/ALTER ROLE). */
export function pgVerifierString(v: ScramVerifier): string {
  const b64 = (b: Buffer) => b.toString('base64');
  return `SCRAM-SHA-256$${v.iterations}:${b64(v.salt)}$${b64(v.storedKey)}:${b64(v.serverKey)}`;
}
