/**
 * @module audit/vouch
 * Whether Ward can vouch for the events after a point it trusts (the last signed checkpoint, or
 * the genesis of a chain) up to the chain's head: each one re-hashed from its stored body and
 * linked to the one before, and the whole run covered by seals (audit/seal.ts) that join up, each
 * write starting at the head the previous one made and the last one ending at the head. An event
 * appended, rewritten or re-linked by someone without Ward's key breaks one of those. The
 * checkpointer signs nothing else, and `ward audit verify` reports it.
 */
import { linkHash } from '../evidence/index.js';
import type { StoredRow } from './chain-rows.db.js';
import type { SealedHead, Sealer } from './seal.js';

export type Vouch = { ok: true } | { ok: false; seq: number; reason: string };

export async function vouchForTail(input: {
  chain: string;
  /** Trusted: the last signed checkpoint's size and last hash, or (0, genesis). */
  from: SealedHead;
  /** The chain's head as stored. */
  head: SealedHead;
  rows: AsyncIterable<StoredRow[]>;
  sealer: Sealer;
  /** Seals are not required (the one checkpoint made when seals were introduced). */
  unsealed?: boolean;
  /** Each event's hash, in order, once it was re-hashed and linked. */
  onEvent?: (hash: Buffer) => void;
}): Promise<Vouch> {
  const { chain, sealer } = input;
  let expected = input.from.seq + 1;
  let prev = input.from.hash;
  /** The head the write being walked started from: where the last valid seal ended. */
  let sealedTo: SealedHead = input.from;
  /** The events since `sealedTo`: where a write that does not join up may have started. */
  const unsealedRun: SealedHead[] = [];
  for await (const rows of input.rows) {
    for (const r of rows) {
      if (r.seq !== expected)
        return {
          ok: false,
          seq: expected,
          reason: r.seq > expected ? `event ${expected} is missing` : `event ${r.seq} appears twice`,
        };
      if (!r.prev_hash.equals(prev))
        return { ok: false, seq: r.seq, reason: `event ${r.seq} does not link to the event before it` };
      if (!linkHash(prev, r.body).equals(r.hash))
        return { ok: false, seq: r.seq, reason: `event ${r.seq} no longer matches its hash` };
      if (r.seal) {
        const to = { seq: r.seq, hash: r.hash };
        if (!sealer.check(chain, sealedTo, to, r.seal) && !input.unsealed) {
          // Ward's write may have extended events it did not write: its seal names the head it
          // started from, so the events before that head are the ones no seal covers.
          const start = unsealedRun.findLast((h) => sealer.check(chain, h, to, r.seal as Buffer));
          return {
            ok: false,
            seq: sealedTo.seq + 1,
            reason: start
              ? `events ${sealedTo.seq + 1}–${start.seq} were not written by Ward (no seal covers them)`
              : `the seal of events ${sealedTo.seq + 1}–${r.seq} does not match: something Ward did not write is among them`,
          };
        }
        sealedTo = to;
        unsealedRun.length = 0;
      } else unsealedRun.push({ seq: r.seq, hash: r.hash });
      input.onEvent?.(r.hash);
      prev = r.hash;
      expected += 1;
    }
  }
  if (expected - 1 !== input.head.seq || !prev.equals(input.head.hash))
    return {
      ok: false,
      seq: expected,
      reason: `the chain's head says ${input.head.seq} events, and ${expected - 1} are stored`,
    };
  if (sealedTo.seq !== input.head.seq && !input.unsealed)
    return {
      ok: false,
      seq: sealedTo.seq + 1,
      reason: `events ${sealedTo.seq + 1}–${input.head.seq} were not written by Ward (no seal covers them)`,
    };
  return { ok: true };
}
