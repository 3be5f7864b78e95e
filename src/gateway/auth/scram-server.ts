/**
 * @module gateway/auth/scram-server
 * The server side of SCRAM-SHA-256 towards clients, with tls-server-end-point channel binding
 * (SCRAM-SHA-256-PLUS) over TLS. The proof is checked against each live verifier the login may
 * use (they share the login's salt), so any of a person's current credentials works; nothing in
 * the exchange reveals whether the login exists (unknown logins get a stable decoy salt and
 * always fail at the proof). Every malformed message is a ScramError, never a crash.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { hmac, sha256, xor } from '../../lib/scram.js';

export const SCRAM = 'SCRAM-SHA-256';
export const SCRAM_PLUS = 'SCRAM-SHA-256-PLUS';
const CB_NAME = 'tls-server-end-point';

export class ScramError extends Error {
  constructor(
    message: string,
    /** True when the client sent a malformed exchange, false when its proof was wrong. */
    readonly malformed = true,
  ) {
    super(message);
    this.name = 'ScramError';
  }
}

export interface ScramCandidate<T> {
  storedKey: Buffer;
  serverKey: Buffer;
  value: T;
}

export interface ScramSetup<T> {
  salt: Buffer;
  iterations: number;
  candidates: ScramCandidate<T>[];
  /** The TLS certificate hash for channel binding; undefined without TLS. */
  certHash?: Buffer;
}

const PRINTABLE = /^[\x21-\x2b\x2d-\x7e]+$/;

function attributes(text: string, what: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of text.split(',')) {
    const m = /^([a-zA-Z])=(.*)$/s.exec(part);
    if (!m) throw new ScramError(`malformed SCRAM ${what}`);
    out.set(m[1] as string, m[2] as string);
  }
  return out;
}

export function mechanismsFor(tls: boolean): string[] {
  return tls ? [SCRAM_PLUS, SCRAM] : [SCRAM];
}

/** One exchange. `first` answers the client-first message; `final` checks the proof. */
export function scramExchange<T>(setup: ScramSetup<T>) {
  let gs2Header = '';
  let clientFirstBare = '';
  let serverFirst = '';
  let nonce = '';
  let binding: Buffer | undefined;

  return {
    first(mechanism: string, data: string): string {
      if (mechanism !== SCRAM && mechanism !== SCRAM_PLUS)
        throw new ScramError(`the client chose '${mechanism.slice(0, 40)}'; this server offers ${SCRAM}`);
      const m = /^(n|y|p=[^,]*),([^,]*),(.*)$/s.exec(data);
      if (!m) throw new ScramError('malformed SCRAM client-first message');
      const [, flag, authzid, bare] = m as unknown as [string, string, string, string];
      if (authzid !== '') throw new ScramError('SCRAM authorization identities are not supported');
      if (mechanism === SCRAM_PLUS) {
        if (flag !== `p=${CB_NAME}`)
          throw new ScramError(`${SCRAM_PLUS} needs channel binding type ${CB_NAME}`);
        if (!setup.certHash) throw new ScramError('channel binding needs TLS');
        binding = setup.certHash;
      } else if (flag.startsWith('p=')) {
        throw new ScramError(`channel binding was asked for with ${SCRAM}; use ${SCRAM_PLUS}`);
      } else if (flag === 'y' && setup.certHash) {
        // The client could bind but believes this server cannot: a sign of a downgrade.
        throw new ScramError('the client says the server does not support channel binding, but it does');
      }
      const attrs = attributes(bare, 'client-first message');
      const clientNonce = attrs.get('r');
      if (bare.startsWith('m=') || !attrs.has('n') || !clientNonce || !PRINTABLE.test(clientNonce))
        throw new ScramError('malformed SCRAM client-first message');
      gs2Header = `${flag},${authzid},`;
      clientFirstBare = bare;
      nonce = clientNonce + randomBytes(18).toString('base64');
      serverFirst = `r=${nonce},s=${setup.salt.toString('base64')},i=${setup.iterations}`;
      return serverFirst;
    },

    /** Checks the client's proof; returns the matching candidate and the server-final message. */
    final(data: string): { value: T; serverFinal: string } {
      if (!serverFirst) throw new ScramError('SCRAM client-final message before client-first');
      const proofAt = data.lastIndexOf(',p=');
      if (proofAt < 0) throw new ScramError('SCRAM client-final message has no proof');
      const withoutProof = data.slice(0, proofAt);
      const attrs = attributes(withoutProof, 'client-final message');
      const expectedBinding = Buffer.concat([Buffer.from(gs2Header, 'utf8'), binding ?? Buffer.alloc(0)]);
      const c = attrs.get('c');
      if (c === undefined || !Buffer.from(c, 'base64').equals(expectedBinding))
        throw new ScramError('SCRAM channel binding does not match');
      if (attrs.get('r') !== nonce) throw new ScramError('SCRAM nonce does not match');
      const proof = Buffer.from(data.slice(proofAt + 3), 'base64');
      if (proof.length !== 32) throw new ScramError('malformed SCRAM proof');
      const authMessage = `${clientFirstBare},${serverFirst},${withoutProof}`;
      for (const candidate of setup.candidates) {
        const clientKey = xor(proof, hmac(candidate.storedKey, authMessage));
        if (timingSafeEqual(sha256(clientKey), candidate.storedKey)) {
          const signature = hmac(candidate.serverKey, authMessage).toString('base64');
          return { value: candidate.value, serverFinal: `v=${signature}` };
        }
      }
      throw new ScramError('password does not match', false);
    },
  };
}
