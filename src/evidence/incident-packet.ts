/**
 * @module evidence/incident-packet
 * An incident's evidence packet (45 CFR 164.414, the burden of proof) as anyone checks it,
 * offline (`ward incident verify-packet`): the file holds the packet as RFC 8785 canonical JSON
 * (`document`, the exact bytes Ward signed), the Ed25519 signature, and Ward's public key with its
 * id; inside, each cited audit event carries its inclusion proof against a signed checkpoint of
 * the org's chain, checked here with the same key. As with the compliance report, the key inside
 * the file proves only integrity; pinning Ward's key (`ward audit public-key`) proves the issuer.
 * Pure: no server, no database.
 */
import type { InclusionProofView } from './audit.schemas.js';
import { checkProof } from './offline.js';
import { checkEnvelope } from './signed-document.js';

export const PACKET_TYPE = 'ward.incident-packet';
export const PACKET_VERSION = 1;

/** The parts of a packet the verifier reads and prints; the rest is the incident's record. */
export interface PacketHead {
  type: string;
  version: number;
  id: string;
  issued_at: string;
  issuer: { ward_version: string; signing_key_id: string };
  organization: { id: string; name: string };
  incident: {
    id: string;
    title: string;
    determination: { determination: string };
    discovery: { discovered_on: string | null };
    notices: { id: string; kind: string; sent_at: string | null; sent_via: string | null }[];
  };
  law_enforcement_documents: { hold_id: string; sha256: string }[];
  audit_events: { id: string; proof: InclusionProofView }[];
}

export type PacketCheck =
  | { ok: true; packet: PacketHead; keyId: string; pinned: boolean; proofs: number }
  | { ok: false; problem: string };

const fail = (problem: string): PacketCheck => ({ ok: false, problem });
const KIND = {
  noun: 'packet',
  title: 'Ward incident packet',
  type: PACKET_TYPE,
  version: PACKET_VERSION,
};

/** Checks a packet file (parsed JSON) against `pinnedKeyPem`, or the key inside it; one sentence when it fails. */
export function checkIncidentPacket(file: unknown, pinnedKeyPem?: string): PacketCheck {
  const envelope = checkEnvelope<PacketHead>(file, KIND, pinnedKeyPem);
  if (!envelope.ok) return envelope;
  const { head: packet, key, keyId, pinned } = envelope;
  for (const e of packet.audit_events ?? []) {
    const r = checkProof(e.proof, key);
    if (!r.ok) return fail(`the inclusion proof of audit event ${e.id} does not hold: ${r.problem}`);
    if (r.event?.id !== e.id) return fail(`the proof listed for ${e.id} is of event ${r.event?.id}`);
    if (r.event?.chain !== packet.organization.id)
      return fail(`audit event ${e.id} is of chain ${r.event?.chain}, not the organization's`);
  }
  return {
    ok: true,
    packet,
    keyId,
    pinned,
    proofs: packet.audit_events?.length ?? 0,
  };
}
