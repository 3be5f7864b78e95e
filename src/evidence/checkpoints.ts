/**
 * @module evidence/checkpoints
 * Signed tree heads. A checkpoint states: chain C held `tree_size` events, the RFC 6962 root of
 * their hashes (leaf data = each event's chain hash) is R, and the last event's hash is L; Ward's
 * Ed25519 key signs that statement. The signed message is a fixed prefix (domain separation) and
 * the RFC 8785 canonical JSON of those fields, so anyone with the public key can check it offline.
 */
import { type Signer, verifySignature } from '../lib/signing.js';
import { canonicalize } from './canonical.js';

export const CHECKPOINT_DOMAIN = 'ward-audit-checkpoint/v1\n';

export interface Checkpoint {
  chain: string;
  tree_size: number;
  /** Hex. */
  root_hash: string;
  /** Hex: the hash of event number tree_size. */
  last_hash: string;
  time: string;
  key_id: string;
  /** Base64 Ed25519 signature over checkpointMessage(). */
  signature: string;
}

export type UnsignedCheckpoint = Omit<Checkpoint, 'signature'>;

export function checkpointMessage(cp: UnsignedCheckpoint): string {
  return (
    CHECKPOINT_DOMAIN +
    canonicalize({
      chain: cp.chain,
      tree_size: cp.tree_size,
      root_hash: cp.root_hash,
      last_hash: cp.last_hash,
      time: cp.time,
      key_id: cp.key_id,
    })
  );
}

export function signCheckpoint(signer: Signer, cp: Omit<UnsignedCheckpoint, 'key_id'>): Checkpoint {
  const unsigned = { ...cp, key_id: signer.keyId };
  return { ...unsigned, signature: signer.sign(checkpointMessage(unsigned)).toString('base64') };
}

export function checkpointSignatureValid(cp: Checkpoint, publicKeyPem: string): boolean {
  return verifySignature(publicKeyPem, checkpointMessage(cp), Buffer.from(cp.signature, 'base64'));
}

/** The stored row as the shape sinks, exports and proofs carry. */
export function checkpointFromRow(r: {
  chain_id: string;
  tree_size: number | string;
  root_hash: Buffer;
  last_hash: Buffer;
  time: Date;
  key_id: string;
  signature: Buffer;
}): Checkpoint {
  return {
    chain: r.chain_id,
    tree_size: Number(r.tree_size),
    root_hash: r.root_hash.toString('hex'),
    last_hash: r.last_hash.toString('hex'),
    time: r.time.toISOString(),
    key_id: r.key_id,
    signature: r.signature.toString('base64'),
  };
}
