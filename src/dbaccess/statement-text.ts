/**
 * @module dbaccess/statement-text
 * Raw statement text, kept only encrypted: it can hold PHI in its literals. Each gateway session
 * draws a data key, which the project's key wraps (keys.encrypt, AES-256-GCM) into the session's
 * `db.connect` event; each distinct statement text is sealed under that data key with AES-256-GCM,
 * its associated data naming the session and the text, into its `db.statement` event. Reading one
 * back (the audited break-glass read) unwraps the session key with the project's key; destroying
 * the project's key (crypto-shredding) makes every text unreadable.
 */
import { createCipheriv, randomBytes } from 'node:crypto';
import { open } from '../keys/index.js';

export const sessionKeyAad = (sessionId: string): string => `ward-statement-key:${sessionId}`;
export const statementAad = (sessionId: string, textId: number): string =>
  `ward-statement:${sessionId}:${textId}`;

export const newSessionKey = (): Buffer => randomBytes(32);

/**
 * Seals a session's texts in keys/envelope.ts's format (so `open` reads them); the session's
 * header bytes and associated-data prefix are made once, since the gateway seals every statement
 * it sees. The nonce is the text's number within the session: the key is the session's own and
 * the numbers never repeat, so no nonce repeats under a key, without drawing random bytes for
 * every statement.
 */
export function statementSealer(sessionId: string, key: Buffer): (textId: number, text: Buffer) => Buffer {
  const id = Buffer.from(sessionId, 'ascii');
  const header = Buffer.concat([Buffer.from([1, id.length]), id]);
  const aadPrefix = statementAad(sessionId, 0).slice(0, -1);
  return (textId, text) => {
    const nonce = Buffer.alloc(12);
    nonce.writeUInt32BE(Math.floor(textId / 2 ** 32), 4);
    nonce.writeUInt32BE(textId >>> 0, 8);
    const cipher = createCipheriv('aes-256-gcm', key, nonce);
    cipher.setAAD(Buffer.from(`${aadPrefix}${textId}`, 'utf8'));
    const body = cipher.update(text);
    const final = cipher.final();
    return Buffer.concat([header, nonce, body, final, cipher.getAuthTag()]);
  };
}

export function openStatement(sessionId: string, key: Buffer, textId: number, sealed: Buffer): Buffer {
  return open(key, sealed, statementAad(sessionId, textId));
}
