/**
 * @module audit/verify.db
 * Verifies a chain as stored in the control database, in one repeatable-read snapshot so that
 * appends going on meanwhile do not look like damage. The database itself guarantees that the
 * filterable columns agree with each hashed record (a validated constraint, see migration 0002);
 * verification checks that guarantee in the catalog and, only if it is gone, finds the first
 * row whose columns were changed, without trusting the database's function.
 *
 * The events are read with one binary COPY on the transaction's connection: PostgreSQL streams
 * the rows without a round trip per batch, and Node gets each row's fields as views of the bytes
 * that arrived (no per-row object from the driver, no hex decoding of the hashes, the body
 * hashed as the bytes that are stored, never decoded into a string).
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CompiledQuery, sql } from 'kysely';
import pg from 'pg';
import { type CopyToStreamQuery, to as copyTo } from 'pg-copy-streams';
import { type Db, MIGRATIONS_DIR, type Tx } from '../db/index.js';
import {
  type ChainRow,
  type Checkpoint,
  checkpointFromRow,
  type VerifyReport,
  verifyChain,
} from '../evidence/index.js';
import { CopyBinaryParser, type CopyTuple } from '../lib/pg-copy-binary.js';

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

/**
 * One COPY tuple (seq int8, prev_hash, hash, body) as a row. The columns are NOT NULL; a NULL
 * (the constraint dropped, then a row changed) hashes as no bytes, so it shows as a modified event.
 */
function chainRow(t: CopyTuple): ChainRow {
  const [seq, prev, hash, body] = t;
  if (seq?.length !== 8) throw new Error(`an audit event's seq arrived as ${seq?.length ?? 'NULL'} bytes`);
  return {
    // int8, big-endian: the high word signed, the low word unsigned (exact up to 2^53).
    seq: seq.readInt32BE(0) * 2 ** 32 + seq.readUInt32BE(4),
    prev_hash: prev ?? NO_BYTES,
    hash: hash ?? NO_BYTES,
    body: body ?? NO_BYTES,
  };
}

/**
 * The chain in (seq, time) order: one plan, one index scan, streamed. PostgreSQL produces rows
 * while the caller hashes the ones that arrived, so the database and Node work at the same time.
 */
