/**
 * Who may read /metrics (issue 23, item 9): callers on loopback as before, anyone else only with
 * the operator's token carrying the `metrics:read` scope. The client address is the socket's
 * (no proxy headers are trusted); inject() stands in for a socket from another machine.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestWard, type TestWard } from './support/ward.js';

let w: TestWard;

async function scrape(remoteAddress: string, token?: string) {
  return w.ward.app.inject({
    method: 'GET',
    url: '/metrics',
    remoteAddress,
    headers: token ? { authorization: `Bearer ${token}` } : {},
  });
}

async function tokenWith(session: string, scopes: string[]): Promise<string> {
  const r = await w.request('POST', '/api/v1/tokens', {
    token: session,
    body: { name: `scrape ${scopes.join(' ')}`, expires_in_days: 1, scopes },
  });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return r.body.token;
}

beforeAll(async () => {
  w = await startTestWard();
}, 120_000);
afterAll(() => w?.stop());

describe('/metrics', () => {
  it('answers callers on loopback without a token, over a real socket too', async () => {
    const real = await w.request('GET', '/metrics');
    expect(real.status).toBe(200);
    expect(real.body).toContain('ward_http_requests_total');
    for (const ip of ['127.0.0.1', '::1', '::ffff:127.0.0.1'])
      expect((await scrape(ip)).statusCode).toBe(200);
  });

  it('refuses a caller beyond loopback without a token, and gives nothing away', async () => {
    for (const ip of ['10.1.2.3', '::ffff:10.1.2.3', '2001:db8::7']) {
      const r = await scrape(ip);
      expect(r.statusCode).toBe(401);
      expect(r.body).not.toContain('ward_');
      expect(r.json().error.code).toBe('unauthenticated');
    }
  });

  it('lets the operator’s metrics:read token in from beyond loopback, and no one else’s', async () => {
    const operator = await w.adminToken();
    const scraper = await tokenWith(operator, ['metrics:read']);
    const ok = await scrape('10.1.2.3', scraper);
    expect(ok.statusCode).toBe(200);
    expect(ok.body).toContain('ward_http_requests_total');

    // A token without the scope, and a person who is not the operator, are refused.
    const narrow = await scrape('10.1.2.3', await tokenWith(operator, ['projects:read']));
    expect(narrow.statusCode).toBe(403);
    expect(narrow.json().error.message).toMatch(/metrics:read/);
    const someone = await w.user('someone@metrics.test');
    const theirs = await scrape('10.1.2.3', await tokenWith(someone, ['metrics:read']));
    expect(theirs.statusCode).toBe(403);
    expect(theirs.body).not.toContain('ward_');
  });
});
