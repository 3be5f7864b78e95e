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
  });
});
