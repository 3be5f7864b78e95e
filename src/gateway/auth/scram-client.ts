/**
 * @module gateway/auth/scram-client
 * The client side of SCRAM-SHA-256, used when the gateway logs in to a project's server as a
 * person's database role. Deriving the salted password costs 4096 PBKDF2 rounds, so the derived
 * keys are kept in memory per (password, salt, iterations): reconnects cost two HMACs.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { hmac, keysOf, type ScramKeys, saltedPassword, xor } from '../../lib/scram.js';

const MAX_CACHED = 1000;
const derived = new Map<string, ScramKeys>();

async function keysFor(password: string, salt: Buffer, iterations: number): Promise<ScramKeys> {
  const id = createHash('sha256').update(password).update(salt).update(String(iterations)).digest('base64');
  const hit = derived.get(id);
  if (hit) return hit;
  const keys = keysOf(await saltedPassword(password, salt, iterations));
  if (derived.size >= MAX_CACHED) derived.delete(derived.keys().next().value as string);
  derived.set(id, keys);
  return keys;
}

export function scramClient(password: string) {
  const clientNonce = randomBytes(18).toString('base64');
  const clientFirstBare = `n=,r=${clientNonce}`;
  let expectedServerSignature: Buffer | undefined;

  return {
    first: (): string => `n,,${clientFirstBare}`,

    async final(serverFirst: string): Promise<string> {
      const attrs = new Map(serverFirst.split(',').map((p) => [p.slice(0, 1), p.slice(2)] as const));
      const nonce = attrs.get('r') ?? '';
      const salt = Buffer.from(attrs.get('s') ?? '', 'base64');
      const iterations = Number(attrs.get('i'));
      if (
        !nonce.startsWith(clientNonce) ||
        salt.length === 0 ||
        !Number.isInteger(iterations) ||
        iterations < 1
      )
        throw new Error('the database server sent a malformed SCRAM challenge');
      const keys = await keysFor(password, salt, iterations);
      const withoutProof = `c=${Buffer.from('n,,').toString('base64')},r=${nonce}`;
      const authMessage = `${clientFirstBare},${serverFirst},${withoutProof}`;
      const proof = xor(keys.clientKey, hmac(keys.storedKey, authMessage));
      expectedServerSignature = hmac(keys.serverKey, authMessage);
      return `${withoutProof},p=${proof.toString('base64')}`;
    },

    verify(serverFinal: string): void {
      const v = Buffer.from(/^v=(.*)$/.exec(serverFinal)?.[1] ?? '', 'base64');
      if (!expectedServerSignature || v.length !== 32 || !timingSafeEqual(v, expectedServerSignature))
        throw new Error('the database server failed to prove it knows the password');
    },
  };
}
