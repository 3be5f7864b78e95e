/**
 * @module hipaa/baa-pdf
 * The executed BAA as a PDF: the text exactly as signed, both signature blocks (name, title,
 * email, time, client address) and the SHA-256 that both parties signed.
 */
import type { Baa } from '../db/index.js';
import { digestLine, fields, heading, paragraphs, renderPdf } from '../lib/pdf.js';

function signatureBlock(
  doc: PDFKit.PDFDocument,
  party: string,
  s: { name: string; title: string; email: string; at: Date; ip: string | null },
): void {
  heading(doc, party, 11);
  fields(doc, [
    ['Signed by', s.name],
    ['Title', s.title],
    ['Account', s.email],
    ['Signed at (UTC)', s.at.toISOString()],
    ['From address', s.ip ?? 'not recorded'],
  ]);
}

export function baaPdf(b: Baa): Promise<Buffer> {
  return renderPdf(
    {
      title: `Business Associate Agreement ${b.id}`,
      subject: `SHA-256 ${b.document_sha256}`,
      keywords: `ward baa ${b.template_version} ${b.org_id}`,
    },
    (doc) => {
      paragraphs(doc, b.document);
      doc.addPage();
      heading(doc, 'Signatures', 14);
      doc
        .font('Helvetica')
        .fontSize(10)
        .text(
          'Each party signed electronically, in Ward, the SHA-256 digest below of the agreement text above.',
        );
      signatureBlock(doc, 'Covered Entity', {
        name: b.signer_name,
        title: b.signer_title,
        email: b.signer_email,
        at: b.signed_at,
        ip: b.signed_ip,
      });
      if (b.countersigned_at)
        signatureBlock(doc, 'Business Associate', {
          name: b.countersigner_name ?? '',
          title: b.countersigner_title ?? '',
          email: b.countersigner_email ?? '',
          at: b.countersigned_at,
          ip: b.countersigned_ip,
        });
      doc.moveDown();
      digestLine(doc, 'Document SHA-256', b.document_sha256);
      fields(doc, [
        ['Agreement id', b.id],
        ['Template version', b.template_version],
      ]);
    },
  );
}