async function* batches(tx: Tx, chain: string, afterSeq: number): AsyncIterable<ChainRow[]> {
  // COPY takes no bind parameters, so the values are written into its text: the chain id as a
  // literal escaped by node-postgres (what Client.prototype.escapeLiteral calls: quotes and
  // backslashes doubled, E'' when there is a backslash, right whatever
  // standard_conforming_strings says; a NUL, which would cut the text short, is refused), and
  // the seq as an integer checked here, never as text passed through.
  if (chain.includes('\0')) throw new Error('a chain id cannot contain a NUL character');
  if (!Number.isSafeInteger(afterSeq) || afterSeq < 0)
    throw new Error(`no event comes after seq ${afterSeq}`);
  const copy = await copyOut(
    tx,
    `COPY (SELECT seq, prev_hash, hash, body FROM audit_events
            WHERE chain_id = ${pg.escapeLiteral(chain)} AND seq > ${afterSeq} ORDER BY seq, time)
       TO STDOUT (FORMAT binary)`,
  );
  // Read without for-await: leaving that loop early would destroy the stream mid-COPY, and the
  // connection would never serve the transaction's next statement.
  const chunks = copy[Symbol.asyncIterator]();
  const parser = new CopyBinaryParser(4);
  try {
    for (let c = await chunks.next(); !c.done; c = await chunks.next()) {
      const rows = parser.push(c.value).map(chainRow);
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

const CONSTRAINT = 'audit_events_columns_match';

/** The function body migration 0002 installed, to tell whether someone rewrote it. */
async function expectedFunctionSource(): Promise<string> {
  const text = await readFile(join(MIGRATIONS_DIR, '0002_audit_log.sql'), 'utf8');
  const m = /FUNCTION audit_columns_match[\s\S]*?AS \$\$([\s\S]*?)\$\$;/.exec(text);
  if (!m?.[1]) throw new Error('migration 0002 no longer defines audit_columns_match');
  return m[1].trim();
}

/**
 * Whether the database still guarantees that every column agrees with its hashed record: the
 * constraint is on every partition, validated, and the function it calls is the one installed.
 */
async function columnsGuaranteed(tx: Tx): Promise<boolean> {
  const { rows } = await sql<{ parts: number; valid: number; src: string | null }>`
    SELECT (SELECT count(*) FROM pg_inherits i WHERE i.inhparent = 'audit_events'::regclass)::int AS parts,
           (SELECT count(*) FROM pg_inherits i JOIN pg_constraint c ON c.conrelid = i.inhrelid
             WHERE i.inhparent = 'audit_events'::regclass AND c.conname = ${CONSTRAINT} AND c.convalidated
               AND pg_get_constraintdef(c.oid) LIKE '%audit_columns_match(%')::int AS valid,
           (SELECT prosrc FROM pg_proc WHERE proname = 'audit_columns_match'
               AND pronamespace = 'ward'::regnamespace) AS src`.execute(tx);
  const r = rows[0];
  return !!r && r.parts > 0 && r.valid === r.parts && r.src?.trim() === (await expectedFunctionSource());
}

/**
 * The first event whose columns disagree with its hashed record, checked row by row without the
 * database function (which may be what was tampered with). Only run when the guarantee is gone.
 */
async function firstMismatch(tx: Tx, chain: string) {
  const { rows } = await sql<{ seq: number; col: string }>`
    SELECT seq, CASE
        WHEN b->>'chain' IS DISTINCT FROM chain_id THEN 'chain'
        WHEN b->>'id' IS DISTINCT FROM id THEN 'id'
        WHEN b->>'time' IS DISTINCT FROM to_char(time AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') THEN 'time'
        WHEN b->>'action' IS DISTINCT FROM action THEN 'action'
        WHEN b->>'outcome' IS DISTINCT FROM outcome THEN 'outcome'
        WHEN b->'actor'->>'id' IS DISTINCT FROM actor_id THEN 'actor_id'
        ELSE 'project_id' END AS col
      FROM (SELECT *, body::jsonb AS b FROM audit_events WHERE chain_id = ${chain}) e
     WHERE b->>'chain' IS DISTINCT FROM chain_id OR b->>'id' IS DISTINCT FROM id
        OR b->>'time' IS DISTINCT FROM to_char(time AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')
        OR b->>'action' IS DISTINCT FROM action OR b->>'outcome' IS DISTINCT FROM outcome
        OR b->'actor'->>'id' IS DISTINCT FROM actor_id
        OR coalesce(CASE WHEN b->'target'->>'type' = 'project' THEN b->'target'->>'id' END,
                    b->'details'->>'project_id') IS DISTINCT FROM project_id
     ORDER BY seq LIMIT 1`.execute(tx);
  const r = rows[0];
  return r ? { seq: Number(r.seq), column: r.col } : undefined;
}

export async function verifyStoredChain(
  db: Db,
  chain: string,
  publicKeyPem: string,
  external: Checkpoint[] = [],
): Promise<VerifyReport> {
  return db
    .transaction()
    .setIsolationLevel('repeatable read')
    .execute(async (tx) => {
      await sql`SET TRANSACTION READ ONLY`.execute(tx);
      const mismatch = (await columnsGuaranteed(tx)) ? undefined : await firstMismatch(tx, chain);
      const anchorRow = await tx
        .selectFrom('audit_anchors')
        .selectAll()
        .where('chain_id', '=', chain)
        .executeTakeFirst();
      const anchor = anchorRow
        ? { seq: Number(anchorRow.seq), hash: anchorRow.hash, frontier: anchorRow.frontier }
        : undefined;
      const head = await tx
        .selectFrom('audit_chains')
        .select('last_seq')
        .where('id', '=', chain)
        .executeTakeFirst();
      const checkpoints = (
        await tx
          .selectFrom('audit_checkpoints')
          .selectAll()
          .where('chain_id', '=', chain)
          .orderBy('tree_size')
          .execute()
      ).map(checkpointFromRow);
      return verifyChain({
        chain,
        publicKeyPem,
        anchor,
        rows: batches(tx, chain, anchor?.seq ?? 0),
        checkpoints,
        external,
        head: head ? Number(head.last_seq) : 0,
        knownHash: async (hash) =>
          (
            await sql`SELECT 1 FROM audit_events WHERE chain_id = ${chain} AND hash = ${hash} LIMIT 1`.execute(
              tx,
            )
          ).rows.length > 0,
        columnMismatch: Promise.resolve(mismatch),
      });
    });
}
