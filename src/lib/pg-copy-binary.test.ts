import { to as copyTo } from 'pg-copy-streams';
import { describe, expect, it } from 'vitest';
import { useControlClient } from '../../test/support/control-db.js';
import { CopyBinaryParser, CopyFormatError, type CopyTuple } from './pg-copy-binary.js';

const SIGNATURE = Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1');

const int16 = (n: number) => Buffer.from([(n >> 8) & 0xff, n & 0xff]);
function int32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeInt32BE(n);
  return b;
}

/** A binary COPY stream of `tuples`, built as the PostgreSQL documentation describes it. */
function copyData(tuples: CopyTuple[], opts: { flags?: number; extension?: Buffer } = {}): Buffer {
  const extension = opts.extension ?? Buffer.alloc(0);
  const parts = [SIGNATURE, int32(opts.flags ?? 0), int32(extension.length), extension];
  for (const t of tuples) {
    parts.push(int16(t.length));
    for (const f of t) parts.push(...(f === null ? [int32(-1)] : [int32(f.length), f]));
  }
  parts.push(int16(-1));
  return Buffer.concat(parts);
}

const text = (s: string) => Buffer.from(s, 'utf8');
const tuples: CopyTuple[] = [
  [text('1'), null, text('')],
  [text('two'), Buffer.from([0, 255, 1]), text('héllo ✓')],
  [null, null, null],
  [text('x'.repeat(300)), text('y'), Buffer.alloc(0)],
];
const stream = copyData(tuples, { extension: Buffer.from('ext') });

/** Feeds `chunks` through one parser; the tuples as hex (null stays null) and the batch sizes. */
function parse(chunks: Buffer[], fields?: number) {
  const p = new CopyBinaryParser(fields);
  const batches = chunks.map((c) => p.push(c));
  p.end();
  return {
    rows: batches.flat().map((t) => t.map((f) => f?.toString('hex') ?? null)),
    sizes: batches.map((b) => b.length),
  };
}
const hexOf = (ts: CopyTuple[]) => ts.map((t) => t.map((f) => f?.toString('hex') ?? null));

describe('CopyBinaryParser', () => {
  it('returns every tuple of one chunk in one batch, each field a view of the chunk', () => {
    const p = new CopyBinaryParser(3);
    const out = p.push(stream);
    expect(hexOf(out)).toEqual(hexOf(tuples));
    expect(out[1]?.[1]?.buffer).toBe(stream.buffer);
    expect(p.done).toBe(true);
    p.end();
  });

  it('gives the same tuples whatever byte the stream is split at, and at every byte', () => {
    for (let cut = 0; cut <= stream.length; cut++) {
      expect(parse([stream.subarray(0, cut), stream.subarray(cut)]).rows).toEqual(hexOf(tuples));
    }
    for (let a = 0; a <= stream.length; a += 7) {
      for (let b = a; b <= stream.length; b += 5) {
        const chunks = [stream.subarray(0, a), stream.subarray(a, b), stream.subarray(b)];
        expect(parse(chunks).rows).toEqual(hexOf(tuples));
      }
    }
    const bytes = [...stream].map((b) => Buffer.from([b]));
    const { rows, sizes } = parse(bytes);
    expect(rows).toEqual(hexOf(tuples));
    // Each tuple completes on exactly one byte.
    expect(sizes.filter((n) => n > 0)).toEqual([1, 1, 1, 1]);
  });

  it('reassembles a large field held across many chunks once', () => {
    const big = Buffer.alloc(1 << 20, 7);
    const data = copyData([[big], [text('after')]]);
    const chunks: Buffer[] = [];
    for (let at = 0; at < data.length; at += 1000) chunks.push(data.subarray(at, at + 1000));
    const p = new CopyBinaryParser();
    const out = chunks.flatMap((c) => p.push(c));
    p.end();
    expect(out.length).toBe(2);
    expect(out[0]?.[0]?.equals(big)).toBe(true);
    expect(out[1]?.[0]?.toString()).toBe('after');
  });

  it('reads a stream with no tuples', () => {
    expect(parse([copyData([])]).rows).toEqual([]);
  });

  it('refuses what is not binary COPY data, unknown critical flags, OIDs and bad lengths', () => {
    const refuse = (data: Buffer, fields?: number) => () => {
      const p = new CopyBinaryParser(fields);
      p.push(data);
      p.end();
    };
    expect(refuse(Buffer.from('1\t2\n\\.\nxxxxxxxxxxxxxxxxx'))).toThrow(/signature is not PGCOPY/);
    expect(refuse(copyData([], { flags: 1 << 16 }))).toThrow(/OIDs/);
    expect(refuse(copyData([], { flags: 1 }))).toThrow(/critical flags 0x1/);
    expect(refuse(copyData([[text('a')]]), 2)).toThrow(/1 fields, not 2/);
    const badLength = Buffer.concat([SIGNATURE, int32(0), int32(0), int16(1), int32(-2), int16(-1)]);
    expect(refuse(badLength)).toThrow(/length -2/);
    const badCount = Buffer.concat([SIGNATURE, int32(0), int32(0), int16(-3)]);
    expect(refuse(badCount)).toThrow(/-3 fields/);
    expect(refuse(Buffer.concat([copyData([]), Buffer.from([0])]))).toThrow(/follows the trailer/);
    expect(refuse(copyData([]).subarray(0, 5))).toThrow(CopyFormatError);
  });

  it('says the data was truncated when it ends inside a tuple or before the trailer', () => {
    for (const cut of [stream.length - 2, stream.length - 1, stream.length - 10, 30]) {
      const p = new CopyBinaryParser();
      p.push(stream.subarray(0, cut));
      expect(() => p.end()).toThrow(/truncated/);
    }
    const p = new CopyBinaryParser();
    p.push(stream);
    expect(() => p.push(Buffer.from([0]))).toThrow(/follows the trailer/);
  });
});

