/**
 * @module evidence/report
 * The signed compliance report as anyone checks it, offline (`ward compliance verify-report`): the
 * file holds the report as RFC 8785 canonical JSON (`document`, the exact bytes Ward signed), the
 * Ed25519 signature over them, and Ward's public key with its id. The key inside the file only
 * proves that the file is intact; whoever pins Ward's own key (`GET /api/v1/audit/public-key`,
 * `ward audit public-key`) also proves that their Ward issued it. The audit checkpoint the report
 * quotes is checked with the same key. Pure: no server, no database.
 */
import { keyIdOfPublicKey, verifySignature } from '../lib/signing.js';
import { canonicalize } from './canonical.js';
import { type Checkpoint, checkpointSignatureValid } from './checkpoints.js';

export const REPORT_TYPE = 'ward.compliance-report';
export const REPORT_VERSION = 1;

/** What Ward hands out as the report's JSON file. */
export interface SignedReportFile {
  id: string;
  /** The report: RFC 8785 canonical JSON, the exact bytes that were signed. */
  document: string;
  /** Ed25519 signature over `document`, base64. */
  signature: string;
  /** Ward's public key, SPKI PEM. */
  public_key: string;
  key_id: string;
}

/** The parts of a report the verifier reads and prints; the rest is the report's content. */
export interface ReportHead {
  type: string;
  version: number;
  id: string;
  issued_at: string;
  issuer: { name: string; ward_version: string; signing_key_id: string };
  organization: { id: string; name: string; legal_name: string | null };
  scores: { required_score: number; addressable_score: number; required_met: boolean };
  audit_checkpoint: (Checkpoint & { signed_note: string }) | null;
}

export type ReportCheck =
  | {
      ok: true;
      report: ReportHead;
      keyId: string;
      /** True when the key came from the person checking (--public-key), not from the file. */
      pinned: boolean;
      /** The quoted audit checkpoint: valid with the same key, absent, or signed by another key. */
      checkpoint: 'valid' | 'none' | 'other-key';
    }
  | { ok: false; problem: string };

const fail = (problem: string): ReportCheck => ({ ok: false, problem });
const isText = (v: unknown): v is string => typeof v === 'string' && v.length > 0;

function keyIdOf(pem: string): string | undefined {
  try {
    return keyIdOfPublicKey(pem);
  } catch {
    return undefined;
  }
}

function parsed(document: string): ReportHead | undefined {
  try {
    const value = JSON.parse(document) as ReportHead;
    return value && typeof value === 'object' && canonicalize(value) === document ? value : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Checks a report file (already parsed from JSON) against `pinnedKeyPem`, or against the key the
 * file carries when none is pinned. Says what is wrong in one sentence when it does not hold.
 */
export function checkSignedReport(file: unknown, pinnedKeyPem?: string): ReportCheck {
  const f = file as Partial<SignedReportFile> | null;
  if (!f || typeof f !== 'object' || !isText(f.document) || !isText(f.signature) || !isText(f.public_key))
    return fail('this is not a signed Ward compliance report (document, signature, public_key)');
  const embeddedId = keyIdOf(f.public_key);
  if (!embeddedId) return fail("the file's public_key is not a PEM public key");
  const key = pinnedKeyPem ?? f.public_key;
  const keyId = pinnedKeyPem ? keyIdOf(pinnedKeyPem) : embeddedId;
  if (!keyId) return fail('the public key given is not a PEM public key');
  if (!verifySignature(key, f.document, Buffer.from(f.signature, 'base64')))
    return fail(
      pinnedKeyPem && embeddedId !== keyId
        ? `the report is not signed by the key you gave (key id ${keyId}); the file names key ${embeddedId}`
        : `the signature does not verify with key ${keyId}: the report was changed after Ward signed it`,
    );
  if (embeddedId !== keyId || f.key_id !== keyId)
    return fail(`the file names key ${f.key_id ?? embeddedId}, but key ${keyId} signed the report`);
  const report = parsed(f.document);
  if (!report || report.type !== REPORT_TYPE)
    return fail(
      `the signed document is not a Ward compliance report (type ${REPORT_TYPE}) in canonical JSON`,
    );
  if (report.version !== REPORT_VERSION)
    return fail(`report version ${report.version} is not one this Ward reads (${REPORT_VERSION})`);
  if (report.issuer?.signing_key_id !== keyId)
    return fail(`the report says key ${report.issuer?.signing_key_id} signed it, but key ${keyId} did`);
  if (f.id !== undefined && f.id !== report.id)
    return fail(`the file's id ${f.id} is not the signed report's id ${report.id}`);
  const cp = report.audit_checkpoint;
  let checkpoint: 'valid' | 'none' | 'other-key' = 'none';
  if (cp) {
    if (cp.key_id !== keyId) checkpoint = 'other-key';
    else if (checkpointSignatureValid(cp, key)) checkpoint = 'valid';
    else return fail(`the audit checkpoint the report quotes (chain ${cp.chain}) does not verify`);
  }
  return { ok: true, report, keyId, pinned: pinnedKeyPem !== undefined, checkpoint };
}
