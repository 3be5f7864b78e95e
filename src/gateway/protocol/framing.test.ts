import { describe, expect, it } from 'vitest';
import { message, startupMessage } from './build.js';
import { type Frame, Framer, ProtocolError, StartupFramer } from './framing.js';

const q = (text: string) => message(0x51, Buffer.from(`${text}\0`));
const stream = Buffer.concat([
  q('SELECT 1'),
  message(0x53),
  q('BEGIN; SELECT 2; COMMIT'),
  message(0x48),
  q(''),
]);
const expected = ['SELECT 1\0', '', 'BEGIN; SELECT 2; COMMIT\0', '', '\0'];

function collect(chunks: Buffer[]): { frames: Frame[]; wholes: boolean[] } {
  const framer = new Framer(() => 1 << 20);
  const frames: Frame[] = [];
  const wholes: boolean[] = [];
  const out: Frame[] = [];
  for (const c of chunks) {
    wholes.push(framer.push(c, out));
    frames.push(...out);
  }
  expect(framer.buffered).toBe(0);
  return { frames, wholes };
}

describe('Framer', () => {
  it('returns several messages from one chunk, as views of it, and says the chunk is whole', () => {
    const { frames, wholes } = collect([stream]);
    expect(frames.map((f) => f.body.toString())).toEqual(expected);
    expect(frames.map((f) => String.fromCharCode(f.type))).toEqual(['Q', 'S', 'Q', 'H', 'Q']);
    expect(wholes).toEqual([true]);
    expect(frames[0]?.raw.buffer).toBe(stream.buffer);
  });

  it('gives the same messages whatever byte the stream is split at, and at every byte', () => {
    for (let cut = 0; cut <= stream.length; cut++) {
      const { frames } = collect([stream.subarray(0, cut), stream.subarray(cut)]);
      expect(frames.map((f) => f.body.toString())).toEqual(expected);
    }
    const bytes = [...stream].map((b) => Buffer.from([b]));
    const { frames } = collect(bytes);
    expect(frames.map((f) => Buffer.concat([f.raw]).toString('latin1'))).toEqual(
      collect([stream]).frames.map((f) => f.raw.toString('latin1')),
    );
  });

  it('refuses a length below four and a length above the limit for that type, before buffering it', () => {
    const bad = Buffer.from([0x51, 0, 0, 0, 3]);
    expect(() => new Framer(() => 100).push(bad, [])).toThrow(ProtocolError);
    const huge = Buffer.from([0x51, 0x7f, 0xff, 0xff, 0xff]);
    expect(() => new Framer(() => 100).push(huge, [])).toThrow(/longer than the 100 allowed/);
  });
});

describe('StartupFramer', () => {
  const packet = startupMessage({ user: 'alice@acme.test', database: 'records' });

  it('reassembles a startup packet split at every byte', () => {
    for (let cut = 0; cut <= packet.length; cut++) {
      const f = new StartupFramer();
      f.push(packet.subarray(0, cut));
      f.push(packet.subarray(cut));
      expect(f.next()?.length).toBe(packet.length - 4);
      expect(f.next()).toBeUndefined();
    }
  });

  it('refuses a startup packet over 10,000 bytes, or under 8', () => {
    const big = Buffer.alloc(8);
    big.writeInt32BE(10_001, 0);
    const f = new StartupFramer();
    f.push(big);
    expect(() => f.next()).toThrow(/outside 8 to 10000 bytes/);
    const small = new StartupFramer();
    small.push(Buffer.from([0, 0, 0, 4]));
    expect(() => small.next()).toThrow(ProtocolError);
  });
});
