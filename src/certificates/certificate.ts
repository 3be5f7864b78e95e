/**
 * @module certificates/certificate
 * A certificate of destruction: what was destroyed (a HIPAA project's cluster and its keys), when,
 * at whose request and after which confirmation, as RFC 8785 canonical JSON signed with Ward's
 * Ed25519 key. Anyone holding Ward's public key can check it offline: the signature covers the
 * exact bytes of `document`.
 */
import { canonicalize } from '../evidence/index.js';
import { type Signer, verifySignature } from '../lib/signing.js';

export const CERTIFICATE_TYPE = 'ward.certificate-of-destruction';

export interface DestructionFacts {
  id: string;
  issued_at: string;
  issuer: { name: string; ward_version: string; signing_key_id: string };
  organization: { id: string; name: string; legal_name: string | null };
  project: { id: string; name: string; region_id: string; audit_log_level: string; created_at: string };
  deletion: {
    requested_at: string | null;
    requested_by: { id: string; email: string } | null;
    audit_log_export_confirmed: boolean;
    grace_period_ended_at: string | null;
  };
  destruction: {
    cluster: { provider: string; destroyed_at: string; what: string };
    keys: { ids: string[]; destroyed_at: string; what: string };
  };
  audit_log: { chain: string; retention: string };
}

export interface SignedCertificate {
  document: string;
  signature: Buffer;
  key_id: string;
}

export function issueCertificate(facts: DestructionFacts, signer: Signer): SignedCertificate {
  const document = canonicalize({ type: CERTIFICATE_TYPE, version: 1, ...facts });
  return { document, signature: signer.sign(document), key_id: signer.keyId };
}

/** True when `signature` is Ward's signature (public key `publicKeyPem`) over `document`. */
export function verifyCertificate(publicKeyPem: string, document: string, signature: Buffer): boolean {
  return verifySignature(publicKeyPem, document, signature);
}
