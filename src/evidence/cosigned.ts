/**
 * @module evidence/cosigned
 * Checkpoints witnesses cosigned (c2sp.org/tlog-cosignature), as verification uses them: a
 * cosignature counts only when it verifies with a witness key the verifier was given (whatever a
 * database or a file says), and a checkpoint counts as witnessed when a quorum of distinct
 * witnesses cosigned the same size and root.
 */
import { checkpointBody, cosignatureTime, type NoteSignature, type NoteVerifier } from './note.js';

/** A checkpoint a witness cosigned, its cosignature checked. It carries the root, no last hash. */
export interface WitnessedCheckpoint {
  tree_size: number;
  /** Hex. */
  root_hash: string;
  /** Who cosigned it (the name it is known by). */
  witness: string;
  /** When it cosigned (POSIX seconds). */
  timestamp: number;
}

/** A stored cosignature: the checkpoint (origin, size, root) and the note signature's bytes. */
export interface StoredCosignature {
  origin: string;
  tree_size: number;
  root: Buffer;
  key_name: string;
  /** Key id (4 bytes) || timestamp (8) || Ed25519 signature (64). */
  signature: Buffer;
}

/** The cosignatures that verify with one of `witnesses` (keyed by the name to report). */
export function checkedCosignatures(
  stored: readonly StoredCosignature[],
  witnesses: ReadonlyMap<string, NoteVerifier>,
): WitnessedCheckpoint[] {
  const out: WitnessedCheckpoint[] = [];
  for (const c of stored) {
    if (c.signature.length < 5) continue;
    const s: NoteSignature = {
      name: c.key_name,
      keyId: c.signature.subarray(0, 4),
      signature: c.signature.subarray(4),
    };
    for (const [name, v] of witnesses) {
      const body = checkpointBody({ origin: c.origin, size: c.tree_size, root: c.root });
      const timestamp = cosignatureTime(body, s, v);
      if (timestamp === undefined) continue;
      out.push({ tree_size: c.tree_size, root_hash: c.root.toString('hex'), witness: name, timestamp });
      break;
    }
  }
  return out;
}

export interface QuorumCheckpoint {
  tree_size: number;
  root_hash: string;
  witnesses: string[];
  /** The newest of their cosignatures (POSIX seconds). */
  timestamp: number;
}

/** The newest size at least `quorum` distinct witnesses cosigned with one root. */
export function newestQuorum(
  witnessed: readonly WitnessedCheckpoint[],
  quorum: number,
): QuorumCheckpoint | undefined {
  const groups = new Map<string, WitnessedCheckpoint[]>();
  for (const w of witnessed) {
    const key = `${w.tree_size}:${w.root_hash}`;
    groups.set(key, [...(groups.get(key) ?? []), w]);
  }
  let best: QuorumCheckpoint | undefined;
  for (const group of groups.values()) {
    const names = [...new Set(group.map((g) => g.witness))].sort();
    const first = group[0] as WitnessedCheckpoint;
    if (names.length >= quorum && (!best || first.tree_size > best.tree_size))
      best = {
        tree_size: first.tree_size,
        root_hash: first.root_hash,
        witnesses: names,
        timestamp: Math.max(...group.map((g) => g.timestamp)),
      };
  }
  return best;
}
