/**
 * @module lib/pdf
 * Small PDF documents (agreements, certificates, reports) with pdfkit, using only the standard
 * fonts so no font file ships with Ward (`winAnsi` keeps text to what they can print).
 * `paragraphs` lays out the plain, Markdown-like text Ward keeps (`# ` title, `## ` heading,
 * blank-line separated paragraphs); `fields` prints label/value lines.
 */
import PDFDocument from 'pdfkit';

export type Pdf = PDFKit.PDFDocument;

export interface PdfInfo {
  title: string;
  subject?: string;
  keywords?: string;
}

export function renderPdf(info: PdfInfo, draw: (doc: Pdf) => void): Promise<Buffer> {
  const doc = new PDFDocument({
    size: 'LETTER',
    margin: 64,
    info: { Title: info.title, Subject: info.subject, Keywords: info.keywords, Creator: 'Ward' },
  });
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('data', (c: Buffer) => chunks.push(c));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  draw(doc);
  doc.end();
  return done;
}

export function heading(doc: Pdf, text: string, size = 13): void {
  doc.moveDown(0.6).font('Helvetica-Bold').fontSize(size).text(text).moveDown(0.3);
}

export function paragraphs(doc: Pdf, text: string): void {
  for (const block of text.split(/\n\s*\n/)) {
    const lines = block.trim().split('\n');
    const first = lines[0] ?? '';
    if (first.startsWith('# ')) {
      doc.font('Helvetica-Bold').fontSize(18).text(first.slice(2), { align: 'center' }).moveDown(0.5);
      continue;
    }
    if (first.startsWith('## ')) {
      heading(doc, first.slice(3), 12);
      continue;
    }
    doc
      .font('Helvetica')
      .fontSize(10)
      .text(lines.map((l) => l.trim()).join(' '), { align: 'justify' })
      .moveDown(0.5);
  }
}

export function fields(doc: Pdf, rows: [string, string][]): void {
  for (const [label, value] of rows) {
    doc.font('Helvetica-Bold').fontSize(10).text(`${label}: `, { continued: true });
    doc.font('Helvetica').text(value);
  }
}

/** A digest on a line of its own, in a fixed-width font small enough to never wrap. */
export function digestLine(doc: Pdf, label: string, hex: string): void {
  doc.font('Helvetica-Bold').fontSize(10).text(label);
  doc.font('Courier').fontSize(8.5).text(hex);
}

/** The characters beyond Latin-1 that the standard fonts' WinAnsi encoding has. */
const WIN_ANSI_EXTRA = new Set('€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ');
const SPELLED: Record<string, string> = { '≤': '<=', '≥': '>=', '→': '->', '←': '<-', '≠': '!=', '✓': 'yes' };

/**
 * `text` in characters the standard fonts can print: a few symbols spelled out, anything else
 * outside WinAnsi as `?` (pdfkit would otherwise print a wrong glyph without a word).
 */
export function winAnsi(text: string): string {
  let out = '';
  for (const ch of text) {
    const code = ch.codePointAt(0) ?? 0;
    if (
      ch === '\n' ||
      (code >= 0x20 && code <= 0x7e) ||
      (code >= 0xa0 && code <= 0xff) ||
      WIN_ANSI_EXTRA.has(ch)
    )
      out += ch;
    else out += SPELLED[ch] ?? '?';
  }
  return out;
}
