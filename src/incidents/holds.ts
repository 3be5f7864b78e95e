/**
 * @module incidents/holds
 * Law-enforcement delay, 45 CFR 164.412. A written statement that notice would impede a criminal
 * investigation or damage national security, specifying the time for which a delay is required,
 * holds notices for that period. An oral statement must be documented, including the official's
 * identity, and holds for no longer than 30 days from the statement, unless a written statement
 * is submitted during that time (then the written one governs). Pure.
 */
import { addDays, isDay, laterOf } from './days.js';

/** The longest an oral statement holds notices (164.412(b)). */
export const ORAL_HOLD_DAYS = 30;

export interface HoldFacts {
  id: string;
  kind: 'written' | 'oral';
  /** The day the official made the statement. */
  stated_on: string;
  /** Written statements: the last day of the delay they specify. */
  until: string | null;
  official_name: string | null;
  agency: string | null;
  /** What the official said (oral) or what the letter says (written), in the org's words. */
  statement: string | null;
  /** Written statements: whether the letter itself was uploaded. */
  has_document: boolean;
}

export interface HoldEffect {
  /** The last day notices are held, or null when no hold is in force. */
  until: string | null;
  /** The hold that sets it. */
  by: string | null;
  reason: string;
  /** Each hold's own end and why (an oral one superseded by a written one says so). */
  each: { id: string; kind: 'written' | 'oral'; until: string; superseded_by: string | null }[];
}

const blank = (s: string | null | undefined) => !s || s.trim().length === 0;

/** What a hold lacks to be recorded, as the parts to add; empty when it is complete. */
export function missingForHold(h: Omit<HoldFacts, 'id'>): string[] {
  const missing: string[] = [];
  if (!isDay(h.stated_on)) missing.push('stated_on (the day of the statement, YYYY-MM-DD)');
  if (blank(h.agency)) missing.push("agency (the official's agency)");
  if (blank(h.statement)) missing.push('statement (what the official stated)');
  if (h.kind === 'oral') {
    if (blank(h.official_name)) missing.push('official_name (the identity of the official, 164.412(b))');
  } else {
    if (!h.until || !isDay(h.until))
      missing.push('until (the end of the period the written statement specifies)');
    else if (isDay(h.stated_on) && h.until < h.stated_on) missing.push('until on or after stated_on');
    if (!h.has_document) missing.push('document (the written statement itself)');
  }
  return missing;
}

export function holdEffect(holds: readonly HoldFacts[]): HoldEffect {
  const written = holds.filter((h) => h.kind === 'written' && h.until);
  const each = holds.map((h) => {
    if (h.kind === 'written')
      return { id: h.id, kind: h.kind, until: h.until ?? h.stated_on, superseded_by: null };
    const cap = addDays(h.stated_on, ORAL_HOLD_DAYS);
    const follow = written.find((w) => w.stated_on >= h.stated_on && w.stated_on <= cap);
    return { id: h.id, kind: h.kind, until: cap, superseded_by: follow?.id ?? null };
  });
  const governing = each.filter((e) => e.superseded_by === null);
  if (governing.length === 0)
    return { until: null, by: null, reason: 'no law-enforcement hold is recorded', each };
  const last = governing.reduce((a, b) => (laterOf(a.until, b.until) === b.until ? b : a));
  return {
    until: last.until,
    by: last.id,
    reason:
      last.kind === 'written'
        ? `a written law-enforcement statement holds notices through ${last.until}, the period it specifies (164.412(a))`
        : `an oral law-enforcement statement holds notices for at most ${ORAL_HOLD_DAYS} days, through ${last.until}, unless a written statement arrives (164.412(b))`,
    each,
  };
}
