/**
 * @module certificates/certificate-pdf
 * A certificate of destruction as a PDF for people: the facts, the signed JSON, the signature and
 * the public key, so it can be checked without Ward.
 */
import type { DestructionCertificate } from '../db/index.js';
import { digestLine, fields, heading, renderPdf } from '../lib/pdf.js';
import type { DestructionFacts } from './certificate.js';

export function certificatePdf(c: DestructionCertificate, publicKeyPem: string): Promise<Buffer> {
  const f = JSON.parse(c.document) as DestructionFacts;
  return renderPdf(
    { title: `Certificate of destruction ${c.id}`, subject: `project ${f.project.id}`, keywords: 'ward' },
    (doc) => {
      doc.font('Helvetica-Bold').fontSize(18).text('Certificate of Destruction', { align: 'center' });
      doc.moveDown();
      doc
        .font('Helvetica')
        .fontSize(10)
        .text(
          `${f.issuer.name} certifies that the HIPAA project below was destroyed: its PostgreSQL cluster was removed and its encryption keys were shredded, so that its data and every backup encrypted under those keys can no longer be read.`,
        );
      heading(doc, 'Project');
      fields(doc, [
        ['Organization', `${f.organization.legal_name ?? f.organization.name} (${f.organization.id})`],
        ['Project', `${f.project.name} (${f.project.id})`],
        ['Region', f.project.region_id],
        ['Created', f.project.created_at],
      ]);
      heading(doc, 'Deletion');
      fields(doc, [
        ['Requested at', f.deletion.requested_at ?? 'not recorded'],
        ['Requested by', f.deletion.requested_by?.email ?? 'not recorded'],
        ['Audit log export confirmed', f.deletion.audit_log_export_confirmed ? 'yes' : 'no'],
        ['Grace period ended', f.deletion.grace_period_ended_at ?? 'none'],
      ]);
      heading(doc, 'Destruction');
      fields(doc, [
        ['Cluster destroyed at', f.destruction.cluster.destroyed_at],
        ['Cluster', f.destruction.cluster.what],
        ['Keys shredded at', f.destruction.keys.destroyed_at],
        ['Keys', f.destruction.keys.ids.join(', ') || 'none existed'],
        ['Method', f.destruction.keys.what],
        ['Audit log', f.audit_log.retention],
      ]);
      heading(doc, 'Signature');
      fields(doc, [
        ['Certificate id', c.id],
        ['Issued at', c.issued_at.toISOString()],
        ['Signing key id', c.key_id],
      ]);
      digestLine(
        doc,
        'Ed25519 signature (base64) over the canonical JSON below',
        c.signature.toString('base64'),
      );
      doc.moveDown(0.5).font('Helvetica-Bold').fontSize(10).text('Signed document (RFC 8785 canonical JSON)');
      doc.font('Courier').fontSize(7).text(c.document);
      doc.moveDown(0.5).font('Helvetica-Bold').fontSize(10).text('Public key');
      doc.font('Courier').fontSize(8).text(publicKeyPem);
    },
  );
}
