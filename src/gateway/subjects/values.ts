/**
 * @module gateway/subjects/values
 * Identifier values as the wire carries them: a column's value in a DataRow or a bound parameter
 * in text or binary format (binary read by the declared column's type: integers, text types,
 * uuid), the elements of an array parameter (`= ANY($1)`), and literals as a statement writes
 * them ('…', E'…', $$…$$, numbers). A value that cannot be read is undefined: the row or the
 * predicate then counts as uncovered, never guessed.
 */

const INT2 = 21;
const INT4 = 23;
const INT8 = 20;
const UUID = 2950;
const TEXTUAL = new Set([25, 1043, 1042, 19, 705]);

/** One value from `buf[at, at+len)`: text format as UTF-8, binary format by the column's type. */
export function readValue(
  buf: Buffer,
  at: number,
  len: number,
  binary: boolean,
  typeOid: number,
): string | undefined {
  if (!binary || TEXTUAL.has(typeOid)) return buf.toString('utf8', at, at + len);
  if (typeOid === INT4 && len === 4) return String(buf.readInt32BE(at));
  if (typeOid === INT8 && len === 8) return String(buf.readBigInt64BE(at));
  if (typeOid === INT2 && len === 2) return String(buf.readInt16BE(at));
  if (typeOid === UUID && len === 16) {
    const h = buf.toString('hex', at, at + 16);
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  }
  return undefined;
}

/** The elements of an array in text format: `{a,b,"c d"}` (one dimension). */
export function textArray(text: string): string[] {
  const t = text.trim();
  if (!t.startsWith('{') || !t.endsWith('}')) return [];
  const out: string[] = [];
  let i = 1;
  const end = t.length - 1;
  while (i < end) {
    if (t[i] === '"') {
      let v = '';
      i++;
      while (i < end && t[i] !== '"') {
        if (t[i] === '\\') i++;
        v += t[i] ?? '';
        i++;
      }
      out.push(v);
      i++;
    } else {
      const comma = t.indexOf(',', i);
      const stop = comma < 0 || comma > end ? end : comma;
      const v = t.slice(i, stop).trim();
      if (v.toUpperCase() !== 'NULL') out.push(v);
      i = stop;
    }
    while (i < end && (t[i] === ',' || t[i] === ' ')) i++;
  }
  return out;
}

/** The elements of an array in binary format, read by their element type. */
export function binaryArray(buf: Buffer): string[] {
  if (buf.length < 12) return [];
  const ndim = buf.readInt32BE(0);
  const elemType = buf.readInt32BE(8);
  let at = 12;
  let count = ndim === 0 ? 0 : 1;
  for (let d = 0; d < ndim; d++) {
    count *= buf.readInt32BE(at);
    at += 8;
  }
  const out: string[] = [];
  for (let k = 0; k < count && at + 4 <= buf.length; k++) {
    const len = buf.readInt32BE(at);
    at += 4;
    if (len < 0) continue;
    const v = readValue(buf, at, len, true, elemType);
    if (v !== undefined) out.push(v);
    at += len;
  }
  return out;
}

/** A literal's value from its text as written; undefined for bit strings and the like. */
export function literalValue(raw: string, standardStrings: boolean): string | undefined {
  const c = raw.charCodeAt(0);
  if (c === 39) return unquote(raw.slice(1, -1), !standardStrings);
  const lower = raw[0]?.toLowerCase();
  if ((lower === 'e' || lower === 'n') && raw[1] === "'")
    return unquote(raw.slice(2, -1), lower === 'e' || !standardStrings);
  if (c === 36) {
    const tagEnd = raw.indexOf('$', 1) + 1;
    return raw.slice(tagEnd, raw.length - tagEnd);
  }
  if ((c >= 48 && c <= 57) || c === 46) return raw;
  return undefined;
}

const ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', b: '\b', f: '\f' };

function unquote(body: string, backslashes: boolean): string {
  let out = body.replace(/''/g, "'");
  if (backslashes) out = out.replace(/\\(.)/g, (_, ch: string) => ESCAPES[ch] ?? ch);
  return out;
}

/** A Bind message's parameters and result formats (the values are read only for subject keys). */
export interface BindValues {
  formats: number[];
  values: (Buffer | null)[];
  resultFormats: number[];
}

export function parseBindValues(body: Buffer): BindValues | undefined {
  try {
    let at = body.indexOf(0) + 1;
    at = body.indexOf(0, at) + 1;
    const nf = body.readInt16BE(at);
    at += 2;
    const formats: number[] = [];
    for (let k = 0; k < nf; k++, at += 2) formats.push(body.readInt16BE(at));
    const np = body.readInt16BE(at);
    at += 2;
    const values: (Buffer | null)[] = [];
    for (let k = 0; k < np; k++) {
      const len = body.readInt32BE(at);
      at += 4;
      values.push(len < 0 ? null : body.subarray(at, at + len));
      if (len > 0) at += len;
    }
    const nr = body.readInt16BE(at);
    at += 2;
    const resultFormats: number[] = [];
    for (let k = 0; k < nr; k++, at += 2) resultFormats.push(body.readInt16BE(at));
    return { formats, values, resultFormats };
  } catch {
    return undefined;
  }
}

/** The format code of parameter or column `k` given a message's list of codes. */
export const formatOf = (codes: number[], k: number): number =>
  codes.length === 1 ? (codes[0] as number) : (codes[k] ?? 0);
