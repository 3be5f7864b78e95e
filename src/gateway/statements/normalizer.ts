/**
 * @module gateway/statements/normalizer
 * What the audit log says about a statement: its text with literals removed, a fingerprint, and
 * its command word. The lexer runs on every statement (about a microsecond); the real
 * PostgreSQL parser (libpg-query, about 10 µs a call) only computes the fingerprint, once per
 * distinct normalized text, and the result is cached. Texts without literals (Parse texts with
 * $n, BEGIN, COMMIT) are also cached by their exact text, so the extended protocol skips the
 * lexer too. The fingerprint is computed from the normalized text, never the raw one: a hash of
 * a literal would let someone guess it back. Identifiers that look like PHI are replaced in the
 * normalized text (identifiers.ts) before it is fingerprinted or cached, once per distinct text.
 */
import { createHash } from 'node:crypto';
import { fingerprintSync, loadModule } from 'libpg-query';
import { scrubIdentifiers } from './identifiers.js';
import { type Captured, lex } from './lexer.js';

export interface StatementInfo {
  normalized: string;
  fingerprint: string;
  command: string;
}

const MAX_ENTRIES = 5000;

/** A bounded map: when the young generation fills it becomes the old one, and the old is dropped. */
class TwoGenerationCache<V> {
  private young = new Map<string, V>();
  private old = new Map<string, V>();

  get(key: string): V | undefined {
    const hit = this.young.get(key);
    if (hit !== undefined) return hit;
    const aged = this.old.get(key);
    if (aged !== undefined) this.set(key, aged);
    return aged;
  }

  set(key: string, value: V): void {
    if (this.young.size >= MAX_ENTRIES) {
      this.old = this.young;
      this.young = new Map();
    }
    this.young.set(key, value);
  }
}

let loaded: Promise<void> | undefined;
/** Loads the parser's WebAssembly module; call once before `describe`. */
export function loadParser(): Promise<void> {
  loaded ??= loadModule();
  return loaded;
}

function fingerprintOf(normalized: string): string {
  try {
    return fingerprintSync(normalized);
  } catch {
    // Text the parser refuses once literals are parameters (utility statements such as
    // SET x = $1) or that was never valid SQL: a digest of the literal-free text instead.
    return createHash('sha256').update(normalized).digest('hex').slice(0, 16);
  }
}

export function createNormalizer() {
  const byNormalized = new TwoGenerationCache<StatementInfo>();
  const byExactText = new TwoGenerationCache<StatementInfo>();

  return {
    /** With `capture`, the literals as written are kept too (subject keys; no second lex). */
    describe(text: string, standardStrings = true, capture?: Captured): StatementInfo {
      if (standardStrings) {
        const exact = byExactText.get(text);
        if (exact) return exact;
      }
      const lexed = lex(text, standardStrings, capture);
      let info = byNormalized.get(lexed.normalized);
      if (!info) {
        // What the cache holds (and every event shows) is the scrubbed text, whatever its key.
        const normalized = scrubIdentifiers(lexed.normalized);
        // Every command word is letters; a first word that is not is no command, and could be a name.
        const command = /^[A-Z]*$/.test(lexed.command) ? lexed.command : '';
        info = { normalized, fingerprint: fingerprintOf(normalized), command };
        byNormalized.set(lexed.normalized, info);
      }
      if (lexed.literals === 0 && standardStrings) byExactText.set(text, info);
      return info;
    },
  };
}

export type Normalizer = ReturnType<typeof createNormalizer>;
