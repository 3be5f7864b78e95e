/**
 * @module incidents/packet-pdf
 * The evidence packet as a PDF for people, drawn from the signed document itself: the incident,
 * who knew when and the discovery date, the risk assessment and its determination, holds, every
 * obligation with its deadline and reason, every notice with when and how it was sent, the cited
 * audit events with their checkpoints, the timeline, and the signature with how to verify it.
 */
import { digestLine, fields, heading, type Pdf, renderPdf, winAnsi } from '../lib/pdf.js';
import { EXCLUSION_TITLES, EXCLUSIONS, FACTOR_TITLES, FACTORS } from './assessment.js';
import type { IncidentPacketDocument, SignedPacket } from './packet.js';

const line = (doc: Pdf, text: string, size = 10) => doc.font('Helvetica').fontSize(size).text(winAnsi(text));

function record(doc: Pdf, p: IncidentPacketDocument): void {
  const i = p.incident;
  doc.font('Helvetica-Bold').fontSize(20).text('Incident evidence packet', { align: 'center' }).moveDown(0.3);
  doc
    .font('Helvetica')
    .fontSize(12)
    .text(winAnsi(p.organization.legal_name ?? p.organization.name), { align: 'center' });
  doc.moveDown(1);
  fields(doc, [
    ['Incident', winAnsi(`${i.title} (${i.id})`)],
    ['Status', i.status],
    ['Occurred', `${i.occurred_from ?? 'unknown'}${i.occurred_to ? ` to ${i.occurred_to}` : ''}`],
    ['Reported by', winAnsi(i.reported_by)],
    ['Owner', winAnsi(i.owner ? `${i.owner.name} <${i.owner.email}>` : 'none')],
    ['Discovered', winAnsi(`${i.discovery.discovered_on ?? 'not yet'}: ${i.discovery.reason}`)],
    ['Determination', winAnsi(`${i.determination.determination.toUpperCase()}: ${i.determination.reason}`)],
    [
      'Affected',
      `${i.affected.total} (${
        Object.entries(i.affected.by_state)
          .map(([s, n]) => `${s} ${n}`)
          .join(', ') || 'none entered'
      })`,
    ],
    ['Packet issued', `${p.issued_at} (${p.id})`],
  ]);
  heading(doc, 'What happened');
  line(doc, i.summary || '(no description)');
  heading(doc, 'Who knew when (164.404(a)(2))');
  if (i.knowledge.length === 0) line(doc, 'Nobody recorded.');
  for (const k of i.knowledge)
    line(
      doc,
      `${k.known_on}: ${k.person} (${k.relation}), ${k.basis === 'knew' ? 'knew' : 'would have known'}${k.committed_breach ? ' - committed the breach, not counted' : ''}`,
    );
}

function assessment(doc: Pdf, p: IncidentPacketDocument): void {
  const a = p.incident.assessment;
  heading(doc, 'Risk assessment (164.402)');
  if (!a) return void line(doc, 'No assessment recorded: a breach is presumed.');
  line(doc, a.unsecured ? 'The PHI was unsecured.' : `The PHI was secured: ${a.secured_basis ?? ''}`);
  for (const f of FACTORS) {
    const v = a.factors[f];
    doc.moveDown(0.3).font('Helvetica-Bold').fontSize(10).text(winAnsi(FACTOR_TITLES[f]));
    if (!v) line(doc, 'Not recorded.');
    else
      fields(doc, [
        ['Finding', winAnsi(v.finding)],
        ['Evidence', winAnsi(v.evidence)],
        ['Supports low probability', v.supports_low_probability ? 'yes' : 'no'],
        ...(v.identifiers
          ? ([['Identifiers', winAnsi(v.identifiers.join(', '))]] as [string, string][])
          : []),
        ...(v.reidentification
          ? ([['Re-identification', winAnsi(v.reidentification)]] as [string, string][])
          : []),
      ]);
  }
  for (const e of EXCLUSIONS) {
    const v = a.exclusions[e];
    if (v?.applies) line(doc, `Exclusion ${EXCLUSION_TITLES[e]}: applies - ${v.basis}`, 9);
  }
}

function notify(doc: Pdf, p: IncidentPacketDocument): void {
  const i = p.incident;
  heading(doc, 'Law-enforcement holds (164.412)');
  if (i.holds.length === 0) line(doc, 'None.');
  for (const h of i.holds)
    line(
      doc,
      `${h.kind} statement of ${h.stated_on} by ${h.official_name ?? 'an official'} (${h.agency}): holds through ${h.holds_until}${h.superseded_by ? `, superseded by ${h.superseded_by}` : ''}${h.document ? `; letter ${h.document.file_name} SHA-256 ${h.document.sha256}` : ''}`,
    );
  heading(doc, 'Obligations and deadlines');
  if (i.obligations.length === 0) line(doc, 'None: not a breach.');
  for (const o of i.obligations)
    line(
      doc,
      `${o.deadline ?? '(no date)'} - ${o.recipient} [${o.citation}]${o.met ? ' - MET' : ''}: ${o.reason}`,
      9,
    );
  heading(doc, 'Notices');
  if (i.notices.length === 0) line(doc, 'None drafted.');
  for (const n of i.notices)
    line(
      doc,
      `${n.kind} to ${n.recipient}: ${n.sent_at ? `sent ${n.sent_at} by ${n.sent_via}` : `NOT SENT (scheduled ${n.scheduled_on})`}${n.delayed ? `; delayed: ${n.delay_reason}` : ''}`,
      9,
    );
}

function closing(doc: Pdf, p: IncidentPacketDocument, s: SignedPacket, publicKeyPem: string): void {
  heading(doc, 'Cited audit events');
  if (p.audit_events.length === 0) line(doc, 'None.');
  for (const e of p.audit_events)
    line(
      doc,
      `${e.id}: leaf ${e.proof.leaf_index} of ${e.proof.tree_size}, checkpoint root ${e.proof.checkpoint.root_hash}`,
      8,
    );
  heading(doc, 'Timeline');
  for (const t of p.incident.timeline) line(doc, `${t.at} ${t.actor}: ${t.summary}`, 8);
  heading(doc, 'Signature');
  digestLine(doc, 'SHA-256 of the signed JSON document', s.sha256);
  digestLine(doc, 'Ed25519 signature (base64)', s.signature.toString('base64'));
  doc.font('Courier').fontSize(7).text(publicKeyPem);
  line(
    doc,
    `Check the JSON offline: ward incident verify-packet <packet.json> --public-key ward.pem (key id ${s.key_id}); it also checks every inclusion proof above.`,
    9,
  );
}

export function packetPdf(s: SignedPacket, publicKeyPem: string): Promise<Buffer> {
  const p = JSON.parse(s.document) as IncidentPacketDocument;
  return renderPdf(
    {
      title: `Incident evidence packet ${p.id}`,
      subject: `incident ${p.incident.id}`,
      keywords: 'ward hipaa incident',
    },
    (doc) => {
      record(doc, p);
      assessment(doc, p);
      doc.addPage();
      notify(doc, p);
      closing(doc, p, s, publicKeyPem);
    },
  );
}
