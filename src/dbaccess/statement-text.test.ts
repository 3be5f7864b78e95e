import { describe, expect, it } from 'vitest';
import { newSessionKey, openStatement, statementSealer } from './statement-text.js';

describe('sealed statement text', () => {
  it('opens only with its session key, session and text number', () => {
    const key = newSessionKey();
    const seal = statementSealer('dbs_aaaaaaaaaaaaaaaa', key);
    const text = Buffer.from("SELECT * FROM patients WHERE ssn = '123-45-6789'");
    for (const id of [1, 2, 2 ** 32 + 5]) {
      const sealed = seal(id, text);
      expect(sealed.includes(Buffer.from('123-45-6789'))).toBe(false);
      expect(openStatement('dbs_aaaaaaaaaaaaaaaa', key, id, sealed).equals(text)).toBe(true);
      expect(() => openStatement('dbs_aaaaaaaaaaaaaaaa', key, id + 1, sealed)).toThrow();
      expect(() => openStatement('dbs_bbbbbbbbbbbbbbbb', key, id, sealed)).toThrow();
      expect(() => openStatement('dbs_aaaaaaaaaaaaaaaa', newSessionKey(), id, sealed)).toThrow();
    }
    // Two texts never share a nonce under one key.
    expect(seal(1, text).subarray(22, 34).equals(seal(2, text).subarray(22, 34))).toBe(false);
  });
});
