import { describe, expect, it } from 'vitest';
import { isLoopback } from './loopback.js';

describe('isLoopback', () => {
  it('is 127.0.0.0/8, ::1 and 127.x written as an IPv4-mapped IPv6 address', () => {
    for (const ip of ['127.0.0.1', '127.255.1.2', '::1', '::ffff:127.0.0.1', '::FFFF:127.1.2.3'])
      expect(isLoopback(ip), ip).toBe(true);
  });

  it('is nothing else, nor a missing address', () => {
    for (const ip of [
      '10.0.0.1',
      '128.0.0.1',
      '::ffff:10.0.0.1',
      '::2',
      'fe80::1',
      '0.0.0.0',
      'localhost',
      '',
    ])
      expect(isLoopback(ip), ip).toBe(false);
    expect(isLoopback(null)).toBe(false);
    expect(isLoopback(undefined)).toBe(false);
  });
});
