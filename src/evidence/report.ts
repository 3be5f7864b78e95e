/**
 * @module evidence/report
 * The signed compliance report as anyone checks it, offline (`ward compliance verify-report`): the
 * file holds the report as RFC 8785 canonical JSON (`document`, the exact bytes Ward signed), the
 * Ed25519 signature over them, and Ward's public key with its id. The key inside the file only
 * proves that the file is intact; whoever pins Ward's own key (`GET /api/v1/audit/public-key`,
 * `ward audit public-key`) also proves that their Ward issued it. The audit checkpoint the report
 * quotes is checked with the same key. Pure: no server, no database.
 */
import { type Checkpoint, checkpointSignatureValid } from './checkpoints.js';
import { checkEnvelope, type SignedFile } from './signed-document.js';

export const REPORT_TYPE = 'ward.compliance-report';
export const REPORT_VERSION = 1;

/** What Ward hands out as the report's JSON file. */
export type SignedReportFile = SignedFile;

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

const KIND = {
  noun: 'report',
  title: 'Ward compliance report',
  type: REPORT_TYPE,
  version: REPORT_VERSION,
};

/**
 * Checks a report file (already parsed from JSON) against `pinnedKeyPem`, or against the key the
 * file carries when none is pinned. Says what is wrong in one sentence when it does not hold.
 */
export function checkSignedReport(file: unknown, pinnedKeyPem?: string): ReportCheck {
  const envelope = checkEnvelope<ReportHead>(file, KIND, pinnedKeyPem);
  if (!envelope.ok) return envelope;
  const { head: report, key, keyId, pinned } = envelope;
  const cp = report.audit_checkpoint;
  let checkpoint: 'valid' | 'none' | 'other-key' = 'none';
  if (cp) {
    if (cp.key_id !== keyId) checkpoint = 'other-key';
    else if (checkpointSignatureValid(cp, key)) checkpoint = 'valid';
    else
      return {
        ok: false,
        problem: `the audit checkpoint the report quotes (chain ${cp.chain}) does not verify`,
      };
  }
  return { ok: true, report, keyId, pinned, checkpoint };
}
