/**
 * The text of a PDF that Ward made with pdfkit's standard fonts: every content stream inflated,
 * each TJ/Tj operator's hex strings decoded (WinAnsi), one line per operator. Enough to check that
 * a name or a digest is printed, without a PDF library in the tests.
 */
import { inflateSync } from 'node:zlib';

const winAnsi = new TextDecoder('windows-1252');
const hex = (h: string) => winAnsi.decode(Buffer.from(h, 'hex'));

export function pdfText(pdf: Buffer): string {
  const raw = pdf.toString('latin1');
  const lines: string[] = [];
  // Each stream's bytes by its dictionary's /Length: compressed data may end in any byte.
  for (const m of raw.matchAll(/\/Length (\d+)[^>]*>>\s*stream\r?\n/g)) {
    const start = (m.index ?? 0) + m[0].length;
    let content: string;
    try {
      content = inflateSync(pdf.subarray(start, start + Number(m[1]))).toString('latin1');
    } catch {
      continue;
    }
    for (const op of content.matchAll(/\[((?:<[0-9a-f]*>|[\s\d.-])*)\]\s*TJ|<([0-9a-f]*)>\s*Tj/g)) {
      if (op[2] !== undefined) lines.push(hex(op[2]));
      else lines.push([...(op[1] ?? '').matchAll(/<([0-9a-f]*)>/g)].map((h) => hex(h[1] ?? '')).join(''));
    }
  }
  return lines.join('\n');
}
