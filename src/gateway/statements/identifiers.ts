/**
 * @module gateway/statements/identifiers
 * Names can hold PHI too: a table called "jane.doe@example.com", a column alias that is a social
 * security number or a patient's name. Before a normalized statement is stored (or fingerprinted)
 * every identifier the PHI detector flags becomes `"<phi:KIND>"` (`"<phi:email>"`,
 * `"<phi:ssn>"`, `"<phi:name>"`, …): a quoted identifier, so the text still parses and reads as
 * SQL, and the same for every value of a kind, so fingerprints stay stable. It runs on texts the
 * lexer already normalized (no comments, literals are `$n`), once per distinct normalized text,
 * so a repeated statement shape costs nothing; within a text only quoted identifiers and words
 * with something other than letters in them can be flagged, so most words skip the detector.
 */
import { findPhi } from '../../phi/index.js';

const DQUOTE = 34;
const isLetter = (c: number) => (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
const isIdentStart = (c: number) => isLetter(c) || c === 95 || c >= 128;
const isIdentCont = (c: number) => isIdentStart(c) || (c >= 48 && c <= 57) || c === 36;

/** The placeholder that stands for a flagged identifier in stored statement text. */
export const phiPlaceholder = (kind: string): string => `"<phi:${kind}>"`;

/** Index just past a "…" identifier whose opening quote is at `at`. */
function quotedEnd(text: string, at: number): number {
  let i = at + 1;
  for (;;) {
    const q = text.indexOf('"', i);
    if (q < 0) return text.length;
    if (text.charCodeAt(q + 1) !== DQUOTE) return q + 1;
    i = q + 2;
  }
}

/** A U&"…" identifier's value, its default escapes decoded: a backslash and 4 hex digits, a backslash, plus and 6, or two backslashes. */
function unicodeValue(body: string): string {
  return body.replace(/\\(\\|[0-9a-fA-F]{4}|\+[0-9a-fA-F]{6})/g, (_, e: string) =>
    e === '\\' ? '\\' : String.fromCodePoint(Number.parseInt(e.replace('+', ''), 16)),
  );
}

/** What the detector calls `name`, if anything: the placeholder for it. */
function flagged(name: string): string | undefined {
  const finding = findPhi(name);
  return finding ? phiPlaceholder(finding.kind) : undefined;
}

/**
 * `normalized` with every identifier that looks like PHI replaced by its placeholder; the same
 * string when there is none. Expects lexer output: no comments, no string literals.
 */
export function scrubIdentifiers(normalized: string): string {
  const n = normalized.length;
  let out = '';
  let copied = 0;
  let i = 0;
  while (i < n) {
    const c = normalized.charCodeAt(i);
    let end = i + 1;
    let replacement: string | undefined;
    if (c === DQUOTE) {
      end = quotedEnd(normalized, i);
      const closed = end > i + 1 && normalized.charCodeAt(end - 1) === DQUOTE;
      const value = normalized.slice(i + 1, closed ? end - 1 : end).replaceAll('""', '"');
      // A U&"…" identifier: its escapes could spell what the plain text hides.
      const unicode =
        i >= 2 &&
        normalized[i - 1] === '&' &&
        /[uU]/.test(normalized[i - 2] as string) &&
        !isIdentCont(normalized.charCodeAt(i - 3));
      replacement = flagged(value) ?? (unicode ? flagged(unicodeValue(value)) : undefined);
      if (replacement && unicode) i -= 2;
    } else if (isIdentStart(c)) {
      let plain = isLetter(c);
      while (end < n && isIdentCont(normalized.charCodeAt(end))) {
        plain &&= isLetter(normalized.charCodeAt(end));
        end++;
      }
      // Letters alone cannot match: every rule needs a digit, an @ or two separated words.
      if (!plain) replacement = flagged(normalized.slice(i, end));
    } else if (c === 36) {
      // $n: skip its digits, which are not a word's.
      while (end < n && normalized.charCodeAt(end) >= 48 && normalized.charCodeAt(end) <= 57) end++;
    }
    if (replacement) {
      out += normalized.slice(copied, i) + replacement;
      copied = end;
    }
    i = end;
  }
  return copied === 0 ? normalized : out + normalized.slice(copied);
}
