/**
 * @module gateway/statements/lexer
 * Removes literal values from SQL text, fast, without parsing it: every string, bit string,
 * dollar-quoted string and number becomes a parameter ($n, numbered after the highest parameter
 * the text already has outside its literals, so no value changes the result), comments go (they can hold anything), runs of whitespace become one space.
 * Identifiers, keywords, operators and existing parameters stay. It follows PostgreSQL's
 * scanner (src/backend/parser/scan.l) where token boundaries matter: quote doubling, backslash
 * escapes in E'' strings (and in '' strings when standard_conforming_strings is off), nested
 * block comments, dollar-quote tags, and identifiers that contain `$` or digits. An unterminated
 * literal runs to the end of the text, so a malformed statement never shows its values either.
 */

export interface Lexed {
  /** The text without comments and literals. */
  normalized: string;
  /** The first word, upper-cased: SELECT, INSERT, CREATE, … ('' when there is none). */
  command: string;
  /** How many literals were removed. */
  literals: number;
}

const isDigit = (c: number) => c >= 48 && c <= 57;
const isIdentStart = (c: number) => (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c >= 128;
const isIdentCont = (c: number) => isIdentStart(c) || isDigit(c) || c === 36;
const isSpace = (c: number) => c === 32 || (c >= 9 && c <= 13);
const QUOTE = 39;
const DQUOTE = 34;
const DOLLAR = 36;
const BACKSLASH = 92;

/** Index just past a '…' literal whose opening quote is at `at`. */
function skipString(text: string, at: number, backslashes: boolean): number {
  const n = text.length;
  let i = at + 1;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      if (text.charCodeAt(i + 1) === QUOTE) i += 2;
      else return i + 1;
    } else if (backslashes && c === BACKSLASH) i += 2;
    else i++;
  }
  return n;
}

/** Index just past a "…" identifier whose opening quote is at `at`. */
function skipQuotedIdent(text: string, at: number): number {
  const n = text.length;
  let i = at + 1;
  while (i < n) {
    if (text.charCodeAt(i) === DQUOTE) {
      if (text.charCodeAt(i + 1) === DQUOTE) i += 2;
      else return i + 1;
    } else i++;
  }
  return n;
}

/** For `$tag$` starting at `at`, the index just past the tag's closing `$`; else -1. */
function dollarTagEnd(text: string, at: number): number {
  let i = at + 1;
  const first = text.charCodeAt(i);
  if (first === DOLLAR) return i + 1;
  if (!isIdentStart(first)) return -1;
  i++;
  for (;;) {
    const c = text.charCodeAt(i);
    if (c === DOLLAR) return i + 1;
    if (!(isIdentStart(c) || isDigit(c))) return -1;
    i++;
  }
}

/** Index just past a number starting at `at`; greedy, so trailing letters go with it. */
function skipNumber(text: string, at: number): number {
  const n = text.length;
  let i = at;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (isDigit(c) || isIdentStart(c)) {
      // An exponent's sign belongs to the number: 1.5e-3
      if ((c === 101 || c === 69) && (text.charCodeAt(i + 1) === 43 || text.charCodeAt(i + 1) === 45)) {
        if (isDigit(text.charCodeAt(i + 2))) {
          i += 3;
          continue;
        }
      }
      i++;
    } else if (c === 46 && text.charCodeAt(i + 1) !== 46) i++;
    else break;
  }
  return i;
}

/** Stands for a literal until the highest existing parameter is known (texts hold no NUL). */
const SLOT = '\u0000';

/** The literals of a text as written, and the highest parameter outside them (literal k is $base+k). */
export interface Captured {
  raw: string[];
  base: number;
}

/**
 * `standardStrings` is the session's standard_conforming_strings (on unless a client turns it
 * off). With `capture`, each literal's text as written is kept too (accounting of access reads the
 * values a predicate compares with a subject key; nothing else may).
 */
export function lex(text: string, standardStrings = true, capture?: Captured): Lexed {
  const n = text.length;
  let param = 0;
  let out = '';
  let space = false;
  let command = '';
  let literals = 0;
  const emit = (s: string) => {
    if (space && out.length > 0) out += ' ';
    space = false;
    out += s;
  };
  const literal = (end: number) => {
    if (capture) capture.raw.push(text.slice(i, end));
    literals++;
    emit(SLOT);
    return end;
  };
  let i = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    const next = text.charCodeAt(i + 1);
    if (isSpace(c)) {
      space = true;
      i++;
    } else if (c === 45 && next === 45) {
      while (i < n && text.charCodeAt(i) !== 10 && text.charCodeAt(i) !== 13) i++;
      space = true;
    } else if (c === 47 && next === 42) {
      let depth = 1;
      i += 2;
      while (i < n && depth > 0) {
        const d = text.charCodeAt(i);
        if (d === 47 && text.charCodeAt(i + 1) === 42) {
          depth++;
          i += 2;
        } else if (d === 42 && text.charCodeAt(i + 1) === 47) {
          depth--;
          i += 2;
        } else i++;
      }
      space = true;
    } else if (c === QUOTE) {
      i = literal(skipString(text, i, !standardStrings));
    } else if ((c === 69 || c === 101) && next === QUOTE) {
      i = literal(skipString(text, i + 1, true));
    } else if ((c === 66 || c === 98 || c === 88 || c === 120) && next === QUOTE) {
      i = literal(skipString(text, i + 1, false));
    } else if ((c === 78 || c === 110) && next === QUOTE) {
      i = literal(skipString(text, i + 1, !standardStrings));
    } else if ((c === 85 || c === 117) && next === 38 && text.charCodeAt(i + 2) === QUOTE) {
      i = literal(skipString(text, i + 2, false));
    } else if ((c === 85 || c === 117) && next === 38 && text.charCodeAt(i + 2) === DQUOTE) {
      const end = skipQuotedIdent(text, i + 2);
      emit(text.slice(i, end));
      i = end;
    } else if (c === DQUOTE) {
      const end = skipQuotedIdent(text, i);
      emit(text.slice(i, end));
      i = end;
    } else if (c === DOLLAR) {
      if (isDigit(next)) {
        let end = i + 1;
        while (end < n && isDigit(text.charCodeAt(end))) end++;
        param = Math.max(param, Number(text.slice(i + 1, Math.min(end, i + 8))));
        emit(text.slice(i, end));
        i = end;
      } else {
        const tagEnd = dollarTagEnd(text, i);
        if (tagEnd > 0) {
          const close = text.indexOf(text.slice(i, tagEnd), tagEnd);
          i = literal(close < 0 ? n : close + (tagEnd - i));
        } else {
          emit('$');
          i++;
        }
      }
    } else if (isIdentStart(c)) {
      let end = i + 1;
      while (end < n && isIdentCont(text.charCodeAt(end))) end++;
      const word = text.slice(i, end);
      if (command === '') command = word.toUpperCase();
      emit(word);
      i = end;
    } else if (isDigit(c) || (c === 46 && isDigit(next))) {
      i = literal(skipNumber(text, i));
    } else {
      emit(text[i] as string);
      i++;
    }
  }
  if (capture) capture.base = param;
  const normalized =
    literals === 0
      ? out
      : out
          .split(SLOT)
          .map((part, i) => (i === 0 ? part : `$${++param}${part}`))
          .join('');
  return { normalized, command, literals };
}
