import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalize, constant } from './canonical.js';
import { canonicalEvent } from './chain.js';

describe('RFC 8785 canonical JSON', () => {
  it('matches the RFC 8785 §3.2.2 example', () => {
    // The RFC's input text, parsed as any JSON reader would (333333333.33333329 becomes the
    // nearest double, which RFC 8785 then prints as 333333333.3333333).
    const input = JSON.parse(
      '{"numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],' +
        ' "string": "\\u20ac$\\u000F\\u000aA\'\\u0042\\u0022\\u005c\\\\\\"\\/", "literals": [null, true, false]}',
    );
    expect(canonicalize(input)).toBe(
      '{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],' +
        '"string":"€$\\u000f\\nA\'B\\"\\\\\\\\\\"/"}',
    );
  });

  it('sorts members by UTF-16 code units (RFC 8785 §3.2.3 example)', () => {
    const input = {
      '\u20ac': 'Euro Sign',
      '\r': 'Carriage Return',
      '\ufb33': 'Hebrew Letter Dalet With Dagesh',
      '1': 'One',
      '\ud83d\ude00': 'Emoji: Grinning Face',
      '\u0080': 'Control',
      '\u00f6': 'Latin Small Letter O With Diaeresis',
    };
    // Read the order from the text: Object.keys would list the integer-like key "1" first.
    const values = [...canonicalize(input).matchAll(/:"([^"]*)"/g)].map((m) => m[1]);
    expect(values).toEqual([
      'Carriage Return',
      'One',
      'Control',
      'Latin Small Letter O With Diaeresis',
      'Euro Sign',
      'Emoji: Grinning Face',
      'Hebrew Letter Dalet With Dagesh',
    ]);
  });

  it('serializes numbers as RFC 8785 Appendix B lists', () => {
    const cases: [number, string][] = [
      [0, '0'],
      [-0, '0'],
      [5e-324, '5e-324'],
      [1.7976931348623157e308, '1.7976931348623157e+308'],
      [9007199254740992, '9007199254740992'],
      [295147905179352830000, '295147905179352830000'],
      [1e21, '1e+21'],
      [0.000001, '0.000001'],
      [1e-7, '1e-7'],
    ];
    for (const [n, s] of cases) expect(canonicalize(n)).toBe(s);
  });

  it('refuses values JSON cannot carry exactly', () => {
    expect(() => canonicalize(Number.NaN)).toThrow();
    expect(() => canonicalize({ a: Number.POSITIVE_INFINITY })).toThrow();
  });

  it('is a fixed point: parsing and canonicalizing again changes nothing, whatever the member order', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        const once = canonicalize(v);
        expect(canonicalize(JSON.parse(once))).toBe(once);
      }),
      { numRuns: 2000 },
    );
  });

  it('writes an event exactly as canonicalizing the whole event object would', () => {
    const member = fc.jsonValue().filter((v) => v !== null && typeof v === 'object' && !Array.isArray(v));
    fc.assert(
      fc.property(
        fc.record({
          chain: fc.string(),
          seq: fc.nat(),
          id: fc.string(),
          time: fc.string(),
          action: fc.string(),
          outcome: fc.string(),
          actor: member,
          target: member,
          details: member,
        }),
        (e) => {
          const fields = e as unknown as Parameters<typeof canonicalEvent>[0];
          expect(canonicalEvent(fields)).toBe(canonicalize(fields));
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('reuses the text of a constant, which cannot change afterwards', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue()), (v) => {
        const fresh = canonicalize(v);
        const c = constant(structuredClone(v));
        expect(canonicalize(c)).toBe(fresh);
        expect(canonicalize({ inner: c })).toBe(canonicalize({ inner: v }));
      }),
      { numRuns: 500 },
    );
    const actor = constant({ id: 'usr_1', nested: { email: 'a@b.test' } });
    expect(() => {
      (actor as { id: string }).id = 'usr_2';
    }).toThrow(TypeError);
    expect(() => {
      (actor.nested as { email: string }).email = 'x@y.test';
    }).toThrow(TypeError);
    expect(canonicalize(actor)).toBe('{"id":"usr_1","nested":{"email":"a@b.test"}}');
  });
});
