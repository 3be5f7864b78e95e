/**
 * @module incidents/packet
 * The evidence packet as data (164.414: the org carries the burden of proving that every notice
 * was made, or that the incident was not a breach): the whole incident record with the risk
 * assessment and determination, every notice with when and how it was sent, the obligations and
 * their deadlines, the law-enforcement documents (their SHA-256; the letters stay sealed in Ward),
 * the timeline, and each cited audit event with its inclusion proof against a signed checkpoint;
 * RFC 8785 canonical JSON signed with Ward's Ed25519 key. `evidence/incident-packet.ts` checks it.
 */
import {
  type InclusionProofView,
  PACKET_TYPE,
  PACKET_VERSION,
  type SignedDocument,
  signDocument,
} from '../evidence/index.js';
import type { Signer } from '../lib/signing.js';
import type { IncidentView } from './incidents.views.js';

export interface IncidentPacketDocument {
  type: typeof PACKET_TYPE;
  version: typeof PACKET_VERSION;
  id: string;
  issued_at: string;
  issuer: { ward_version: string; signing_key_id: string };
  organization: { id: string; name: string; legal_name: string | null };
  incident: Omit<IncidentView, 'packets'>;
  law_enforcement_documents: {
    hold_id: string;
    kind: string;
    file_name: string;
    size_bytes: number;
    sha256: string;
  }[];
  audit_events: { id: string; proof: InclusionProofView }[];
}

export type SignedPacket = SignedDocument;

export function packetDocument(f: {
  id: string;
  issuedAt: Date;
  wardVersion: string;
  keyId: string;
  org: { id: string; name: string; legal_name: string | null };
  incident: IncidentView;
  proofs: { id: string; proof: InclusionProofView }[];
}): IncidentPacketDocument {
  const { packets: _previous, ...incident } = f.incident;
  return {
    type: PACKET_TYPE,
    version: PACKET_VERSION,
    id: f.id,
    issued_at: f.issuedAt.toISOString(),
    issuer: { ward_version: f.wardVersion, signing_key_id: f.keyId },
    organization: f.org,
    incident,
    law_enforcement_documents: incident.holds.flatMap((h) =>
      h.document ? [{ hold_id: h.id, kind: h.kind, ...h.document }] : [],
    ),
    audit_events: f.proofs,
  };
}

export function signPacket(doc: IncidentPacketDocument, signer: Signer): SignedPacket {
  return signDocument(doc, signer);
}
