/**
 * @module audit/seal
 * What Ward's writers record of what they wrote, so that the checkpointer signs only a head it
 * can vouch for (ADR 0005). Every write of a chain (a group-commit batch, or a change's events in
 * its transaction) moves the chain from one head to another; the writer stores, on the batch's
 * last event, a seal: HMAC-SHA-256 over the chain, the head it extended and the head it made,
 * under a key derived from Ward's signing key (which lives in `$WARD_HOME/keys`, never in the
 * control database). Anyone who can write the control database but cannot read that file (a
 * superuser of the database, a restored copy of it) cannot make a seal, so events they append,
 * rewrite or re-link leave a run of events no seal covers, or seals that do not join up.
 *
 * A seal is checked only by a holder of the key (Ward's checkpointer and `ward audit verify`);
 * offline verifiers rely on signed checkpoints, which are made only over sealed events.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export const SEAL_KEY_LABEL = 'ward-audit-seal/v1';
/** The migration that added seals; the start that applies it checkpoints the unsealed events once. */
export const SEALS_MIGRATION = '0063_audit_seals';

export interface SealedHead {
  seq: number;
  hash: Buffer;
}

export interface Sealer {
  /** The seal of a write of `chain` that moved its head from `from` to `to`. */
  seal(chain: string, from: SealedHead, to: SealedHead): Buffer;
  /** Whether `seal` is the one for that write (constant time). */
  check(chain: string, from: SealedHead, to: SealedHead, seal: Buffer): boolean;
}

function int8(n: number): Buffer {
  const b = Buffer.allocUnsafe(8);
  b.writeBigUInt64BE(BigInt(n));
  return b;
}

export function createSealer(key: Buffer): Sealer {
  if (key.length < 32) throw new Error('an audit seal key has at least 32 bytes');
  const seal = (chain: string, from: SealedHead, to: SealedHead): Buffer =>
    createHmac('sha256', key)
      .update(`${SEAL_KEY_LABEL}\n${chain}\0`)
      .update(int8(from.seq))
      .update(from.hash)
      .update(int8(to.seq))
      .update(to.hash)
      .digest();
  return {
    seal,
    check(chain, from, to, given) {
      const expected = seal(chain, from, to);
      return given.length === expected.length && timingSafeEqual(given, expected);
    },
  };
}

/** The sealer of the Ward holding `signer`'s key. */
export function sealerFor(signer: { deriveKey(label: string): Buffer }): Sealer {
  return createSealer(signer.deriveKey(SEAL_KEY_LABEL));
}
