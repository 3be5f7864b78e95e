/**
 * @module audit/chain-rows.db
 * A chain's stored events, streamed in seq order with one binary COPY on a transaction's own
 * connection (its snapshot): PostgreSQL produces rows while Node hashes the ones that arrived,
 * each row's fields are views of the bytes that came (no per-row object from the driver, no hex
 * decoding, the body hashed as the bytes stored). Verification, the checkpointer and exports
 * read it, and the chain's anchor and signed checkpoints beside it.
 */
import { CompiledQuery } from 'kysely';
import pg from 'pg';
import { type CopyToStreamQuery, to as copyTo } from 'pg-copy-streams';
import type { Db, Tx } from '../db/index.js';
import { type ChainRow, type Checkpoint, checkpointFromRow } from '../evidence/index.js';
import { CopyBinaryParser, type CopyTuple } from '../lib/pg-copy-binary.js';
import { decodeBatch } from './batch-codec.js';

/** A stored event as read: its hashed record and links, and the seal of the write it ended, if any. */
export interface StoredRow extends ChainRow {
  body: Buffer;
  seal: Buffer | null;
}
/**
 * Starts `text`, a `COPY … TO STDOUT`, on the transaction's own connection (so it reads the
 * transaction's snapshot) and returns its stream. Kysely keeps the pg client to itself, but its
 * Postgres driver hands a compiled query's `sql` to the pool client's `query` as it is; Ward's
 * pool (db/prepared-pool) passes anything that is not a string straight on, and node-postgres
 * runs a Submittable such as this stream after the transaction's earlier statements and before
 * its later ones. Were either ever to turn it into text, PostgreSQL would receive
 * "[object Object]" and refuse it: verification fails, it never reads outside the snapshot.
 */
async function copyOut(tx: Tx, text: string): Promise<CopyToStreamQuery> {
  // Read up to 1 MiB ahead, so PostgreSQL keeps producing while Node hashes what came before.
  const stream = copyTo(text, { highWaterMark: 1 << 20 });
  await tx.executeQuery({ ...CompiledQuery.raw(''), sql: stream as unknown as string });
  return stream;
}

const NO_BYTES = Buffer.alloc(0);

/** A COPY tuple's int8 (big-endian: the high word signed, the low word unsigned; exact up to 2^53). */
export function int8(b: Buffer | null | undefined): number {
  if (b?.length !== 8) throw new Error(`an audit event's seq arrived as ${b?.length ?? 'NULL'} bytes`);
  return b.readInt32BE(0) * 2 ** 32 + b.readUInt32BE(4);
}

/**
 * One COPY tuple as the rows it holds: an event of audit_events (seq, prev_hash, hash, body, seal;
 * the first four are NOT NULL, and a NULL, the constraint dropped and a row changed, hashes as no
 * bytes, so it shows as a modified event), or a batch of audit_batches (first_seq, seal,
 * payload), whose events are decoded from its payload, the seal on the last.
 */
function storedRowsOf(t: CopyTuple, afterSeq: number, upToSeq: number): StoredRow[] {
  const [seq, prev, hash, body, seal, payload] = t;
  if (!payload)
    return [
      {
        seq: int8(seq),
        prev_hash: prev ?? NO_BYTES,
        hash: hash ?? NO_BYTES,
        body: body ?? NO_BYTES,
        seal: seal ?? null,
      },
    ];
  const events = decodeBatch({ first_seq: int8(seq), payload }) as StoredRow[];
  // The decoded rows become the stored rows in place (one object an event, not two).
  for (const e of events) e.seal = null;
  const last = events.at(-1);
  if (last) last.seal = seal ?? null;
  const first = events[0];
  return first && first.seq > afterSeq && (last as StoredRow).seq <= upToSeq
    ? events
    : events.filter((e) => e.seq > afterSeq && e.seq <= upToSeq);
}

/**
 * The chain's events after `afterSeq` (up to `upToSeq` when given) in (seq, time) order, from both
 * tables of the log (events stored one a row, and batches of the gateway's events): one plan,
 * two index scans merged, streamed. A batch that starts at or before `afterSeq` but reaches past it
 * is read whole and its earlier events skipped.
 */
