import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { useControlClient } from '../../test/support/control-db.js';
import { BinaryArray, type ElementType } from './pg-binary-array.js';

const control = useControlClient();

const array = (type: ElementType, values: (number | string | Buffer | null)[]) => {
  const a = new BinaryArray(type, 16);
  for (const v of values) a.push(v);
  return a.finish();
};

/** What PostgreSQL reads the parameter as, printed back in text so node-postgres parses nothing binary. */
async function roundTrip(type: ElementType, values: (number | string | Buffer | null)[]) {
  const cast =
    type === 'timestamptz'
      ? 'extract(epoch FROM v) * 1000'
      : type === 'bytea'
        ? "encode(v, 'hex')"
        : 'v::text';
  const { rows } = await control.client.query(
    `SELECT ${cast} AS v FROM unnest($1::${type}[]) WITH ORDINALITY AS t(v, n) ORDER BY n`,
    [array(type, values)],
  );
  return rows.map((r) => r.v);
}

describe('binary PostgreSQL arrays', () => {
  it('carry int8 values across the whole safe range, with NULLs', async () => {
    const values = [
      0,
      1,
      -1,
      2 ** 31,
      -(2 ** 31) - 1,
      2 ** 40 + 7,
      Number.MAX_SAFE_INTEGER,
      null,
      -Number.MAX_SAFE_INTEGER,
    ];
    expect(await roundTrip('int8', values)).toEqual(values.map((v) => (v === null ? null : String(v))));
  });

  it('carry text exactly, multi-byte characters and empty strings included', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.option(fc.string({ unit: 'grapheme', maxLength: 40 }), { nil: null }), { maxLength: 30 }),
        async (values) => {
          // PostgreSQL text cannot hold NUL.
          const clean = values.map((v) => (v === null ? null : v.replaceAll('\u0000', '')));
          expect(await roundTrip('text', clean)).toEqual(clean);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('carry bytes and millisecond timestamps', async () => {
    const bytes = [Buffer.alloc(32, 7), Buffer.alloc(0), Buffer.from([0, 255, 1])];
    expect(await roundTrip('bytea', bytes)).toEqual(bytes.map((b) => b.toString('hex')));
    const times = [Date.parse('2026-12-02T16:17:08.123Z'), Date.parse('1999-12-31T23:59:59.999Z'), 0];
    expect((await roundTrip('timestamptz', times)).map(Number)).toEqual(times);
  });

  it('send an empty array as one with no elements', async () => {
    expect(await roundTrip('text', [])).toEqual([]);
    const { rows } = await control.client.query('SELECT cardinality($1::int8[]) AS n', [array('int8', [])]);
    expect(rows[0].n).toBe(0);
  });

  it('refuse values the element type cannot hold, instead of sending something else', () => {
    expect(() => new BinaryArray('int8').push(1.5)).toThrow(/safe integer/);
    expect(() => new BinaryArray('text').push(3)).toThrow(/string/);
    expect(() => new BinaryArray('bytea').push('x')).toThrow(/Buffer/);
  });
});
