import { createHmac, randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hmac128 } from './hmac.js';
import { normalizeSubject, tokenizer } from './tokens.js';

describe('subject tokens', () => {
  it('are the first 128 bits of HMAC-SHA-256, for messages of every length', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 16, maxLength: 64 }),
        fc.uint8Array({ maxLength: 300 }),
        (key, msg) => {
          const k = Buffer.from(key);
          const expected = createHmac('sha256', k).update(msg).digest().subarray(0, 16);
          const out = Buffer.alloc(20);
          hmac128(k)(msg, msg.length, out, 2);
          expect(out.subarray(2, 18)).toEqual(expected);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('are the same for a string as for its UTF-8, ASCII or not, short or long', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 16, maxLength: 64 }),
        fc.oneof(fc.string({ maxLength: 70 }), fc.string({ unit: 'binary', maxLength: 40 })),
        (key, text) => {
          const k = Buffer.from(key);
          const expected = createHmac('sha256', k).update(text, 'utf8').digest().subarray(0, 16);
          const out = Buffer.alloc(20);
          hmac128(k).text(text, out, 3);
          expect(out.subarray(3, 19)).toEqual(expected);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('normalize by the column’s case rule, and differ between keys', () => {
    expect(normalizeSubject('  MRN-42 ', 'exact')).toBe('MRN-42');
    expect(normalizeSubject('  MRN-42 ', 'fold')).toBe('mrn-42');
    const a = tokenizer(randomBytes(32));
    const b = tokenizer(randomBytes(32));
    expect(a('MRN-42')).toEqual(a('MRN-42'));
    expect(a('MRN-42')).not.toEqual(b('MRN-42'));
    expect(a('MRN-42')).toHaveLength(16);
    expect(a.packed(['MRN-42', 'MRN-43'], 2)).toEqual(Buffer.concat([a('MRN-42'), a('MRN-43')]));
  });
});

describe('token hints', () => {
  it('find a token at every position of a packed run', async () => {
    const { tokenHints } = await import('./matches.js');
    const t = tokenizer(randomBytes(32));
    const tokens = Array.from({ length: 7 }, (_, i) => t(`MRN-${i}`));
    const run = Buffer.from(Buffer.concat(tokens).toString('base64'));
    for (const token of tokens) expect(tokenHints(token).some((h) => run.includes(h))).toBe(true);
    expect(tokenHints(t('MRN-99')).some((h) => run.includes(h))).toBe(false);
  });
});