export async function* storedRows(
  tx: Tx,
  chain: string,
  afterSeq: number,
  upToSeq?: number,
): AsyncIterable<StoredRow[]> {
  // COPY takes no bind parameters, so the values are written into its text: the chain id as a
  // literal escaped by node-postgres (what Client.prototype.escapeLiteral calls: quotes and
  // backslashes doubled, E'' when there is a backslash, right whatever
  // standard_conforming_strings says; a NUL, which would cut the text short, is refused), and
  // the seq as an integer checked here, never as text passed through.
  if (chain.includes('\0')) throw new Error('a chain id cannot contain a NUL character');
  if (!Number.isSafeInteger(afterSeq) || afterSeq < 0)
    throw new Error(`no event comes after seq ${afterSeq}`);
  if (upToSeq !== undefined && !Number.isSafeInteger(upToSeq))
    throw new Error(`events up to seq ${upToSeq} cannot be read`);
  const upTo = upToSeq === undefined ? '' : ` AND seq <= ${upToSeq}`;
  const batchUpTo = upToSeq === undefined ? '' : ` AND first_seq <= ${upToSeq}`;
  const id = pg.escapeLiteral(chain);
  const copy = await copyOut(
    tx,
    `COPY (SELECT seq, prev_hash, hash, body, seal, NULL::bytea AS payload, time FROM audit_events
            WHERE chain_id = ${id} AND seq > ${afterSeq}${upTo}
           UNION ALL
           SELECT first_seq, NULL, NULL, NULL, seal, payload, time_from FROM audit_batches
            WHERE chain_id = ${id} AND last_seq > ${afterSeq}${batchUpTo}
           ORDER BY 1, 7)
       TO STDOUT (FORMAT binary)`,
  );
  const last = upToSeq ?? Number.MAX_SAFE_INTEGER;
  // Read without for-await: leaving that loop early would destroy the stream mid-COPY, and the
  // connection would never serve the transaction's next statement.
  const chunks = copy[Symbol.asyncIterator]();
  const parser = new CopyBinaryParser(7);
  try {
    for (let c = await chunks.next(); !c.done; c = await chunks.next()) {
      const rows = parser.push(c.value).flatMap((t) => storedRowsOf(t, afterSeq, last));
      if (rows.length > 0) yield rows;
    }
    parser.end();
  } finally {
    // A caller that stops early (damage found) leaves the COPY running: read the rest, unparsed,
    // so that the connection is free for the next statement. Nothing after the damage counts.
    if (!copy.readableEnded && !copy.destroyed)
      try {
        for (let c = await chunks.next(); !c.done; c = await chunks.next());
      } catch {
        // The COPY failed after the caller had stopped; pg has reported it and is ready again.
      }
  }
}

/**
 * Every tuple of `text`, a `COPY (…) TO STDOUT (FORMAT binary)` of `fields` columns, run on the
 * transaction's own connection: each field the bytes PostgreSQL sent, nothing decoded from text.
 */
export async function copyTuples(tx: Tx, text: string, fields: number): Promise<CopyTuple[]> {
  const copy = await copyOut(tx, text);
  const parser = new CopyBinaryParser(fields);
  const out: CopyTuple[] = [];
  for await (const chunk of copy) out.push(...parser.push(chunk as Buffer));
  parser.end();
  return out;
}

/** The chain's anchor (where retention cut it), if any. */
export const anchorOf = (q: Db | Tx, chain: string) =>
  q.selectFrom('audit_anchors').selectAll().where('chain_id', '=', chain).executeTakeFirst();

/** The chain's stored checkpoints, oldest first, up to `upTo` events when given. */
export async function checkpointsOf(q: Db | Tx, chain: string, upTo?: number): Promise<Checkpoint[]> {
  let query = q.selectFrom('audit_checkpoints').selectAll().where('chain_id', '=', chain);
  if (upTo !== undefined) query = query.where('tree_size', '<=', upTo);
  return (await query.orderBy('tree_size').execute()).map(checkpointFromRow);
}
