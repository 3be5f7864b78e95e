/**
 * @module compliance/report/report
 * The auditor's package as data: an org's posture at one moment (both scores, 90 days of history,
 * every control with its citation, state, message and raw evidence), every attestation (the
 * document's name and SHA-256, never its bytes), every 164.306(d)(3) decision with its rationale,
 * the executed BAA's hash, the latest signed checkpoint of the org's audit chain and, when this
 * Ward lists them, its subprocessors; as RFC 8785 canonical JSON signed with Ward's Ed25519 key.
 * `evidence/report.ts` is how anyone checks it offline.
 */
import {
  type Checkpoint,
  REPORT_TYPE,
  REPORT_VERSION,
  type SignedDocument,
  signDocument,
} from '../../evidence/index.js';
import type { Signer } from '../../lib/signing.js';
import type { ControlView } from '../compliance.schemas.js';
import type { Posture } from '../compliance.service.js';

/** The executed BAA as the report states it: which text (hash, template) and who signed when. */
export interface ReportBaa {
  id: string;
  template_version: string;
  /** The template Ward renders today; a BAA on an older one is out of date. */
  current_template_version: string;
  document_sha256: string;
  signed_by: string;
  signed_at: string;
  countersigned_by: string | null;
  countersigned_at: string | null;
}

/** One subprocessor of the operator, as the report lists it. */
export interface ReportSubprocessor {
  name: string;
  purpose: string;
  location: string;
  /** Whether it may touch PHI. */
  phi: boolean;
  /** Since when these details are in effect, when the list says. */
  effective_at?: string;
}

/** The latest signed checkpoint of the org's audit chain, also as a C2SP signed note. */
export interface ReportCheckpoint extends Checkpoint {
  signed_note: string;
}

export interface ReportAttestation {
  id: string;
  control_id: string;
  /** What the owner said the document shows. */
  statement: string;
  file_name: string;
  size_bytes: number;
  sha256: string;
  review_by: string;
  attested_by: string;
  attested_at: string;
}

export interface ReportDecision {
  id: string;
  control_id: string;
  citation: string;
  decision: string;
  rationale: string;
  decided_by: string;
  decided_at: string;
  expires_at: string;
  in_force: boolean;
}

export interface ReportHistoryPoint {
  day: string;
  required_score: number;
  addressable_score: number;
  required_met: boolean;
}

export interface ComplianceReportDocument {
  type: typeof REPORT_TYPE;
  version: typeof REPORT_VERSION;
  id: string;
  issued_at: string;
  issuer: { name: string; ward_version: string; signing_key_id: string };
  organization: { id: string; name: string; legal_name: string | null; hipaa_enabled: boolean };
  checked_at: string;
  scores: { required_score: number; addressable_score: number; required_met: boolean };
  failing_required: string[];
  history: ReportHistoryPoint[];
  controls: ControlView[];
  attestations: ReportAttestation[];
  decisions: ReportDecision[];
  baa: ReportBaa | null;
  audit_checkpoint: ReportCheckpoint | null;
  /** Null when this Ward was not given a subprocessor list; [] when it lists none. */
  subprocessors: ReportSubprocessor[] | null;
}

export interface ReportFacts {
  id: string;
  issuedAt: Date;
  issuer: { name: string; ward_version: string };
  posture: Posture;
  history: ReportHistoryPoint[];
  attestations: ReportAttestation[];
  decisions: Omit<ReportDecision, 'citation' | 'in_force'>[];
  baa: ReportBaa | null;
  checkpoint: ReportCheckpoint | null;
  subprocessors: ReportSubprocessor[] | null;
}

export type SignedReport = SignedDocument;

export function reportDocument(facts: ReportFacts, signingKeyId: string): ComplianceReportDocument {
  const { posture: p } = facts;
  const citation = new Map(p.controls.map((c) => [c.id, c.citation]));
  const legal = p.org.settings.legal_name;
  return {
    type: REPORT_TYPE,
    version: REPORT_VERSION,
    id: facts.id,
    issued_at: facts.issuedAt.toISOString(),
    issuer: { ...facts.issuer, signing_key_id: signingKeyId },
    organization: {
      id: p.org.id,
      name: p.org.name,
      legal_name: typeof legal === 'string' ? legal : null,
      hipaa_enabled: p.org.hipaa_enabled,
    },
    checked_at: p.checkedAt.toISOString(),
    scores: { ...p.scores },
    failing_required: p.controls
      .filter((c) => c.kind === 'required' && c.state === 'failing')
      .map((c) => c.id),
    history: facts.history,
    controls: p.controls,
    attestations: facts.attestations,
    decisions: facts.decisions.map((d) => ({
      ...d,
      citation: citation.get(d.control_id) ?? d.control_id,
      in_force: new Date(d.expires_at) > facts.issuedAt,
    })),
    baa: facts.baa,
    audit_checkpoint: facts.checkpoint,
    subprocessors: facts.subprocessors,
  };
}

/**
 * Canonical JSON of the report, signed. The evidence is whatever the checks returned: a round
 * trip through JSON drops what JSON cannot carry before the canonical form is taken.
 */
export function signReport(doc: ComplianceReportDocument, signer: Signer): SignedReport {
  return signDocument(doc, signer);
}
