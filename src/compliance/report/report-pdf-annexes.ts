/**
 * @module compliance/report/report-pdf-annexes
 * The compliance report PDF's closing pages: every addressable decision with its rationale, every
 * attestation (document name and SHA-256), the executed BAA's hash, the subprocessors, the latest
 * signed checkpoint of the org's audit chain, and the report's own signature with how to check it
 * offline (`ward compliance verify-report`).
 */
import { digestLine, fields, heading, type Pdf, winAnsi } from '../../lib/pdf.js';
import type { ComplianceReportDocument, SignedReport } from './report.js';

function decisions(doc: Pdf, r: ComplianceReportDocument): void {
  heading(doc, 'Decisions on addressable specifications (164.306(d)(3))');
  if (r.decisions.length === 0) doc.font('Helvetica').fontSize(10).text('None recorded.');
  for (const d of r.decisions) {
    doc
      .moveDown(0.4)
      .font('Helvetica-Bold')
      .fontSize(10)
      .text(winAnsi(`${d.citation} [${d.control_id}]`));
    fields(doc, [
      ['Decision', d.decision],
      ['Rationale', winAnsi(d.rationale)],
      ['Decided', winAnsi(`${d.decided_at} by ${d.decided_by}`)],
      ['Expires', `${d.expires_at} (${d.in_force ? 'in force' : 'expired'})`],
    ]);
  }
}

function attestations(doc: Pdf, r: ComplianceReportDocument): void {
  heading(doc, 'Attestations');
  if (r.attestations.length === 0) doc.font('Helvetica').fontSize(10).text('None uploaded.');
  for (const a of r.attestations) {
    doc
      .moveDown(0.4)
      .font('Helvetica-Bold')
      .fontSize(10)
      .text(winAnsi(`${a.file_name} [${a.control_id}]`));
    fields(doc, [
      ['Attested', winAnsi(`${a.attested_at} by ${a.attested_by}`)],
      ['Review by', a.review_by],
      ['Size', `${a.size_bytes} bytes`],
    ]);
    digestLine(doc, 'SHA-256 of the document', a.sha256);
  }
}

function baa(doc: Pdf, r: ComplianceReportDocument): void {
  heading(doc, 'Business Associate Agreement');
  if (!r.baa) {
    doc.font('Helvetica').fontSize(10).text('No executed BAA.');
    return;
  }
  fields(doc, [
    ['BAA', r.baa.id],
    [
      'Template version',
      `${r.baa.template_version}${r.baa.template_version === r.baa.current_template_version ? ' (current)' : ` (current: ${r.baa.current_template_version})`}`,
    ],
    ['Signed', winAnsi(`${r.baa.signed_at} by ${r.baa.signed_by}`)],
    [
      'Countersigned',
      winAnsi(r.baa.countersigned_at ? `${r.baa.countersigned_at} by ${r.baa.countersigned_by}` : 'no'),
    ],
  ]);
  digestLine(doc, 'SHA-256 of the executed BAA', r.baa.document_sha256);
}

function subprocessors(doc: Pdf, r: ComplianceReportDocument): void {
  heading(doc, 'Subprocessors');
  const list = r.subprocessors;
  if (list === null) doc.font('Helvetica').fontSize(10).text('This Ward does not keep a subprocessor list.');
  else if (list.length === 0)
    doc.font('Helvetica').fontSize(10).text('None: the operator lists no subprocessor.');
  else
    fields(
      doc,
      list.map((s) => [
        winAnsi(s.name),
        winAnsi(
          `${s.purpose}; ${s.location}; ${s.phi ? 'may touch PHI' : 'no access to PHI'}${s.effective_at ? `; since ${s.effective_at.slice(0, 10)}` : ''}`,
        ),
      ]),
    );
}

function checkpoint(doc: Pdf, r: ComplianceReportDocument): void {
  heading(doc, 'Latest signed audit checkpoint');
  const cp = r.audit_checkpoint;
  if (!cp) {
    doc.font('Helvetica').fontSize(10).text("The org's audit chain has no signed checkpoint yet.");
    return;
  }
  fields(doc, [
    ['Chain', cp.chain],
    ['Events covered', String(cp.tree_size)],
    ['Signed at', cp.time],
    ['Signing key id', cp.key_id],
  ]);
  digestLine(doc, 'Merkle root (RFC 6962)', cp.root_hash);
  digestLine(doc, 'Hash of the last event', cp.last_hash);
  digestLine(doc, 'Ed25519 signature (base64)', cp.signature);
  doc.moveDown(0.3).font('Helvetica-Bold').fontSize(10).text('Signed note (C2SP)');
  doc.font('Courier').fontSize(7.5).text(winAnsi(cp.signed_note));
}

function signature(doc: Pdf, r: ComplianceReportDocument, signed: SignedReport, publicKeyPem: string): void {
  heading(doc, 'Signature and verification');
  fields(doc, [
    ['Report id', r.id],
    ['Issued at', r.issued_at],
    ["Ward's public key id", signed.key_id],
  ]);
  digestLine(doc, 'SHA-256 of the signed JSON document', signed.sha256);
  digestLine(doc, 'Ed25519 signature (base64) over the JSON document', signed.signature.toString('base64'));
  doc.moveDown(0.3).font('Helvetica-Bold').fontSize(10).text('Public key');
  doc.font('Courier').fontSize(8).text(publicKeyPem);
  doc
    .moveDown(0.5)
    .font('Helvetica')
    .fontSize(10)
    .text(
      `This PDF presents the signed JSON report ${r.id} (RFC 8785 canonical JSON, with the raw evidence of every control). To check that report offline, without Ward: ward compliance verify-report <report.json> --public-key ward.pem, where ward.pem is Ward's public key as your Ward serves it (ward audit public-key, or GET /api/v1/audit/public-key); its key id must be ${signed.key_id}. The check also verifies the audit checkpoint above. Without --public-key the key inside the file is used, which proves only that the file is intact.`,
    );
}

export function annexes(
  doc: Pdf,
  r: ComplianceReportDocument,
  signed: SignedReport,
  publicKeyPem: string,
): void {
  doc.addPage();
  decisions(doc, r);
  attestations(doc, r);
  baa(doc, r);
  subprocessors(doc, r);
  doc.addPage();
  checkpoint(doc, r);
  signature(doc, r, signed, publicKeyPem);
}
