/**
 * @module incidents/letter-pdf
 * A notice as a letter (PDF), in the order of 164.404(c)(1): what happened with the date of the
 * breach and of its discovery, the information involved, what the reader can do, what the org is
 * doing, and how to reach it. A draft that still lacks required content says so on its first line.
 */
import { fields, heading, type Pdf, renderPdf, winAnsi } from '../lib/pdf.js';
import type { IncidentView, NoticeView } from './incidents.views.js';
import { NOTICE_TITLES } from './notices.js';

function section(doc: Pdf, title: string, body: string | undefined): void {
  heading(doc, title, 12);
  doc
    .font('Helvetica')
    .fontSize(10.5)
    .text(winAnsi(body?.trim() || '(not yet written)'));
}

export function noticeLetter(n: NoticeView, incident: IncidentView, orgName: string): Promise<Buffer> {
  const c = n.content;
  return renderPdf(
    {
      title: NOTICE_TITLES[n.kind],
      subject: `incident ${incident.id}, notice ${n.id}`,
      keywords: 'ward breach notice',
    },
    (doc) => {
      if (n.missing.length > 0)
        doc
          .font('Helvetica-Bold')
          .fontSize(9)
          .fillColor('#b00020')
          .text(winAnsi(`DRAFT - required content missing: ${n.missing.join('; ')}`))
          .fillColor('black')
          .moveDown(0.5);
      doc.font('Helvetica-Bold').fontSize(16).text(winAnsi(NOTICE_TITLES[n.kind])).moveDown(0.3);
      doc.font('Helvetica').fontSize(11).text(winAnsi(orgName)).moveDown(0.8);
      fields(doc, [
        ['To', winAnsi(n.recipient)],
        ...(n.jurisdiction
          ? ([['State or jurisdiction', winAnsi(n.jurisdiction)]] as [string, string][])
          : []),
        ['Date', n.sent_at ? n.sent_at.slice(0, 10) : n.scheduled_on],
        ['Date of the breach', winAnsi(c.breach_date ?? 'unknown')],
        ['Date of discovery', c.discovery_date ?? '(not yet known)'],
      ]);
      section(doc, 'What happened', c.description);
      section(doc, 'What information was involved', c.phi_types?.join(', '));
      if (n.kind === 'covered_entity') section(doc, 'The individuals affected', c.identities);
      else if (n.kind !== 'secretary') section(doc, 'What you can do', c.steps);
      if (n.kind === 'secretary') fields(doc, [['Individuals affected', String(incident.affected.total)]]);
      if (n.kind !== 'covered_entity') section(doc, 'What we are doing', c.org_actions);
      const contact = c.contact ?? {};
      heading(doc, 'For more information', 12);
      fields(
        doc,
        (
          [
            ['Toll-free', contact.toll_free],
            ['E-mail', contact.email],
            ['Web site', contact.website],
            ['Postal address', contact.postal],
          ] as [string, string | undefined][]
        )
          .filter((r): r is [string, string] => Boolean(r[1]))
          .map(([k, v]) => [k, winAnsi(v)]),
      );
      doc
        .moveDown(1)
        .font('Helvetica')
        .fontSize(8)
        .fillColor('#555555')
        .text(
          winAnsi(
            n.sent_at
              ? `Sent ${n.sent_at} by ${n.sent_via}. Incident ${incident.id}, notice ${n.id}.`
              : `Draft, scheduled for ${n.scheduled_on}. Incident ${incident.id}, notice ${n.id}.`,
          ),
        );
    },
  );
}
