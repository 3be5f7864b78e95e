/**
 * @module incidents/notices
 * What each notice must say before it may be marked sent. Notices to individuals (and the
 * substitute, next-of-kin and media notices that stand for them) carry the content of
 * 164.404(c)(1): a brief description of what happened with the date of the breach and the date of
 * discovery, the types of unsecured PHI involved, the steps individuals should take, what the org
 * is doing to investigate, mitigate and protect, and contact procedures including a toll-free
 * number, an e-mail address, a web site or a postal address. Pure.
 */

export const NOTICE_KINDS = [
  'individual',
  'substitute',
  'next_of_kin',
  'media',
  'secretary',
  'covered_entity',
] as const;
export type NoticeKind = (typeof NOTICE_KINDS)[number];

export const SENT_VIA = ['mail', 'email', 'phone', 'web', 'media'] as const;
export type SentVia = (typeof SENT_VIA)[number];

export interface NoticeContent {
  description?: string;
  /** The date of the breach, if known ('unknown' otherwise). */
  breach_date?: string;
  discovery_date?: string;
  phi_types?: string[];
  steps?: string;
  org_actions?: string;
  contact?: { toll_free?: string; email?: string; website?: string; postal?: string };
  /** Notice to a covered entity: how the affected individuals are identified to it (no PHI here). */
  identities?: string;
}

const text = (s: string | undefined) => typeof s === 'string' && s.trim().length > 0;

/** The parts of 164.404(c) (or 164.410(c)) the notice still lacks; empty when it may be sent. */
export function missingContent(
  kind: NoticeKind,
  c: NoticeContent,
  opts: { posting?: boolean } = {},
): string[] {
  const missing: string[] = [];
  if (!text(c.description)) missing.push('description (what happened)');
  if (!text(c.breach_date)) missing.push("breach_date (the date of the breach, or 'unknown')");
  if (!text(c.discovery_date)) missing.push('discovery_date');
  if (!c.phi_types?.some(text)) missing.push('phi_types (the types of unsecured PHI involved)');
  const contact = c.contact ?? {};
  const reach = [contact.toll_free, contact.email, contact.website, contact.postal].some(text);
  if (kind === 'covered_entity') {
    if (!text(c.identities)) missing.push('identities (the affected individuals, to the extent known)');
    if (!reach) missing.push('contact (a telephone number, e-mail, web site or postal address)');
    return missing;
  }
  if (kind !== 'secretary' && !text(c.steps))
    missing.push('steps (what individuals should do to protect themselves)');
  if (!text(c.org_actions))
    missing.push('org_actions (what the org is doing to investigate, mitigate and protect)');
  if (!reach) missing.push('contact (a toll-free number, e-mail address, web site or postal address)');
  if (kind === 'substitute' && opts.posting && !text(contact.toll_free))
    missing.push(
      'contact.toll_free (substitute notice for 10 or more needs a toll-free number, 164.404(d)(2)(ii))',
    );
  return missing;
}

export const NOTICE_TITLES: Record<NoticeKind, string> = {
  individual: 'Notice of a breach of your health information',
  substitute: 'Substitute notice of a breach of health information',
  next_of_kin: 'Notice of a breach of health information of a deceased person',
  media: 'Media notice of a breach of health information',
  secretary: 'Notice to the Secretary of HHS of a breach of unsecured PHI',
  covered_entity: 'Notice of a breach of unsecured PHI by a business associate',
};
