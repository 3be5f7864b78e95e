/**
 * @module evidence/chain
 * The hash chain: `hash = SHA-256(prev_hash || canonical JSON of the event)`, RFC 8785 canonical
 * form, a chain's first event linking to 32 zero bytes. The hashed fields are exactly those of
 * `ChainedFields`; adding a field changes every hash and is a format version change.
 */
import { hash } from 'node:crypto';
import { canonicalize } from './canonical.js';

export const GENESIS_HASH = Buffer.alloc(32);
export const OPERATOR_CHAIN = 'operator';

export interface ChainedFields {
  chain: string;
  seq: number;
  id: string;
  time: string;
  /** One of audit/actions.ts's vocabulary; the format itself takes any name. */
  action: string;
  outcome: string;
  actor: Record<string, unknown>;
  /** `{type, id, name}` (audit/actions.ts's AuditTarget). */
  target: object;
  details: Record<string, unknown>;
}

/**
 * The canonical text of an event: its nine members written directly in RFC 8785 order (the
 * same bytes as `canonicalize` of the object, which canonical.test.ts checks), so only the
 * nested values are serialized member by member.
 */
export function canonicalEvent(e: ChainedFields): string {
  return canonicalEventAt(e, e.seq);
}

/**
 * `canonicalEvent` of `e` numbered `seq`. The writer numbers events as it hashes them; passing
 * the number beside the event, instead of a copy of the event with it, saved about a third of
 * the cost (the copies' shapes kept V8 making new hidden classes).
 */
export function canonicalEventAt(
  e: Omit<ChainedFields, 'seq'> & {
    /** The details' canonical text when their maker wrote it (gateway/event-text). */
    detailsText?: string;
  },
  seq: number,
): string {
  if (!Number.isSafeInteger(seq)) throw new TypeError(`an event's seq must be an integer, not ${seq}`);
  return `{"action":${JSON.stringify(e.action)},"actor":${canonicalize(e.actor)},"chain":${JSON.stringify(e.chain)},"details":${e.detailsText ?? canonicalize(e.details)},"id":${JSON.stringify(e.id)},"outcome":${JSON.stringify(e.outcome)},"seq":${seq},"target":${canonicalize(e.target)},"time":${JSON.stringify(e.time)}}`;
}

/**
 * Reused by `linkHash`: one-shot hashing of one buffer is about twice as fast as a Hash object.
 * The digest is asked for as a 'binary' (latin1: one char per byte, lossless) string and copied
 * into a pooled Buffer; asked for as a Buffer it costs a fresh ArrayBuffer each time, which made
 * verifying a whole chain a quarter slower.
 */
let scratch = Buffer.allocUnsafe(4096);

/**
 * SHA-256(prevHash || UTF-8 of body): the link every event's `hash` is. A body read from the
 * database as bytes (binary COPY) is hashed as it is, with no decode and re-encode.
 */
export function linkHash(prevHash: Buffer, body: string | Buffer): Buffer {
  const at = prevHash.length;
  const most = at + (typeof body === 'string' ? body.length * 3 : body.length);
  if (scratch.length < most) scratch = Buffer.allocUnsafe(most);
  prevHash.copy(scratch, 0);
  const n = typeof body === 'string' ? scratch.write(body, at, 'utf8') : body.copy(scratch, at);
  return Buffer.from(hash('sha256', scratch.subarray(0, at + n), 'binary'), 'latin1');
}

export function chainHash(prevHash: Buffer, e: ChainedFields): Buffer {
  return linkHash(prevHash, canonicalEvent(e));
}
