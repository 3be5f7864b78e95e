/**
 * Damage to a chain made the way a superuser would, around the append-only triggers: for events
 * stored one a row (audit_events) and in batches (audit_batches) alike.
 */
import { createHash } from 'node:crypto';
import type pg from 'pg';
import { PayloadWriter } from '../../src/audit/batch-codec.js';

interface LogRow {
  seq: string;
  body: string;
  batch: string | null;
}

/**
 * Rewrites every event of `chain` after `afterSeq` with `change` (a new body from the old one) and
 * re-hashes the chain from there on, consistently: each event links to the rewritten one before
 * it, the batches are re-encoded, and the head moves to the new last hash. What verification can
 * still catch is what the checkpoints, seals and witnesses outside these tables say.
 */
export async function rewriteChain(
  c: pg.Client,
  chain: string,
  change: (body: string) => string,
  afterSeq = 0,
): Promise<void> {
  const { rows } = await c.query<LogRow>(
    'SELECT seq, body, batch FROM ward.audit_log WHERE chain_id = $1 ORDER BY seq',
    [chain],
  );
  let prev = Buffer.alloc(32);
  const batches = new Map<string, PayloadWriter>();
  for (const r of rows) {
    const inBatch = r.batch !== null ? batches.get(r.batch) : undefined;
    const rewrite = Number(r.seq) > afterSeq;
    const body = rewrite ? change(r.body) : r.body;
    const hash = createHash('sha256').update(prev).update(body).digest();
    if (r.batch !== null) {
      const b = inBatch ?? new PayloadWriter();
      b.push(body, prev, hash);
      batches.set(r.batch, b);
    } else if (rewrite) {
      await c.query(
        'UPDATE ward.audit_events SET body = $1, prev_hash = $2, hash = $3 WHERE chain_id = $4 AND seq = $5',
        [body, prev, hash, chain, r.seq],
      );
    }
    prev = hash;
  }
  for (const [first, b] of batches)
    await c.query('UPDATE ward.audit_batches SET payload = $1 WHERE chain_id = $2 AND first_seq = $3', [
      b.finish(),
      chain,
      first,
    ]);
  await c.query('UPDATE ward.audit_chains SET last_hash = $1 WHERE id = $2', [prev, chain]);
}