describe('CopyBinaryParser against PostgreSQL', () => {
  const control = useControlClient();

  const query = (
    where = '',
  ) => `SELECT n::int8, CASE WHEN n % 7 = 0 THEN NULL ELSE sha256(n::text::bytea) END,
                        repeat('é✓x', n % 50) || n::text
                   FROM generate_series(-5, 20000) AS n ${where} ORDER BY n`;

  /** The raw COPY output of the query, chunk by chunk as the connection delivered it. */
  async function copyChunks(where = ''): Promise<Buffer[]> {
    const chunks: Buffer[] = [];
    const copy = control.client.query(copyTo(`COPY (${query(where)}) TO STDOUT (FORMAT binary)`));
    for await (const chunk of copy) chunks.push(chunk);
    return chunks;
  }

  it('reads the same rows a text query returns, across the chunks the connection delivered', async () => {
    const { rows } = await control.client.query({ text: query(), rowMode: 'array' });
    const expected = rows.map(([n, h, s]) => [String(n), h === null ? null : h.toString('hex'), s]);
    const chunks = await copyChunks();
    expect(chunks.length).toBeGreaterThan(1);
    const p = new CopyBinaryParser(3);
    const got = chunks.flatMap((chunk) => p.push(chunk));
    p.end();
    expect(
      got.map(([n, h, s]) => [
        String(n?.readBigInt64BE(0)),
        h === null ? null : h?.toString('hex'),
        s?.toString('utf8'),
      ]),
    ).toEqual(expected);
  });

  it('reads real output split at every byte, and rechunked at random sizes', async () => {
    const small = Buffer.concat(await copyChunks('WHERE n < 30'));
    const expected = hexOf(new CopyBinaryParser(3).push(small));
    expect(expected.length).toBe(35);
    for (let cut = 0; cut <= small.length; cut++)
      expect(parse([small.subarray(0, cut), small.subarray(cut)], 3).rows).toEqual(expected);
    expect(
      parse(
        [...small].map((b) => Buffer.from([b])),
        3,
      ).rows,
    ).toEqual(expected);

    const data = Buffer.concat(await copyChunks());
    const whole = hexOf(new CopyBinaryParser(3).push(data)).join();
    let seed = 7;
    for (let round = 0; round < 20; round++) {
      const chunks: Buffer[] = [];
      for (let at = 0; at < data.length; ) {
        seed = (seed * 1103515245 + 12345) % 2 ** 31;
        const size = 1 + (seed % 3000);
        chunks.push(data.subarray(at, at + size));
        at += size;
      }
      expect(parse(chunks, 3).rows.join()).toBe(whole);
    }
  });
});
