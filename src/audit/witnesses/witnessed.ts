/**
 * @module audit/witnesses/witnessed
 * What the witnesses vouch for: the cosignatures that verify against the registered witnesses'
 * keys (whatever the database holds, a cosignature is only believed when its signature checks
 * out), the newest checkpoint a quorum cosigned, and each witness's own newest cosigned
 * checkpoint as it serves it, which a restored database cannot take back.
 */
import {
  COSIGNATURE_V1,
  checkedCosignatures,
  cosignatureTime,
  parseCheckpointBody,
  parseNote,
  parseVkey,
  type WitnessedCheckpoint,
} from '../../evidence/index.js';
import { latestCheckpoint, type WitnessEndpoint } from './client.js';
import type { CosignatureRow } from './witnesses.store.js';

export interface RegisteredWitness extends WitnessEndpoint {
  name: string;
  vkey: string;
}

/** The rows whose cosignature verifies with the key of a registered witness. */
export function validCosignatures(
  rows: readonly CosignatureRow[],
  witnesses: readonly RegisteredWitness[],
  originOf: (chain: string) => string,
): WitnessedCheckpoint[] {
  const keys = new Map(witnesses.map((w) => [w.name, parseVkey(w.vkey, COSIGNATURE_V1)]));
  return checkedCosignatures(
    rows.map((r) => ({
      origin: originOf(r.chain_id),
      tree_size: r.tree_size,
      root: r.root_hash,
      key_name: r.key_name,
      signature: r.signature,
    })),
    keys,
  );
}

/**
 * The checkpoint a witness serves as its newest for `origin`, when its cosignature verifies with
 * the registered key; `error` says why not (unreachable, nothing cosigned, a bad signature).
 */
export async function servedByWitness(
  w: RegisteredWitness,
  origin: string,
): Promise<{ checkpoint?: WitnessedCheckpoint; error?: string }> {
  try {
    const a = await latestCheckpoint(w, origin);
    if (a.status === 404) return {};
    if (a.status !== 200) return { error: `witness ${w.name} answered ${a.status}` };
    const note = parseNote(a.body);
    const cp = parseCheckpointBody(note.body);
    if (cp.origin !== origin) return { error: `witness ${w.name} served a checkpoint of another log` };
    const v = parseVkey(w.vkey, COSIGNATURE_V1);
    for (const s of note.signatures) {
      const timestamp = cosignatureTime(note.body, s, v);
      if (timestamp !== undefined)
        return {
          checkpoint: { tree_size: cp.size, root_hash: cp.root.toString('hex'), witness: w.name, timestamp },
        };
    }
    return {
      error: `witness ${w.name} served a checkpoint without a valid cosignature by its registered key`,
    };
  } catch (err) {
    return { error: `witness ${w.name} could not be asked: ${(err as Error).message}` };
  }
}
