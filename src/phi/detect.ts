/**
 * @module phi/detect
 * Does a piece of schema text (an identifier, a comment) look like it holds protected health
 * information? Patterns for social security numbers, medical record numbers, email addresses,
 * phone numbers and dates (of birth), and a person's name: a common given name next to a common
 * surname. Heuristics, tuned to refuse `john_smith_ssn_123_45_6789` and 'patient Jane Doe, born
 * 1980-02-03' while leaving ordinary schema words (first_name, dob, created_at) alone.
 */
import { GIVEN_NAMES, SURNAMES } from './names.js';

export type PhiKind = 'ssn' | 'mrn' | 'email' | 'phone' | 'date' | 'name';

export interface PhiFinding {
  kind: PhiKind;
  /** What it looks like, for a message to the person who wrote it. */
  looksLike: string;
}

const SEP = '[-_./ ]';
const RULES: { kind: PhiKind; looksLike: string; re: RegExp }[] = [
  {
    kind: 'ssn',
    looksLike: 'a social security number',
    re: new RegExp(`(?<!\\d)(\\d{3}${SEP}\\d{2}${SEP}\\d{4}|\\d{9})(?!\\d)`),
  },
  { kind: 'mrn', looksLike: 'a medical record number', re: /mrn[-_ :#]*\d{3,}/i },
  {
    kind: 'email',
    looksLike: 'an email address',
    re: /[a-z0-9._%+-]+@[a-z0-9-]+(\.[a-z0-9-]+)*\.[a-z]{2,}/i,
  },
  {
    kind: 'phone',
    looksLike: 'a phone number',
    re: new RegExp(`(?<!\\d)(\\+?1${SEP}?)?(\\(\\d{3}\\)${SEP}?|\\d{3}${SEP})\\d{3}${SEP}\\d{4}(?!\\d)`),
  },
  {
    kind: 'date',
    looksLike: 'a date (of birth)',
    re: new RegExp(
      `(?<!\\d)((19|20)\\d{2}${SEP}?(0[1-9]|1[0-2])${SEP}?(0[1-9]|[12]\\d|3[01])|(0?[1-9]|1[0-2])${SEP}(0?[1-9]|[12]\\d|3[01])${SEP}(19|20)\\d{2})(?!\\d)`,
    ),
  },
];

const DIGIT_OR_AT = /[\d@]/;

function personName(text: string): boolean {
  const words = text
    .toLowerCase()
    .split(/[^a-z]+/)
    .filter(Boolean);
  for (let i = 0; i + 1 < words.length; i++) {
    if (GIVEN_NAMES.has(words[i] as string) && SURNAMES.has(words[i + 1] as string)) return true;
  }
  return false;
}

/** The first kind of PHI `text` looks like it holds, if any. */
export function findPhi(text: string): PhiFinding | undefined {
  // Every pattern needs a digit or an @: most names have neither, and skip them all.
  if (DIGIT_OR_AT.test(text))
    for (const rule of RULES) if (rule.re.test(text)) return { kind: rule.kind, looksLike: rule.looksLike };
  if (personName(text)) return { kind: 'name', looksLike: "a person's name" };
  return undefined;
}
