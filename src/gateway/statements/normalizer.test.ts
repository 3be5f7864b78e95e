import { beforeAll, describe, expect, it } from 'vitest';
import { GIVEN_NAMES, SURNAMES } from '../../phi/names.js';
import { createNormalizer, loadParser } from './normalizer.js';

beforeAll(() => loadParser());

describe('normalized statement text: PHI in names', () => {
  it('replaces a table named by a quoted e-mail address', () => {
    const info = createNormalizer().describe('SELECT * FROM "jane.doe@example.com" WHERE id = 42');
    expect(info.normalized).toBe('SELECT * FROM "<phi:email>" WHERE id = $1');
    expect(info.normalized).not.toContain('jane');
  });

  it('replaces a column alias that is a social security number', () => {
    const info = createNormalizer().describe('SELECT ssn AS "123-45-6789" FROM patients');
    expect(info.normalized).toBe('SELECT ssn AS "<phi:ssn>" FROM patients');
  });

  it("replaces a column alias that is a patient's name, by the detector's own list", () => {
    expect(GIVEN_NAMES.has('john') && SURNAMES.has('smith')).toBe(true);
    const n = createNormalizer();
    expect(n.describe('SELECT 1 AS "John Smith"').normalized).toBe('SELECT $1 AS "<phi:name>"');
    // Unquoted, with or without AS, the same.
    expect(n.describe('SELECT 1 AS john_smith').normalized).toBe('SELECT $1 AS "<phi:name>"');
    expect(n.describe('SELECT 1 john_smith').normalized).toBe('SELECT $1 "<phi:name>"');
  });

  it('leaves ordinary names alone, quoted or not', () => {
    const text = 'SELECT "First Name", first_name, dob, created_at AS "when" FROM "Patients" p';
    expect(createNormalizer().describe(text).normalized).toBe(text);
  });

  it('gives statements that differ only in a flagged name one text and one fingerprint', () => {
    const n = createNormalizer();
    const a = n.describe('SELECT * FROM "jane.doe@example.com"');
    const b = n.describe('SELECT * FROM "john.roe@example.org"');
    expect(b.normalized).toBe(a.normalized);
    expect(b.fingerprint).toBe(a.fingerprint);
    // The fingerprint is the scrubbed text's, not the raw name's.
    expect(a.fingerprint).toBe(n.describe('SELECT * FROM "<phi:email>"').fingerprint);
  });

  it('keeps the scrubbed text for exact-text and repeated lookups too', () => {
    const n = createNormalizer();
    const raw = 'SELECT ssn AS "123-45-6789" FROM patients WHERE id = $1';
    for (let i = 0; i < 3; i++) expect(n.describe(raw).normalized).not.toContain('6789');
    // With standard_conforming_strings off the exact-text cache is skipped: the same result.
    expect(n.describe(raw, false).normalized).toBe('SELECT ssn AS "<phi:ssn>" FROM patients WHERE id = $1');
  });

  it('records no command word that is not one', () => {
    expect(createNormalizer().describe('x_123_45_6789').command).toBe('');
    expect(createNormalizer().describe('select 1').command).toBe('SELECT');
  });
});
