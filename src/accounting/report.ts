/**
 * @module accounting/report
 * The accounting of access as a file: CSV (one line an access, RFC 4180 quoting, formulas
 * defused) and PDF (a cover naming the project, the period and how to read it, then one entry an
 * access). Drawn from the same answer `whoRead` gives as JSON. The subject's identifier appears
 * only in the file handed to whoever asked, never in anything Ward keeps.
 */
import { fields, heading, renderPdf, winAnsi } from '../lib/pdf.js';
import type { AccessView, WhoReadView } from './accounting.schemas.js';

const COLUMNS: [string, (a: AccessView) => string][] = [
  ['time', (a) => a.time],
  ['actor', (a) => a.actor],
  ['actor_kind', (a) => a.actor_kind],
  ['role', (a) => a.role ?? ''],
  ['command', (a) => a.command],
  ['match', (a) => a.match],
  ['statement', (a) => a.statement ?? ''],
  ['client_address', (a) => a.client_address ?? ''],
  ['break_glass_reason', (a) => a.break_glass_reason ?? ''],
  ['bulk_read', (a) => (a.bulk_read ? 'yes' : 'no')],
  ['session_id', (a) => a.session_id],
  ['event_id', (a) => a.event_id],
];

function cell(v: string): string {
  // A cell a spreadsheet would run as a formula starts with a quote instead.
  const safe = /^[=+\-@\t\r]/.test(v) ? `'${v}` : v;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function accountingCsv(view: WhoReadView): string {
  const lines = [COLUMNS.map(([h]) => h).join(',')];
  for (const a of view.accesses) lines.push(COLUMNS.map(([, f]) => cell(f(a))).join(','));
  return `${lines.join('\r\n')}\r\n`;
}

const MATCH_WORDS = {
  returned: 'returned in a result row',
  predicate: 'named in the statement',
  both: 'named and returned',
};

export function accountingPdf(view: WhoReadView, subject: string, org: string): Promise<Buffer> {
  return renderPdf(
    {
      title: 'Accounting of access',
      subject: `project ${view.project}`,
      keywords: 'HIPAA accounting of access',
    },
    (doc) => {
      doc.font('Helvetica-Bold').fontSize(20).text('Accounting of Access', { align: 'center' }).moveDown(0.5);
      fields(doc, [
        ['Organization', winAnsi(org)],
        ['Project', winAnsi(`${view.project} (${view.project_id})`)],
        ['Individual', winAnsi(subject)],
        ['Period', `${view.since} to ${new Date().toISOString()}`],
        ['Accesses', String(view.accesses.length)],
      ]);
      doc
        .moveDown(0.5)
        .font('Helvetica')
        .fontSize(9)
        .text(
          winAnsi(
            'Every statement through Ward’s gateway that returned this individual’s identifier in a declared subject column, or named it in its conditions. Statements are shown with literal values removed. Ward keeps no identifier in clear: it matched a keyed hash.',
          ),
        );
      heading(doc, 'Accesses');
      if (view.accesses.length === 0) doc.fontSize(10).text('No access in this period.');
      for (const a of view.accesses) {
        doc.moveDown(0.4);
        fields(doc, [
          ['When', a.time],
          ['Who', winAnsi(`${a.actor} (${a.actor_kind}${a.role ? `, ${a.role}` : ''})`)],
          ['Command', a.command || '-'],
          ['How', MATCH_WORDS[a.match] + (a.bulk_read ? ' (bulk read)' : '')],
          ['Statement', winAnsi((a.statement ?? '').slice(0, 600))],
          ['Client address', a.client_address ?? '-'],
          ...(a.break_glass_reason
            ? ([['Break-glass reason', winAnsi(a.break_glass_reason)]] as [string, string][])
            : []),
        ]);
      }
    },
  );
}
