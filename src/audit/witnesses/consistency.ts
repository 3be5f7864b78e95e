/**
 * @module audit/witnesses/consistency
 * The RFC 6962 consistency proof from the chain's first `m` events to its first `n`, as a
 * witness asks for it. Such a proof needs only the compact range at `m` (the perfect subtrees
 * that make up the first m leaves) and the leaves after it: the range comes from the checkpoint
 * at `m` when Ward signed one there (its stored frontier, checked against its root), or is
 * rebuilt from retention's anchor and the events after it.
 */
import type { Tx } from '../../db/index.js';
import { CompactRange, consistencyPath, leafHash, prefixedSubtrees } from '../../evidence/index.js';
import { anchorOf, storedRows } from '../chain-rows.db.js';

async function rangeAt(tx: Tx, chain: string, m: number): Promise<CompactRange> {
  const cp = await tx
    .selectFrom('audit_checkpoints')
    .select(['root_hash', 'frontier'])
    .where('chain_id', '=', chain)
    .where('tree_size', '=', m)
    .executeTakeFirst();
  if (cp?.frontier) {
    const range = new CompactRange(m, [...cp.frontier]);
    if (range.root().equals(cp.root_hash)) return range;
  }
  const anchor = await anchorOf(tx, chain);
  let range = new CompactRange();
  if (anchor) {
    if (Number(anchor.seq) > m)
      throw new Error(`events up to ${anchor.seq} were removed by retention: no proof from size ${m}`);
    range = new CompactRange(Number(anchor.seq), [...anchor.frontier]);
  }
  for await (const rows of storedRows(tx, chain, range.size, m))
    for (const r of rows) {
      if (r.seq !== range.size + 1) throw new Error(`event ${range.size + 1} is missing from the chain`);
      range.append(leafHash(r.hash));
    }
  if (range.size !== m) throw new Error(`the chain holds fewer than ${m} events`);
  return range;
}

/** PROOF(m, D[n]); empty when m is 0 or m equals n. Read inside one snapshot (`tx`). */
export async function consistencyFrom(tx: Tx, chain: string, m: number, n: number): Promise<Buffer[]> {
  if (m === 0 || m === n) return [];
  if (m > n) throw new Error(`no consistency proof from ${m} down to ${n}`);
  const range = await rangeAt(tx, chain, m);
  const tail: Buffer[] = [];
  for await (const rows of storedRows(tx, chain, m, n))
    for (const r of rows) {
      if (r.seq !== m + tail.length + 1)
        throw new Error(`event ${m + tail.length + 1} is missing from the chain`);
      tail.push(leafHash(r.hash));
    }
  if (tail.length !== n - m) throw new Error(`the chain holds fewer than ${n} events`);
  return consistencyPath(prefixedSubtrees(range, tail), m, n);
}
