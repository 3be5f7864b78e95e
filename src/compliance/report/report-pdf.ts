/**
 * @module compliance/report/report-pdf
 * The signed compliance report as a PDF for people: a cover with both scores and the date, one
 * section per safeguard with every control (state and since when, citation, R/A, responsibility,
 * threshold, message, evidence), then the annexes (report-pdf-annexes.ts): decisions, attestations,
 * the BAA, subprocessors, the audit checkpoint, and the signature with how to verify it. Drawn
 * from the signed document itself, so the PDF and the JSON of one report always agree.
 */
import { fields, heading, type Pdf, renderPdf, winAnsi } from '../../lib/pdf.js';
import { SAFEGUARD_TITLES, type Safeguard } from '../catalog.js';
import type { ControlView } from '../compliance.schemas.js';
import type { ComplianceReportDocument, SignedReport } from './report.js';
import { annexes } from './report-pdf-annexes.js';

/** Evidence longer than this is cut in the PDF; the signed JSON carries all of it. */
const EVIDENCE_CHARS = 1500;

const STATE_WORDS: Record<ControlView['state'], string> = {
  passing: 'PASSING',
  failing: 'FAILING',
  attested: 'ATTESTED',
  alternative: 'ALTERNATIVE MEASURE',
  not_applicable: 'NOT APPLICABLE',
};

function cover(doc: Pdf, r: ComplianceReportDocument): void {
  const org = r.organization.legal_name ?? r.organization.name;
  doc.font('Helvetica-Bold').fontSize(22).text('HIPAA Compliance Report', { align: 'center' }).moveDown(0.3);
  doc.font('Helvetica').fontSize(13).text(winAnsi(org), { align: 'center' });
  doc.fontSize(10).text(`${r.organization.name} (${r.organization.id})`, { align: 'center' }).moveDown(1.5);
  doc
    .font('Helvetica-Bold')
    .fontSize(18)
    .text(`HIPAA Required ${r.scores.required_score}%`, { align: 'center' });
  doc.text(`HIPAA Addressable ${r.scores.addressable_score}%`, { align: 'center' }).moveDown(0.5);
  doc
    .font('Helvetica')
    .fontSize(11)
    .text(
      r.scores.required_met
        ? 'Every required implementation specification is met.'
        : `Required specifications not met: ${r.failing_required.join(', ')}`,
      { align: 'center' },
    )
    .moveDown(1.5);
  fields(doc, [
    ['Date', r.issued_at.slice(0, 10)],
    ['Issued at', r.issued_at],
    ['Controls checked at', r.checked_at],
    ['Issued by', winAnsi(`${r.issuer.name} (Ward ${r.issuer.ward_version})`)],
    ['HIPAA enabled', r.organization.hipaa_enabled ? 'yes' : 'no'],
    ['Report id', r.id],
  ]);
  const counts = new Map<string, number>();
  for (const c of r.controls) counts.set(c.state, (counts.get(c.state) ?? 0) + 1);
  heading(doc, 'Controls');
  fields(
    doc,
    [...counts].map(([state, n]) => [STATE_WORDS[state as ControlView['state']] ?? state, String(n)]),
  );
  heading(doc, `Score history (${r.history.length} daily snapshots, changes only)`);
  let last = '';
  for (const h of r.history) {
    const line = `Required ${h.required_score}%, Addressable ${h.addressable_score}%`;
    if (line === last) continue;
    last = line;
    doc.font('Helvetica').fontSize(9).text(`${h.day}: ${line}`);
  }
}

function control(doc: Pdf, c: ControlView): void {
  doc
    .moveDown(0.6)
    .font('Helvetica-Bold')
    .fontSize(10.5)
    .text(winAnsi(`${c.citation} ${c.title}`));
  doc
    .font('Helvetica')
    .fontSize(8.5)
    .fillColor('#555555')
    .text(winAnsi(`${c.standard} · [${c.id}]`));
  doc.fillColor('black').fontSize(10);
  fields(doc, [
    ['State', `${STATE_WORDS[c.state]} since ${c.since}`],
    ['Required/Addressable', c.kind === 'required' ? 'R (required)' : 'A (addressable)'],
    ['Responsibility', c.responsibility],
    ['Checked by', c.check === 'attestation' ? 'attestation' : `Ward's live check '${c.check}'`],
    [
      'Threshold',
      winAnsi(
        c.check === 'attestation'
          ? 'a document attested by an owner whose review date has not passed'
          : c.threshold || 'none named',
      ),
    ],
    ['Message', winAnsi(c.message)],
  ]);
  if (c.attestation)
    fields(doc, [
      [
        'Attestation',
        winAnsi(
          `${c.attestation.file_name}, SHA-256 ${c.attestation.sha256}, by ${c.attestation.attested_by} on ${c.attestation.attested_at}, review by ${c.attestation.review_by}`,
        ),
      ],
    ]);
  if (c.decision)
    fields(doc, [
      [
        'Decision',
        winAnsi(
          `${c.decision.decision} (${c.decision.in_force ? 'in force' : 'expired'} until ${c.decision.expires_at.slice(0, 10)}): ${c.decision.rationale}`,
        ),
      ],
    ]);
  const evidence = JSON.stringify(c.evidence);
  if (evidence !== '{}') {
    doc.font('Helvetica-Bold').fontSize(10).text('Evidence:');
    const cut = evidence.length > EVIDENCE_CHARS;
    doc
      .font('Courier')
      .fontSize(7)
      .text(
        winAnsi(cut ? `${evidence.slice(0, EVIDENCE_CHARS)}… (the signed JSON holds all of it)` : evidence),
      );
  }
}

export function reportPdf(r: SignedReport, publicKeyPem: string): Promise<Buffer> {
  const report = JSON.parse(r.document) as ComplianceReportDocument;
  return renderPdf(
    {
      title: `HIPAA compliance report ${report.id}`,
      subject: `organization ${report.organization.id}`,
      keywords: 'ward hipaa compliance',
    },
    (doc) => {
      cover(doc, report);
      for (const safeguard of Object.keys(SAFEGUARD_TITLES) as Safeguard[]) {
        doc.addPage();
        heading(doc, SAFEGUARD_TITLES[safeguard], 15);
        const of = report.controls.filter((c) => c.safeguard === safeguard);
        if (of.length === 0) doc.font('Helvetica').fontSize(10).text('No controls in this safeguard.');
        for (const c of of) control(doc, c);
      }
      annexes(doc, report, r, publicKeyPem);
    },
  );
}
