/**
 * @module audit/subject-indexer
 * The subject index (accounting of access, ADR 0038) written after its batches commit, off the
 * statement's path: the batch writer hands each committed batch's (token, project) pairs here, and
 * one loop writes what has gathered, many batches in one statement, with the chain's cursor
 * (`subject_index_cursor`: every batch of the chain up to it is indexed) in the same statement.
 * Nothing is lost to a crash: the tokens are in the batches' hashed events, and `catchUp` (at
 * start, before any live batch is indexed) reads the batches after each chain's cursor and
 * indexes what they hold. Readers of the index call `settled()` first, so a read sees every batch
 * committed before it.
 */
import { sql } from 'kysely';
import type { Db } from '../db/index.js';
import type { Logger } from '../lib/logger.js';
import type { PreparedBatch } from './audit.store.js';
import { decodedBatch, keysOf } from './batches.db.js';

const TOKEN_BYTES = 16;

interface Pending {
  chain: string;
  firstSeq: number;
  timeFrom: Date;
  tokens: Buffer[];
  projects: string[];
}

/** Index rows in one statement, with the cursors they move. */
async function write(db: Db, items: Pending[]): Promise<void> {
  const chains: string[] = [];
  const tokens: Buffer[] = [];
  const projects: string[] = [];
  const seqs: number[] = [];
  const times: Date[] = [];
  const top = new Map<string, number>();
  for (const p of items) {
    for (let i = 0; i < p.tokens.length; i++) {
      chains.push(p.chain);
      tokens.push(p.tokens[i] as Buffer);
      projects.push(p.projects[i] as string);
      seqs.push(p.firstSeq);
      times.push(p.timeFrom);
    }
    top.set(p.chain, Math.max(top.get(p.chain) ?? 0, p.firstSeq));
  }
  await sql`
    WITH rows AS (
      INSERT INTO subject_index (chain_id, token, project_id, first_seq, time_from)
      SELECT * FROM unnest(${chains}::text[], ${tokens}::bytea[], ${projects}::text[], ${seqs}::int8[],
                           ${times}::timestamptz[])
    )
    INSERT INTO subject_index_cursor (chain_id, first_seq)
    SELECT * FROM unnest(${[...top.keys()]}::text[], ${[...top.values()]}::int8[])
    ON CONFLICT (chain_id) DO UPDATE SET first_seq = greatest(subject_index_cursor.first_seq, EXCLUDED.first_seq)`.execute(
    db,
  );
}

/** A stored event's subject tokens and project: from its details' `subjects` (named or returned). */
function subjectsOf(record: Record<string, unknown>): { project: string; tokens: Buffer } | undefined {
  const s = (record.details as { subjects?: { named?: unknown; returned?: unknown } } | undefined)?.subjects;
  const packed =
    typeof s?.named === 'string' ? s.named : typeof s?.returned === 'string' ? s.returned : undefined;
  const project = keysOf(record as never).project_id;
  if (packed === undefined || project === null) return undefined;
  return { project, tokens: Buffer.from(packed, 'base64') };
}

const CATCH_UP_PAGE = 200;

export function createSubjectIndexer(deps: { db: Db; log?: Logger }) {
  const { db, log } = deps;
  let queue: Pending[] = [];
  let running: Promise<void> | undefined;
  /** Resolved when the start's catch-up is done: live batches wait for it. */
  let ready: Promise<void> = Promise.resolve();
  const cursors = new Map<string, number>();

  async function loop(): Promise<void> {
    await ready;
    while (queue.length > 0) {
      const items = queue.filter((p) => p.firstSeq > (cursors.get(p.chain) ?? 0));
      queue = [];
      if (items.length === 0) continue;
      try {
        await write(db, items);
      } catch (err) {
        // Kept for the next batch's write (and, if Ward stops first, rebuilt from the batches at
        // start): nothing is given up.
        queue = [...items, ...queue];
        log?.warn({ err }, 'the subject index could not be written; it is written with the next batch');
        return;
      }
    }
  }

  function kick(): Promise<void> {
    running ??= loop().finally(() => {
      running = undefined;
    });
    return running;
  }

  /** Indexes the batches after each chain's cursor from their stored events. */
  async function catchUpChains(): Promise<number> {
    const { rows } = await sql<{ chain_id: string; first_seq: string | null }>`
      SELECT c.id AS chain_id, k.first_seq FROM audit_chains c
        LEFT JOIN subject_index_cursor k ON k.chain_id = c.id
       WHERE k.chain_id IS NOT NULL OR EXISTS (SELECT 1 FROM subject_keys s WHERE s.org_id = c.id)`.execute(
      db,
    );
    let indexed = 0;
    for (const r of rows) {
      let after = Number(r.first_seq ?? 0);
      for (;;) {
        const page = await sql<{ first_seq: string; time_from: Date; payload: Buffer; seal: Buffer }>`
          SELECT first_seq, time_from, payload, seal FROM audit_batches
           WHERE chain_id = ${r.chain_id} AND first_seq > ${after}
           ORDER BY first_seq LIMIT ${CATCH_UP_PAGE}`.execute(db);
        if (page.rows.length === 0) break;
        const items: Pending[] = [];
        for (const b of page.rows) {
          const pairs = new Map<string, { token: Buffer; project: string }>();
          for (const e of decodedBatch(b)) {
            const s = subjectsOf(e.record);
            if (!s) continue;
            for (let at = 0; at + TOKEN_BYTES <= s.tokens.length; at += TOKEN_BYTES) {
              const token = s.tokens.subarray(at, at + TOKEN_BYTES);
              pairs.set(`${s.project}|${token.toString('hex')}`, { token, project: s.project });
            }
          }
          const v = [...pairs.values()];
          items.push({
            chain: r.chain_id,
            firstSeq: Number(b.first_seq),
            timeFrom: b.time_from,
            tokens: v.map((x) => x.token),
            projects: v.map((x) => x.project),
          });
          indexed += v.length;
        }
        await write(db, items);
        after = Number(page.rows.at(-1)?.first_seq);
      }
      cursors.set(r.chain_id, after);
    }
    return indexed;
  }

  return {
    /** A committed batch: its index rows are written soon, with others. */
    committed(chain: string, b: PreparedBatch): void {
      if (b.subjectTokens.length === 0) return;
      queue.push({
        chain,
        firstSeq: b.head.seq + 1,
        timeFrom: new Date(b.timeFrom),
        tokens: b.subjectTokens,
        projects: b.subjectProjects,
      });
      void kick();
    },
    /** At start: indexes whatever a crash left unindexed. Live batches wait until it is done. */
    catchUp(): Promise<number> {
      const done = catchUpChains();
      ready = done.then(
        () => undefined,
        (err) => log?.error({ err }, 'the subject index could not be caught up from the batches'),
      );
      return done;
    },
    /** Resolves once every batch committed so far is indexed (or its write was tried and failed). */
    async settled(): Promise<void> {
      await ready;
      if (running) await running;
      if (queue.length > 0) await kick();
    },
  };
}

export type SubjectIndexer = ReturnType<typeof createSubjectIndexer>;
