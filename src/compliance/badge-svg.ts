/**
 * @module compliance/badge-svg
 * The public HIPAA badge: a flat two-part SVG ("HIPAA" | "Required 100% · Addressable 92% ·
 * checked 2026-12-06"), green while every required control holds, red otherwise, grey before the
 * first check. Self-contained (no fonts, scripts or links to fetch); every text is escaped.
 */

export interface BadgeFacts {
  required_score: number;
  addressable_score: number;
  required_met: boolean;
  /** YYYY-MM-DD of the snapshot. */
  day: string;
}

const LABEL = 'HIPAA';
const COLORS = { met: '#2e7d32', unmet: '#c62828', unknown: '#616161', label: '#37474f' };
/** Verdana 11px averages about 6.5 px a character; a little spare keeps long texts inside. */
const CHAR_PX = 6.6;
const PAD_PX = 10;

export function escapeXml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** The badge's message: what the snapshot says, or that no check has run yet. */
export function badgeMessage(facts: BadgeFacts | undefined): string {
  if (!facts) return 'not checked yet';
  return `Required ${facts.required_score}% · Addressable ${facts.addressable_score}% · checked ${facts.day}`;
}

export function renderBadge(facts: BadgeFacts | undefined): string {
  const message = badgeMessage(facts);
  const color = !facts ? COLORS.unknown : facts.required_met ? COLORS.met : COLORS.unmet;
  const labelWidth = Math.round(LABEL.length * CHAR_PX + 2 * PAD_PX);
  const messageWidth = Math.round(message.length * CHAR_PX + 2 * PAD_PX);
  const width = labelWidth + messageWidth;
  const title = escapeXml(`${LABEL}: ${message}`);
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="20" role="img" aria-label="${title}">`,
    `<title>${title}</title>`,
    `<rect width="${labelWidth}" height="20" fill="${COLORS.label}"/>`,
    `<rect x="${labelWidth}" width="${messageWidth}" height="20" fill="${color}"/>`,
    '<g fill="#fff" font-family="Verdana,DejaVu Sans,sans-serif" font-size="11" text-anchor="middle">',
    `<text x="${labelWidth / 2}" y="14">${escapeXml(LABEL)}</text>`,
    `<text x="${labelWidth + messageWidth / 2}" y="14">${escapeXml(message)}</text>`,
    '</g>',
    '</svg>',
  ].join('');
}
