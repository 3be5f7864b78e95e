/**
 * @module lib/ids
 * Identifiers: a short type prefix and 16 lowercase base32 characters (80 random bits). They
 * name things and appear in paths (a project's socket path must stay under 107 bytes), so they
 * are short; they are never secrets.
 */
import { randomBytes } from 'node:crypto';

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz234567';

export const ID_PREFIXES = [
  'usr',
  'org',
  'prj',
  'tok',
  'evt',
  'op',
  'key',
  'baa',
  'crt',
  'sa',
  'brk',
  'rev',
  'dbc',
  'dbs',
  'snk',
] as const;
export type IdPrefix = (typeof ID_PREFIXES)[number];

/**
 * Random bytes are drawn 4 KiB at a time and handed out 10 at a time: ids are minted per audit
 * event (tens of thousands a second through the gateway), and one CSPRNG call per id cost more
 * than the rest of newId. Same generator, same 80 random bits per id.
 */
let pool = Buffer.alloc(0);
let poolAt = 0;
function randomTen(): Buffer {
  if (poolAt + 10 > pool.length) {
    pool = randomBytes(4096);
    poolAt = 0;
  }
  poolAt += 10;
  return pool.subarray(poolAt - 10, poolAt);
}

export function newId(prefix: IdPrefix): string {
  const bytes = randomTen();
  let out = '';
  let bits = 0;
  let value = 0;
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += ALPHABET[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  return `${prefix}_${out}`;
}

const ID_SHAPE = /^[a-z]{2,3}_[a-z2-7]{16}$/;

export function looksLikeId(value: string, prefix?: IdPrefix): boolean {
  return ID_SHAPE.test(value) && (prefix === undefined || value.startsWith(`${prefix}_`));
}
