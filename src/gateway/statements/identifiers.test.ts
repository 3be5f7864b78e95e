import { describe, expect, it } from 'vitest';
import { phiPlaceholder, scrubIdentifiers } from './identifiers.js';

describe('scrubIdentifiers', () => {
  it('returns the same string when no name looks like PHI', () => {
    const text = 'SELECT a.b, "x""y", int4(c), $1 FROM t_2 AS "Users" WHERE d = $2';
    expect(scrubIdentifiers(text)).toBe(text);
  });

  it('replaces quoted names, with doubled quotes read as one', () => {
    expect(scrubIdentifiers('SELECT "jane""doe@example.com" FROM t')).toBe(
      `SELECT ${phiPlaceholder('email')} FROM t`,
    );
    expect(scrubIdentifiers('"555-123-4567".x')).toBe('"<phi:phone>".x');
  });

  it('replaces every flagged name, first and last too', () => {
    expect(scrubIdentifiers('"123-45-6789" , mrn_00123')).toBe('"<phi:ssn>" , "<phi:mrn>"');
  });

  it('reads the escapes of a U&"…" name', () => {
    expect(scrubIdentifiers('SELECT 1 AS U&"jane\\0040example.com"')).toBe('SELECT 1 AS "<phi:email>"');
    expect(scrubIdentifiers('SELECT 1 AS U&"d\\0061ta"')).toBe('SELECT 1 AS U&"d\\0061ta"');
  });

  it('keeps an unterminated quoted name from showing', () => {
    expect(scrubIdentifiers('SELECT "jane.doe@example.com')).toBe('SELECT "<phi:email>"');
  });
});
