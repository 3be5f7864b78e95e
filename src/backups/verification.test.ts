import { describe, expect, it } from 'vitest';
import { compare } from './verification.js';

describe('the verification report', () => {
  const facts = (rows: number, checksum: string, schema = 'a') => ({
    schema_sha256: schema,
    tables: [{ table: 'public.patients', rows, checksum }],
  });

  it('is identical only when the schema, every row count and every checksum agree', () => {
    expect(compare(facts(2, 'ab'), facts(2, 'ab')).identical).toBe(true);
    const moreRows = compare(facts(3, 'cd'), facts(2, 'ab'));
    expect(moreRows.identical).toBe(false);
    expect(moreRows.tables[0]).toMatchObject({ source_rows: 3, restored_rows: 2, rows_equal: false });
    const sameCountOtherContent = compare(facts(2, 'cd'), facts(2, 'ab'));
    expect(sameCountOtherContent.tables[0]).toMatchObject({ rows_equal: true, checksum_equal: false });
    expect(compare(facts(2, 'ab', 'x'), facts(2, 'ab', 'y')).schema.identical).toBe(false);
  });

  it('reads differences after a restore to an earlier point as expected, and after a latest restore as a problem', () => {
    const same = compare(facts(2, 'ab'), facts(2, 'ab'), { time: '2026-12-06T10:00:00Z' });
    expect(same).toMatchObject({ verdict: 'identical', identical: true });

    const pitr = compare(facts(3, 'cd'), facts(2, 'ab'), { time: '2026-12-06T10:00:00Z' });
    expect(pitr).toMatchObject({ verdict: 'earlier_than_source', identical: false });
    expect(pitr.summary).toMatch(/as of 2026-12-06T10:00:00Z/);
    expect(pitr.summary).toMatch(/1 of 1 tables differ/);
    expect(pitr.summary).toMatch(/not a failure/);

    const fromBackup = compare(facts(3, 'cd', 'x'), facts(2, 'ab', 'y'), { backup: '20261206-100000F' });
    expect(fromBackup.verdict).toBe('earlier_than_source');
    expect(fromBackup.summary).toMatch(/as of backup 20261206-100000F/);
    expect(fromBackup.summary).toMatch(/1 of 1 tables and the schema differ/);

    const latest = compare(facts(3, 'cd'), facts(2, 'ab'));
    expect(latest).toMatchObject({ verdict: 'different', restored_to: { latest: true } });
    expect(latest.summary).not.toMatch(/not a failure/);
  });

  it('names a table that exists on one side only', () => {
    const r = compare(facts(1, 'a'), { schema_sha256: 'a', tables: [] });
    expect(r.tables).toEqual([
      {
        table: 'public.patients',
        source_rows: 1,
        restored_rows: null,
        rows_equal: false,
        source_checksum: 'a',
        restored_checksum: null,
        checksum_equal: false,
      },
    ]);
    expect(r.verdict).toBe('different');
  });
});
