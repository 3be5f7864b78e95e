import { describe, expect, it } from 'vitest';
import { tokenizer } from '../../accounting/index.js';
import { createNormalizer, loadParser } from '../statements/normalizer.js';
import { parseLiterals, querySubjects } from './client.js';
import { type CopyPlan, copySubjects, rowPlan, rowSubjects } from './rows.js';
import { SessionSubjects } from './session-subjects.js';
import { shapeOf } from './shape.js';
import { namedValues } from './statement-subjects.js';
import { binaryArray, literalValue, parseBindValues, textArray } from './values.js';

const MRN = {
  schema: 'public',
  table: 'patients',
  column: 'mrn',
  tableOid: 16400,
  attnum: 2,
  typeOid: 25,
  rule: 'exact' as const,
  copyIndex: 1,
};
const PID = {
  schema: 'clinic',
  table: 'visits',
  column: 'patient_id',
  tableOid: 16500,
  attnum: 3,
  typeOid: 23,
  rule: 'exact' as const,
  copyIndex: 2,
};
const session = () =>
  new SessionSubjects({ columns: [MRN, PID], token: tokenizer(Buffer.alloc(32, 1)) }, 'readonly');

function rowDescription(fields: [string, number, number, number, number][]): Buffer {
  const parts: Buffer[] = [Buffer.from([0, fields.length])];
  for (const [name, oid, att, type, format] of fields) {
    const b = Buffer.alloc(18);
    b.writeUInt32BE(oid, 0);
    b.writeInt16BE(att, 4);
    b.writeUInt32BE(type, 6);
    b.writeInt16BE(format, 16);
    parts.push(Buffer.from(`${name}\0`), b);
  }
  return Buffer.concat(parts);
}

function dataRow(values: (Buffer | null)[]): Buffer {
  const parts: Buffer[] = [Buffer.from([0, values.length])];
  for (const v of values) {
    const len = Buffer.alloc(4);
    len.writeInt32BE(v === null ? -1 : v.length);
    parts.push(len, v ?? Buffer.alloc(0));
  }
  return Buffer.concat(parts);
}

describe('subject matching', () => {
  it('plans a RowDescription once: only declared columns, in text or binary', () => {
    const s = session();
    expect(s.describe(rowDescription([['name', 16400, 3, 25, 0]]))).toBeNull();
    const plan = rowPlan(
      rowDescription([
        ['name', 16400, 3, 25, 0],
        ['mrn', 16400, 2, 25, 0],
        ['pid', 16500, 3, 23, 1],
      ]),
      s.find,
    );
    expect(plan?.fields).toEqual([1, 2]);
    const out = new Set<string>();
    const four = Buffer.alloc(4);
    four.writeInt32BE(42);
    expect(
      rowSubjects(dataRow([Buffer.from('x'), Buffer.from(' MRN-1 '), four]), plan as never, out, s.norm),
    ).toBe(true);
    expect([...out]).toEqual(['MRN-1', '42']);
    expect(rowSubjects(dataRow([Buffer.from('x'), null, null]), plan as never, out, s.norm)).toBe(false);
  });

  it('reads comparisons with a key from the parse tree, qualified, aliased, IN and ANY', async () => {
    await loadParser();
    const n = createNormalizer();
    const s = session();
    const named = (text: string) => {
      const captured = { raw: [], base: 0 };
      return [...querySubjects(s, n.describe(text, true, captured), captured, true).named];
    };
    expect(named("SELECT * FROM patients WHERE mrn = 'A-1'")).toEqual(['A-1']);
    expect(named("SELECT * FROM patients p WHERE 'A-2' = p.mrn")).toEqual(['A-2']);
    expect(named("SELECT * FROM public.patients WHERE mrn IN ('A-3', E'A\\\\4')")).toEqual(['A-3', 'A\\4']);
    expect(named('SELECT * FROM patients WHERE mrn = ANY(\'{A-5,"A 6"}\')')).toEqual(['A-5', 'A 6']);
    expect(
      named('SELECT * FROM clinic.visits v JOIN patients p ON p.id = v.patient_id WHERE v.patient_id = 7'),
    ).toEqual(['7']);
    expect(named("SELECT * FROM notes WHERE mrn = 'A-1'")).toEqual([]);
    expect(named('SELECT * FROM visits WHERE patient_id = 8')).toEqual([]);
    // A Parse text seen before is not lexed again: its $1 is still read from each Bind.
    const parse = 'SELECT * FROM patients WHERE mrn = $1';
    const bound = (mrn: string) => {
      const captured = { raw: [], base: 0 };
      const info = n.describe(parse, true, captured);
      const bind = { formats: [0], values: [Buffer.from(mrn)], resultFormats: [] };
      const lits = parseLiterals(s, info, captured, true);
      return [...namedValues(s.resolve(info).equalities, s, lits, bind)];
    };
    expect(bound('B-1')).toEqual(['B-1']);
    expect(bound('B-2')).toEqual(['B-2']);
    const copy = shapeOf(n.describe('COPY (SELECT name, mrn FROM patients) TO STDOUT (FORMAT csv)')).copy;
    expect(copy?.columns).toEqual([['name'], ['mrn']]);
  });

  it('reads COPY rows in text and CSV, and parameters as drivers send them', () => {
    const s = session();
    const out = new Set<string>();
    const text: CopyPlan = { positions: [1], cols: [MRN], format: 'text', delimiter: '\t' };
    expect(copySubjects(Buffer.from('1\tMRN-9\tx\n'), text, out, s.norm, { headerSeen: false })).toEqual({
      rows: 1,
      uncovered: 0,
    });
    const csv: CopyPlan = { positions: [0], cols: [MRN], format: 'csv', delimiter: ',' };
    expect(copySubjects(Buffer.from('"MRN,10",x\n'), csv, out, s.norm, { headerSeen: false })).toEqual({
      rows: 1,
      uncovered: 0,
    });
    expect(copySubjects(Buffer.from(',x\n'), csv, out, s.norm, { headerSeen: false })).toEqual({
      rows: 1,
      uncovered: 1,
    });
    expect([...out]).toEqual(['MRN-9', 'MRN,10']);
    expect(textArray('{a,"b c",NULL}')).toEqual(['a', 'b c']);
    expect(literalValue("'it''s'", true)).toBe("it's");
    expect(literalValue('$x$y$x$', true)).toBe('y');
    const arr = Buffer.alloc(12 + 8 + 8 + 8);
    arr.writeInt32BE(1, 0);
    arr.writeInt32BE(23, 8);
    arr.writeInt32BE(2, 12);
    arr.writeInt32BE(1, 16);
    arr.writeInt32BE(4, 20);
    arr.writeInt32BE(5, 24);
    arr.writeInt32BE(4, 28);
    arr.writeInt32BE(6, 32);
    expect(binaryArray(arr)).toEqual(['5', '6']);
    const bind = Buffer.concat([
      Buffer.from('\0\0'),
      Buffer.from([0, 1, 0, 0, 0, 1, 0, 0, 0, 3]),
      Buffer.from('abc'),
      Buffer.from([0, 1, 0, 1]),
    ]);
    expect(parseBindValues(bind)).toEqual({ formats: [0], values: [Buffer.from('abc')], resultFormats: [1] });
  });
});
