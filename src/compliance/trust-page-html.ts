/**
 * @module compliance/trust-page-html
 * The public trust page as one self-contained HTML document: the org's name, both scores and the
 * day of the check, every safeguard with its controls' citations, titles and states, and the
 * subprocessor list. No script, no external resource; its only style is inline and allowed by its
 * hash, which `TRUST_PAGE_CSP` carries. Every text is escaped.
 */
import { createHash } from 'node:crypto';
import { escapeXml } from './badge-svg.js';
import type { TrustView } from './publicity.schemas.js';

const STYLE = [
  'body{font-family:system-ui,sans-serif;margin:0;color:#1c1c1c;background:#fafafa}',
  'main{max-width:60rem;margin:0 auto;padding:2rem 1rem}',
  'h1{margin:0 0 .25rem}h2{margin-top:2rem;font-size:1.15rem}',
  '.scores{font-size:1.1rem}.muted{color:#555}',
  'table{border-collapse:collapse;width:100%;background:#fff}',
  'th,td{text-align:left;padding:.35rem .5rem;border-bottom:1px solid #ddd;vertical-align:top}',
  '.passing,.attested,.alternative{color:#1b5e20}.failing{color:#b71c1c}.not_applicable,.unknown{color:#555}',
].join('');

/** The Content-Security-Policy the page is served with: nothing but its own inline style. */
export const TRUST_PAGE_CSP = [
  "default-src 'none'",
  `style-src 'sha256-${createHash('sha256').update(STYLE).digest('base64')}'`,
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const STATE_LABELS: Record<string, string> = {
  passing: 'Passing',
  failing: 'Failing',
  attested: 'Attested',
  alternative: 'Alternative measure',
  not_applicable: 'Not applicable',
};

const esc = escapeXml;
const day = (iso: string) => iso.slice(0, 10);

function scores(v: TrustView): string {
  if (v.checked === null) return '<p class="scores">Not checked yet.</p>';
  return `<p class="scores">HIPAA Required <strong>${v.required_score}%</strong> · Addressable <strong>${v.addressable_score}%</strong> · checked ${esc(v.checked)}</p>`;
}

function safeguards(v: TrustView): string {
  return v.safeguards
    .map((s) => {
      const rows = s.controls
        .map((c) => {
          const state = c.state ?? 'unknown';
          return `<tr><td>${esc(c.citation)}</td><td>${esc(c.title)}</td><td>${c.kind === 'required' ? 'Required' : 'Addressable'}</td><td class="${esc(state)}">${esc(STATE_LABELS[state] ?? 'Not checked')}</td></tr>`;
        })
        .join('');
      return `<section><h2>${esc(s.title)}</h2><table><thead><tr><th>Citation</th><th>Control</th><th>Kind</th><th>State</th></tr></thead><tbody>${rows}</tbody></table></section>`;
    })
    .join('');
}

function subprocessors(v: TrustView): string {
  if (v.subprocessors.length === 0)
    return '<section><h2>Subprocessors</h2><p class="muted">None listed.</p></section>';
  const rows = v.subprocessors
    .map((s) => {
      const when: string[] = [
        s.status === 'upcoming' ? `Upcoming: from ${day(s.effective_at)}` : 'In effect',
      ];
      if (s.next)
        when.push(
          `changes from ${day(s.next.effective_at)}: ${s.next.name}, ${s.next.purpose}, ${s.next.location}, ${s.next.phi ? 'may handle PHI' : 'no PHI'}`,
        );
      if (s.removal_effective_at) when.push(`no longer used from ${day(s.removal_effective_at)}`);
      return `<tr><td>${esc(s.name)}</td><td>${esc(s.purpose)}</td><td>${esc(s.location)}</td><td>${s.phi ? 'Yes' : 'No'}</td><td>${esc(when.join('; '))}</td></tr>`;
    })
    .join('');
  return `<section><h2>Subprocessors</h2><table><thead><tr><th>Name</th><th>Purpose</th><th>Location</th><th>May handle PHI</th><th>Status</th></tr></thead><tbody>${rows}</tbody></table></section>`;
}

export function renderTrustPage(v: TrustView, jsonPath: string): string {
  const title = `${v.org_name}: HIPAA safeguards`;
  return [
    '<!doctype html>',
    '<html lang="en"><head><meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${esc(title)}</title><style>${STYLE}</style></head>`,
    `<body><main><h1>${esc(v.org_name)}</h1>`,
    '<p class="muted">HIPAA Security Rule safeguards (45 CFR 164.308–164.316), as checked by Ward.</p>',
    scores(v),
    safeguards(v),
    subprocessors(v),
    `<p class="muted">Machine-readable: <a href="${esc(jsonPath)}">${esc(jsonPath)}</a></p>`,
    '</main></body></html>',
  ].join('\n');
}
