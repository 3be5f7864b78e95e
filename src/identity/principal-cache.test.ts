import { describe, expect, it } from 'vitest';
import type { Principal } from './identity.service.js';
import { createPrincipalCache } from './principal-cache.js';

const alice: Principal = {
  userId: 'usr_a',
  email: 'a@x',
  name: 'A',
  operator: false,
  tokenId: 'tok_a',
  tokenKind: 'session',
  scopes: ['*'],
  service: false,
  mfa: false,
  mfaRequired: false,
  idleMinutes: 60,
  expiresAt: new Date(Date.now() + 3600_000),
};
const later = () => new Date(Date.now() + 3600_000);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('principal cache', () => {
  it('shares one lookup between concurrent requests and reuses it within the TTL', async () => {
    const cache = createPrincipalCache(200);
    let lookups = 0;
    const load = async () => {
      lookups++;
      await sleep(20);
      return { principal: alice, expires: later() };
    };
    const all = await Promise.all(Array.from({ length: 20 }, () => cache.get('k', load)));
    expect(all.every((p) => p === alice)).toBe(true);
    expect(lookups).toBe(1);
    await cache.get('k', load);
    expect(lookups).toBe(1);
    await sleep(250);
    await cache.get('k', load);
    expect(lookups).toBe(2);
  });

  it('never outlives the token itself', async () => {
    const cache = createPrincipalCache(10_000);
    let lookups = 0;
    const load = async () => {
      lookups++;
      return { principal: alice, expires: new Date(Date.now() + 50) };
    };
    await cache.get('k', load);
    await sleep(80);
    await cache.get('k', load);
    expect(lookups).toBe(2);
  });

  it('does not cache a refusal, and forgets a revoked token at once', async () => {
    const cache = createPrincipalCache(10_000);
    await expect(cache.get('k', async () => Promise.reject(new Error('revoked')))).rejects.toThrow('revoked');
    let lookups = 0;
    const load = async () => {
      lookups++;
      return { principal: alice, expires: later() };
    };
    await cache.get('k', load);
    cache.dropToken('tok_a');
    await cache.get('k', load);
    expect(lookups).toBe(2);
    cache.dropUser('usr_a');
    await cache.get('k', load);
    expect(lookups).toBe(3);
  });
});
