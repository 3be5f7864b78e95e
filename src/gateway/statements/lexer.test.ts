import fc from 'fast-check';
import { loadModule, scanSync } from 'libpg-query';
import { beforeAll, describe, expect, it } from 'vitest';
import { lex } from './lexer.js';

beforeAll(() => loadModule());

const LITERAL_TOKENS = new Set(['SCONST', 'USCONST', 'ICONST', 'FCONST', 'BCONST', 'XCONST']);

/** The literal values PostgreSQL's own scanner finds in `text`. */
function literalsOf(text: string): string[] {
  try {
    return scanSync(text)
      .tokens.filter((t) => LITERAL_TOKENS.has(t.tokenName))
      .map((t) => text.slice(t.start, t.end));
  } catch {
    return [];
  }
}

describe('the literal-removing lexer', () => {
  it.each([
    ["SELECT * FROM patients WHERE ssn = '123-45-6789'", 'SELECT * FROM patients WHERE ssn = $1'],
    [
      'SELECT abalance FROM pgbench_accounts WHERE aid = 12345;',
      'SELECT abalance FROM pgbench_accounts WHERE aid = $1;',
    ],
    ["SELECT $1, 'a' -- note: Jane\n, 2.5e-3 /* nested /* Doe */ */", 'SELECT $1, $2 , $3'],
    [
      "SELECT E'it\\'s', $tag$Jane $x$ Doe$tag$, $$y$$, B'101', X'ff', U&'\\0041'",
      'SELECT $1, $2, $3, $4, $5, $6',
    ],
    ['SELECT "Patient Name", t1.col2, a$b FROM t1', 'SELECT "Patient Name", t1.col2, a$b FROM t1'],
    ["INSERT INTO t VALUES ('unterminated", 'INSERT INTO t VALUES ($1'],
    ['SELECT .5, 0x1F, 1_000', 'SELECT $1, $2, $3'],
  ])('%s', (input, normalized) => {
    expect(lex(input).normalized).toBe(normalized);
  });

  it('names the command and counts literals', () => {
    expect(lex("  update t set a = 'x'")).toMatchObject({ command: 'UPDATE', literals: 1 });
  });

  it("follows standard_conforming_strings: off makes backslash escape a quote in ''", () => {
    expect(lex("SELECT 'a\\' || name || '", false).normalized).toBe('SELECT $1');
    expect(lex("SELECT 'a\\' || name || '", true).normalized).toBe('SELECT $1 || name || $2');
  });

  it('gives a text whose literals PostgreSQL’s scanner finds all gone, whatever their values', () => {
    // A statement is a list of pieces; literal pieces take a value. Two texts that differ only
    // in those values must normalize alike, and no value may show in the result.
    const fixed = fc.constantFrom(
      'SELECT',
      'FROM',
      't',
      'x1',
      'a$b',
      '"Quoted ""id"""',
      ',',
      '(',
      ')',
      '=',
      '::',
      '+',
      ';',
      '\n',
      '--c\n',
      '/*c*/',
    );
    const value = fc.string({ minLength: 1, maxLength: 8 }).map((v) => `ZQX${v}`);
    const literal = fc.constantFrom<(v: string) => string>(
      (v) => `'${v.replaceAll("'", "''")}'`,
      (v) => `E'${v.replaceAll('\\', '\\\\').replaceAll("'", "\\'")}'`,
      (v) => `$q$${v.replaceAll('$', '')}$q$`,
      (v) => `N'${v.replaceAll("'", "''")}'`,
      (v) => `${v.length * 7919}.${v.charCodeAt(3)}`,
    );
    const piece = fc.oneof(
      fixed.map((f) => (_: string) => f),
      literal,
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 20 }), value, value, (parts, a, b) => {
        const textA = parts.map((p) => p(a)).join(' ');
        const textB = parts.map((p) => p(b)).join(' ');
        const out = lex(textA).normalized;
        expect(lex(textB).normalized).toBe(out);
        expect(out).not.toContain('ZQX');
        for (const lit of literalsOf(textA)) if (lit.includes('ZQX')) expect(out).not.toContain(lit);
      }),
      { numRuns: 3000 },
    );
  });
});
