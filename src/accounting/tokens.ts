/**
 * @module accounting/tokens
 * Subject tokens: what Ward keeps instead of an identifier. An identifier is normalized (trimmed;
 * lower-cased when its column's case rule is `fold`) and hashed with HMAC-SHA-256 under the
 * org's subject key (derived from the org's key in Ward's key hierarchy, purpose
 * `subject-tokens`), truncated to 128 bits. The same identifier gives the same token in every
 * statement of the org, so an access can be found again from the identifier; without the org's
 * key (crypto-shredded) a token links to nothing.
 */
import { hmac128 } from './hmac.js';

export const CASE_RULES = ['exact', 'fold'] as const;
export type CaseRule = (typeof CASE_RULES)[number];

/** The key-derivation purpose of the org's subject key. */
export const SUBJECT_KEY_PURPOSE = 'subject-tokens';
/** Bytes in a token. */
export const TOKEN_BYTES = 16;

/** An identifier as it is hashed: trimmed, and lower-cased under `fold`; '' when nothing is left. */
export function normalizeSubject(value: string, rule: CaseRule): string {
  const t = value.trim();
  return rule === 'fold' ? t.toLowerCase() : t;
}

/** Hashes normalized identifiers under one org's subject key. */
export interface Tokenizer {
  (normalized: string): Buffer;
  /** The tokens of many identifiers, packed end to end (one buffer, no token object each). */
  packed(values: Iterable<string>, count: number): Buffer;
}

export function tokenizer(key: Buffer): Tokenizer {
  const one = hmac128(key).text;
  const token = ((normalized: string) => {
    const out = Buffer.allocUnsafe(TOKEN_BYTES);
    one(normalized, out, 0);
    return out;
  }) as Tokenizer;
  token.packed = (values, count) => {
    const out = Buffer.allocUnsafe(count * TOKEN_BYTES);
    let at = 0;
    for (const v of values) {
      if (at >= out.length) break;
      one(v, out, at);
      at += TOKEN_BYTES;
    }
    return at === out.length ? out : out.subarray(0, at);
  };
  return token;
}

/** Tokens packed end to end (the compact form events and the index carry). */
export function packTokens(tokens: Buffer[]): Buffer {
  return Buffer.concat(tokens, tokens.length * TOKEN_BYTES);
}

/** The tokens in a packed run. */
export function unpackTokens(packed: Buffer): Buffer[] {
  const out: Buffer[] = [];
  for (let i = 0; i + TOKEN_BYTES <= packed.length; i += TOKEN_BYTES)
    out.push(packed.subarray(i, i + TOKEN_BYTES));
  return out;
}
