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
  'wit',
  'att',
  'dec',
  'rpt',
  'sub',
  'ntc',
  'inc',
  'ikn',
  'hld',
  'ltr',
  'pkt',
  'alr',
  'sbk',
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

/** The same 32 characters in ASCII order, so that an id's text sorts as its number does. */
const SORTED_ALPHABET = '234567abcdefghijklmnopqrstuvwxyz';
/** Base32 of `value` in `chars` characters, most significant first (value < 32 ** chars). */
function sortedBase32(value: number, chars: number): string {
  let out = '';
  for (let i = chars - 1; i >= 0; i--) out += SORTED_ALPHABET[Math.floor(value / 32 ** i) % 32];
  return out;
}

/** This process's 20 random bits (the ids' last 4 characters), and the last millisecond and counter used. */
const nodeChars = sortedBase32(randomTen().readUIntBE(0, 3) >>> 4, 4);
let lastMs = 0;
let msChars = '';
let counter = 0;

/**
 * An audit event's id, ordered by creation: 45 bits of milliseconds since the Unix epoch (enough
 * until the year 3084), 15 bits counting ids within that millisecond, then 20 random bits fixed
 * for this process, written in base32 with the alphabet in ASCII order, so the ids one process
 * makes are strictly increasing as text. Events are indexed by id; random ids put each insert on
 * a random page of that index, and after every checkpoint each such page is first written to the
 * WAL whole, which grows with the index (measured on a million events: WAL per event after a
 * CHECKPOINT 2.5 KB, against 1.8 KB between them). Increasing ids all land on its last page.
 * Unique within a process by construction (a clock that steps back, or more than 32,768 ids in
 * one millisecond, borrow the next millisecond); two processes differ in their random bits.
 * Each part falls on a character boundary (9 + 3 + 4), so only the counter is written per id.
 */
export function newEventId(now = Date.now()): string {
  if (now > lastMs) {
    lastMs = now;
    counter = 0;
  } else if (++counter >= 1 << 15) {
    lastMs += 1;
    counter = 0;
  }
  if (counter === 0) msChars = sortedBase32(lastMs, 9);
  const c =
    (SORTED_ALPHABET[counter >>> 10] as string) +
    SORTED_ALPHABET[(counter >>> 5) & 31] +
    SORTED_ALPHABET[counter & 31];
  return `evt_${msChars}${c}${nodeChars}`;
}

/**
 * The millisecond an event id was made (its first 9 characters, see newEventId), which is the
 * event's time (audit.service gives both from one clock reading); undefined for what is not an
 * event id. An id made while the clock stood behind an earlier one carries that earlier
 * millisecond, at most a few ahead of the event's time.
 */
export function eventIdTime(id: string): number | undefined {
  if (!/^evt_[a-z2-7]{16}$/.test(id)) return undefined;
  let ms = 0;
  for (let i = 4; i < 13; i++) ms = ms * 32 + SORTED_ALPHABET.indexOf(id[i] as string);
  return ms;
}

const ID_SHAPE = /^[a-z]{2,3}_[a-z2-7]{16}$/;

export function looksLikeId(value: string, prefix?: IdPrefix): boolean {
  return ID_SHAPE.test(value) && (prefix === undefined || value.startsWith(`${prefix}_`));
}
