/**
 * @module audit/batch-codec
 * The payload of a stored batch (table audit_batches, migration 0065): a run of consecutive
 * events of one chain, each as the bytes that were hashed, the hash it links to and the hash it
 * made. Per event: a uint32 (big-endian) byte length, that many bytes of the event's RFC 8785
 * canonical JSON, the 32-byte hash before it, then its own 32-byte hash. The seq of each event is
 * its batch's first_seq plus its place. A reader rebuilds exactly the rows (seq, prev_hash, hash,
 * body) the chain format defines, and verification re-hashes the stored bytes. Each event keeps
 * the link it was written with, as a row of audit_events does, so an event rewritten and re-hashed
 * inside a batch is named by the next one's link, not mistaken for damage to the next one.
 */
import type { ChainRow } from '../evidence/index.js';

const HASH_BYTES = 32;
const NO_BYTES = Buffer.alloc(0);

/** A payload under construction: events appended in order. */
export class PayloadWriter {
  private buf: Buffer;
  private at = 0;

  constructor(expectedBytes = 16_384) {
    this.buf = Buffer.allocUnsafe(Math.max(256, expectedBytes));
  }

  private room(n: number): void {
    if (this.at + n <= this.buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.at + n));
    this.buf.copy(next, 0, 0, this.at);
    this.buf = next;
  }

  /** Appends one event: its hashed text, the hash it links to, and its hash. */
  push(body: string, prev: Buffer, hash: Buffer): void {
    this.text(body);
    this.link(prev, hash);
  }

  /**
   * Appends an event's text and returns its bytes as written (a view), for hashing them: the
   * text is encoded once, here. `link` must follow with the event's hashes before the next text.
   */
  text(body: string): Buffer {
    // Room for the hashes too, so that `link` never moves the buffer the view points into.
    this.room(4 + body.length * 3 + 2 * HASH_BYTES);
    const n = this.buf.write(body, this.at + 4, 'utf8');
    this.buf.writeUInt32BE(n, this.at);
    this.at += 4 + n;
    return this.buf.subarray(this.at - n, this.at);
  }

  /** Completes the event `text` began: the hash it links to, and its own. */
  link(prev: Buffer, hash: Buffer): void {
    if (hash.length !== HASH_BYTES || prev.length !== HASH_BYTES)
      throw new TypeError(`an event's hashes are ${HASH_BYTES} bytes, not ${prev.length} and ${hash.length}`);
    this.room(2 * HASH_BYTES);
    prev.copy(this.buf, this.at);
    hash.copy(this.buf, this.at + HASH_BYTES);
    this.at += 2 * HASH_BYTES;
  }

  /** Where the payload ends now: `reset` to it drops what was appended after. */
  get mark(): number {
    return this.at;
  }

  reset(mark: number): void {
    this.at = mark;
  }

  /** The payload's bytes (a view of the writer's buffer). */
  finish(): Buffer {
    return this.buf.subarray(0, this.at);
  }
}

/** A batch as stored: where it starts in its chain, and its payload. */
export interface StoredBatch {
  first_seq: number;
  payload: Buffer;
}

/**
 * The batch's events as chain rows, each field a view of the payload's bytes. A payload that
 * does not parse (cut short, a length past its end) ends at the last whole event and reports the
 * rest as one event whose body is what remains and whose hashes are empty: verification then
 * names the seq where the damage starts, as it does for a modified row.
 */
export function decodeBatch(b: StoredBatch): (ChainRow & { body: Buffer })[] {
  const out: (ChainRow & { body: Buffer })[] = [];
  const p = b.payload;
  let at = 0;
  let seq = b.first_seq;
  while (at < p.length) {
    const n = at + 4 <= p.length ? p.readUInt32BE(at) : -1;
    const end = at + 4 + n + 2 * HASH_BYTES;
    if (n < 0 || end > p.length) {
      out.push({ seq, prev_hash: NO_BYTES, hash: NO_BYTES, body: p.subarray(at) });
      break;
    }
    const body = p.subarray(at + 4, at + 4 + n);
    out.push({
      seq,
      prev_hash: p.subarray(end - 2 * HASH_BYTES, end - HASH_BYTES),
      hash: p.subarray(end - HASH_BYTES, end),
      body,
    });
    seq += 1;
    at = end;
  }
  return out;
}

/** An actor or project index that names none (the event names no actor id or project). */
export const NO_KEY = 0xffff;
const INDEX_ENTRY = 8;

/** One event of a batch as its row's `event_index` describes it (migration 0080). */
export interface IndexedEvent {
  /** Where its frame (length, text, hashes) starts in the payload. */
  offset: number;
  /** Its actor's place in the row's actor_ids, or NO_KEY. */
  actor: number;
  /** Its project's place in the row's project_ids, or NO_KEY. */
  project: number;
}

/** A batch's `event_index`: per event its offset (uint32), actor and project (uint16 each). */
export function encodeEventIndex(events: readonly IndexedEvent[]): Buffer {
  const out = Buffer.allocUnsafe(INDEX_ENTRY * events.length);
  events.forEach((e, i) => {
    out.writeUInt32BE(e.offset, INDEX_ENTRY * i);
    out.writeUInt16BE(e.actor, INDEX_ENTRY * i + 4);
    out.writeUInt16BE(e.project, INDEX_ENTRY * i + 6);
  });
  return out;
}

/** The entries of an `event_index`; a trailing part too short for an entry is ignored. */
export function decodeEventIndex(index: Buffer): IndexedEvent[] {
  const out: IndexedEvent[] = [];
  for (let at = 0; at + INDEX_ENTRY <= index.length; at += INDEX_ENTRY)
    out.push({
      offset: index.readUInt32BE(at),
      actor: index.readUInt16BE(at + 4),
      project: index.readUInt16BE(at + 6),
    });
  return out;
}
