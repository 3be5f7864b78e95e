/**
 * @module audit/batch-slices.db
 * Reading only some events of a stored batch: those its `event_index` (migration 0080) says name
 * a given actor or project. A page for one person or one project then reads the bytes of the
 * events it may show instead of every payload that holds one of them (the payload is stored out
 * of line and uncompressed, so PostgreSQL reads only the chunks a substring covers). The index
 * only narrows: each event read is decoded and matched against the filter from its own record
 * (audit/batches.db). An index that does not describe its payload (offsets out of order or past
 * its end, a key's place past the batch's keys) is not used: that batch is read whole.
 */
import pg from 'pg';
import type { Tx } from '../db/index.js';
import { decodeEventIndex, NO_KEY } from './batch-codec.js';
import { copyTuples, int8 } from './chain-rows.db.js';

/** What the keys query gives of a batch, when the page can use its index. */
export interface IndexedBatch {
  first_seq: string;
  time_from: Date;
  /** The payload's length in bytes. */
  bytes: number;
  event_index: Buffer | null;
  actor_ids: string[];
  project_ids: string[];
}

/** One event's frame in a batch's payload. */
export interface Slice {
  firstSeq: number;
  /** Its place in the batch (its seq is firstSeq + at). */
  at: number;
  offset: number;
  length: number;
  /** The batch's last event, which carries the batch's seal. */
  last: boolean;
}

/** The events of `b` the index says name one of `actors` and one of `projects` (each when given). */
export function slicesOf(
  b: IndexedBatch,
  f: { actors?: string[]; projects?: string[] },
): { slices: Slice[]; bytes: number } | undefined {
  if (!b.event_index) return undefined;
  const entries = decodeEventIndex(b.event_index);
  const named = (keys: string[], at: number, wanted?: string[]) =>
    wanted === undefined || (at !== NO_KEY && at < keys.length && wanted.includes(keys[at] as string));
  const slices: Slice[] = [];
  let bytes = 0;
  for (let i = 0; i < entries.length; i++) {
    const e = entries[i] as (typeof entries)[number];
    const end = i + 1 < entries.length ? (entries[i + 1] as (typeof entries)[number]).offset : b.bytes;
    if (end <= e.offset || end > b.bytes || (i === 0 && e.offset !== 0)) return undefined;
    if (
      (e.actor !== NO_KEY && e.actor >= b.actor_ids.length) ||
      (e.project !== NO_KEY && e.project >= b.project_ids.length)
    )
      return undefined;
    if (!named(b.actor_ids, e.actor, f.actors) || !named(b.project_ids, e.project, f.projects)) continue;
    const firstSeq = Number(b.first_seq);
    slices.push({
      firstSeq,
      at: i,
      offset: e.offset,
      length: end - e.offset,
      last: i === entries.length - 1,
    });
    bytes += end - e.offset;
  }
  return { slices, bytes };
}

/** A slice as read: the one event it holds is decoded from `payload` starting at seq `first_seq`. */
export interface SliceRow {
  batchSeq: number;
  time_from: Date;
  first_seq: number;
  payload: Buffer;
  /** The batch's seal, on its last event only. */
  seal: Buffer | null;
}

/** Milliseconds between the Unix epoch and PostgreSQL's (2000-01-01 UTC). */
const PG_EPOCH_MS = 946_684_800_000;

/** The bytes of `slices` of `chain`'s batches, in one binary COPY on the page's transaction. */
export async function readSlices(tx: Tx, chain: string, slices: Slice[]): Promise<SliceRow[]> {
  if (slices.length === 0) return [];
  if (chain.includes('\0')) throw new Error('a chain id cannot contain a NUL character');
  const values = slices.map((s) => {
    for (const n of [s.firstSeq, s.at, s.offset, s.length])
      if (!Number.isSafeInteger(n) || n < 0) throw new Error(`a slice of a batch is at ${n}`);
    return `(${s.firstSeq}::int8, ${s.at}, ${s.offset + 1}, ${s.length}, ${s.last})`;
  });
  const tuples = await copyTuples(
    tx,
    `COPY (SELECT b.first_seq, b.time_from, s.at, substring(b.payload FROM s.start FOR s.length),
                  CASE WHEN s.last THEN b.seal END
             FROM (VALUES ${values.join(', ')}) AS s(first_seq, at, start, length, last)
             JOIN audit_batches b ON b.chain_id = ${pg.escapeLiteral(chain)} AND b.first_seq = s.first_seq)
       TO STDOUT (FORMAT binary)`,
    5,
  );
  return tuples.map(([first, from, at, payload, seal]) => {
    if (from?.length !== 8 || at?.length !== 4) throw new Error('a slice of a batch arrived malformed');
    const batchSeq = int8(first);
    return {
      batchSeq,
      time_from: new Date(PG_EPOCH_MS + Number(from.readBigInt64BE(0) / 1000n)),
      first_seq: batchSeq + at.readInt32BE(0),
      payload: payload ?? Buffer.alloc(0),
      seal: seal ?? null,
    };
  });
}
