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
import { keyIdOfPublicKey, verifySignature } from '../lib/signing.js';
import type { InclusionProofView } from './audit.schemas.js';
import { canonicalize } from './canonical.js';
import { checkProof } from './offline.js';

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
const isText = (v: unknown): v is string => typeof v === 'string' && v.length > 0;

function keyIdOf(pem: string): string | undefined {
  try {
    return keyIdOfPublicKey(pem);
  } catch {
    return undefined;
  }
}

function parsed(document: string): PacketHead | undefined {
  try {
    const value = JSON.parse(document) as PacketHead;
    return value && typeof value === 'object' && canonicalize(value) === document ? value : undefined;
  } catch {
    return undefined;
  }
}

/** Checks a packet file (parsed JSON) against `pinnedKeyPem`, or the key inside it; one sentence when it fails. */
export function checkIncidentPacket(file: unknown, pinnedKeyPem?: string): PacketCheck {
  const f = file as {
    id?: string;
    document?: unknown;
    signature?: unknown;
    public_key?: unknown;
    key_id?: string;
  } | null;
  if (!f || typeof f !== 'object' || !isText(f.document) || !isText(f.signature) || !isText(f.public_key))
    return fail('this is not a signed Ward incident packet (document, signature, public_key)');
  const embeddedId = keyIdOf(f.public_key);
  if (!embeddedId) return fail("the file's public_key is not a PEM public key");
  const key = pinnedKeyPem ?? f.public_key;
  const keyId = pinnedKeyPem ? keyIdOf(pinnedKeyPem) : embeddedId;
  if (!keyId) return fail('the public key given is not a PEM public key');
  if (!verifySignature(key, f.document, Buffer.from(f.signature, 'base64')))
    return fail(
      pinnedKeyPem && embeddedId !== keyId
        ? `the packet is not signed by the key you gave (key id ${keyId}); the file names key ${embeddedId}`
        : `the signature does not verify with key ${keyId}: the packet was changed after Ward signed it`,
    );
  if (embeddedId !== keyId || f.key_id !== keyId)
    return fail(`the file names key ${f.key_id ?? embeddedId}, but key ${keyId} signed the packet`);
  const packet = parsed(f.document);
  if (!packet || packet.type !== PACKET_TYPE)
    return fail(`the signed document is not a Ward incident packet (type ${PACKET_TYPE}) in canonical JSON`);
  if (packet.version !== PACKET_VERSION)
    return fail(`packet version ${packet.version} is not one this Ward reads (${PACKET_VERSION})`);
  if (packet.issuer?.signing_key_id !== keyId)
    return fail(`the packet says key ${packet.issuer?.signing_key_id} signed it, but key ${keyId} did`);
  if (f.id !== undefined && f.id !== packet.id)
    return fail(`the file's id ${f.id} is not the signed packet's id ${packet.id}`);
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
    pinned: pinnedKeyPem !== undefined,
    proofs: packet.audit_events?.length ?? 0,
  };
}
