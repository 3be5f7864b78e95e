/**
 * @module audit/verify.db
 * Verifies a chain as stored in the control database, in one repeatable-read snapshot so that
 * appends going on meanwhile do not look like damage. The database itself guarantees that the
 * filterable columns agree with each hashed record (a validated constraint, see migration 0002);
 * verification checks that guarantee in the catalog and, only if it is gone, finds the first
 * row whose columns were changed, without trusting the database's function.
 * The events are streamed with one binary COPY (audit/chain-rows.db).
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { sql } from 'kysely';
import { type Db, MIGRATIONS_DIR, type Tx } from '../db/index.js';
import {
  type Checkpoint,
  GENESIS_HASH,
  type VerifyReport,
  verifyChain,
  type WitnessedCheckpoint,
} from '../evidence/index.js';
import { anchorOf, checkpointsOf, storedRows } from './chain-rows.db.js';
import type { Sealer } from './seal.js';
import { vouchForTail } from './vouch.js';

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

/**
 * Verifies `chain` against Ward's public key, any `external` checkpoints and what witnesses
 * cosigned; with `sealer` (Ward's
 * own, which only Ward holds) also that the events after the last signed checkpoint are covered
 * by its writers' seals (audit/vouch), reported as damage `unsealed` when they are not.
 */
export async function verifyStoredChain(
  db: Db,
  chain: string,
  publicKeyPem: string,
  external: Checkpoint[] = [],
  sealer?: Sealer,
  /** Checkpoints witnesses cosigned, their cosignatures checked (audit/witnesses). */
  witnessed: WitnessedCheckpoint[] = [],
): Promise<VerifyReport> {
  return db
    .transaction()
    .setIsolationLevel('repeatable read')
    .execute(async (tx) => {
      await sql`SET TRANSACTION READ ONLY`.execute(tx);
      const mismatch = (await columnsGuaranteed(tx)) ? undefined : await firstMismatch(tx, chain);
      const anchorRow = await anchorOf(tx, chain);
      const anchor = anchorRow
        ? { seq: Number(anchorRow.seq), hash: anchorRow.hash, frontier: anchorRow.frontier }
        : undefined;
      const head = await tx
        .selectFrom('audit_chains')
        .select(['last_seq', 'last_hash'])
        .where('id', '=', chain)
        .executeTakeFirst();
      const checkpoints = await checkpointsOf(tx, chain);
      const report = await verifyChain({
        chain,
        publicKeyPem,
        anchor,
        rows: storedRows(tx, chain, anchor?.seq ?? 0),
        checkpoints,
        external,
        witnessed,
        head: head ? Number(head.last_seq) : 0,
        knownHash: async (hash) =>
          (
            await sql`SELECT 1 FROM audit_events WHERE chain_id = ${chain} AND hash = ${hash}
                      UNION ALL
                      SELECT 1 FROM audit_batches b, audit_batch_events(b.first_seq, b.payload) e
                       WHERE b.chain_id = ${chain} AND position(${hash}::bytea IN b.payload) > 0 AND e.hash = ${hash}
                      LIMIT 1`.execute(tx)
          ).rows.length > 0,
        columnMismatch: Promise.resolve(mismatch),
      });
      if (!report.ok || !sealer || !head) return report;
      // Consistent and signed where it is signed: now whether Ward wrote what no checkpoint covers.
      const last = checkpoints.at(-1);
      const from = last
        ? { seq: last.tree_size, hash: Buffer.from(last.last_hash, 'hex') }
        : (anchor ?? { seq: 0, hash: GENESIS_HASH });
      const vouch = await vouchForTail({
        chain,
        from,
        head: { seq: Number(head.last_seq), hash: head.last_hash },
        rows: storedRows(tx, chain, from.seq),
        sealer,
      });
      if (vouch.ok) return report;
      return { ...report, ok: false, first_bad_seq: vouch.seq, damage: 'unsealed', detail: vouch.reason };
    });
}
