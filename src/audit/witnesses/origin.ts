/**
 * @module audit/witnesses/origin
 * A chain as a C2SP log: its origin line is `ward/<Ward's key id>/<chain>` (unique per Ward and
 * chain, and stable across restarts), and Ward's note key for it is its Ed25519 signing key under
 * that name. A witness trusts the chain through that verifier key (`ward audit witness log-key`).
 * A stored checkpoint becomes a signed note only after its own signature is checked: Ward signs
 * for witnesses exactly what it already signed for itself.
 */
import {
  type Checkpoint,
  checkpointBody,
  checkpointSignatureValid,
  ED25519,
  encodeVkey,
  formatNote,
  type NoteVerifier,
  rawEd25519,
  signNote,
  verifierFor,
} from '../../evidence/index.js';
import type { Signer } from '../../lib/signing.js';

export const logOrigin = (signer: Pick<Signer, 'keyId'>, chain: string) => `ward/${signer.keyId}/${chain}`;

export function logVerifier(signer: Signer, chain: string): NoteVerifier {
  return verifierFor(logOrigin(signer, chain), ED25519, rawEd25519(signer.publicKeyPem));
}

export const logVkey = (signer: Signer, chain: string) => encodeVkey(logVerifier(signer, chain));

/** The note body of a checkpoint: origin, size, root. */
export function noteBodyOf(signer: Signer, chain: string, size: number, root: Buffer): string {
  return checkpointBody({ origin: logOrigin(signer, chain), size, root });
}

/** The checkpoint as a note signed by Ward; throws if its stored signature is not Ward's. */
export function signedNoteOf(signer: Signer, cp: Checkpoint): string {
  if (cp.key_id !== signer.keyId || !checkpointSignatureValid(cp, signer.publicKeyPem))
    throw new Error(`checkpoint ${cp.tree_size} of chain ${cp.chain} does not carry this Ward's signature`);
  const body = noteBodyOf(signer, cp.chain, cp.tree_size, Buffer.from(cp.root_hash, 'hex'));
  const v = logVerifier(signer, cp.chain);
  return formatNote({ body, signatures: [signNote(body, v, (data) => signer.sign(data))] });
}
