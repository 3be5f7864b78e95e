/**
 * Sign-in, lockout, tokens and accounts against a real Ward.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PASSWORD, startTestWard, type TestWard } from './support/ward.js';

let w: TestWard;
beforeAll(async () => {
  w = await startTestWard({ lockout: { max_failures: 5, minutes: 15, address_max_failures: 20 } });
});
afterAll(() => w?.stop());

describe('health and API description', () => {
  it('answers /healthz, /metrics and an OpenAPI 3.1 document', async () => {
    expect((await w.request('GET', '/healthz')).body).toEqual({ status: 'ok' });
    const metrics = await w.request('GET', '/metrics');
    expect(metrics.status).toBe(200);
    expect(metrics.body).toContain('ward_http_requests_total');
    const doc = (await w.request('GET', '/api/openapi.json')).body;
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(['/api/v1/auth/login', '/api/v1/orgs/{org}/projects', '/api/v1/projects/{id}']),
    );
  });

  it('sends browser security headers on every answer', async () => {
    for (const path of ['/healthz', '/api/v1/me', '/nothing-here']) {
      const r = await w.request('GET', path);
      expect(r.headers.get('content-security-policy'), path).toContain("frame-ancestors 'none'");
      expect(r.headers.get('x-content-type-options')).toBe('nosniff');
      expect(r.headers.get('x-frame-options')).toBe('SAMEORIGIN');
      expect(r.headers.get('x-powered-by')).toBeNull();
    }
  });

  it('refuses every API route without credentials, with a message that says how to sign in', async () => {
    for (const [method, path] of [
      ['GET', '/api/v1/orgs'],
      ['POST', '/api/v1/orgs'],
      ['GET', '/api/v1/projects/prj_aaaaaaaaaaaaaaaa'],
      ['GET', '/api/v1/users'],
    ] as const) {
      const r = await w.request(method, path, { body: method === 'POST' ? { name: 'x' } : undefined });
      expect(r.status, `${method} ${path}`).toBe(401);
      expect(r.body.error.code).toBe('unauthenticated');
      expect(r.body.error.message).toMatch(/sign in/);
    }
  });
});

describe('sign-in', () => {
  it('returns an expiring bearer token for the right password', async () => {
    const r = await w.request('POST', '/api/v1/auth/login', {
      body: { email: 'admin@localhost', password: w.adminPassword },
    });
    expect(r.status).toBe(200);
    expect(r.body.token).toMatch(/^ward_ses_[A-Za-z0-9_-]{43}$/);
    const ttl = Date.parse(r.body.expires_at) - Date.now();
    expect(ttl).toBeGreaterThan(11 * 3600_000);
    expect(ttl).toBeLessThanOrEqual(12 * 3600_000);
    const me = await w.request('GET', '/api/v1/me', { token: r.body.token });
    expect(me.body).toMatchObject({ email: 'admin@localhost', operator: true });
  });

  it('answers a wrong password and an unknown address identically', async () => {
    await w.user('carol@acme.test');
    const wrong = await w.request('POST', '/api/v1/auth/login', {
      body: { email: 'carol@acme.test', password: 'not the password' },
    });
    const unknown = await w.request('POST', '/api/v1/auth/login', {
      body: { email: 'nobody@acme.test', password: 'not the password' },
    });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(wrong.body).toEqual(unknown.body);
    expect(wrong.body.error.message).toBe('email or password is incorrect');
  });

  it('locks an address after 5 consecutive failures, even with the right password, and the same for an unknown address', async () => {
    await w.user('dave@acme.test');
    for (let i = 0; i < 5; i++) {
      expect(
        (
          await w.request('POST', '/api/v1/auth/login', {
            body: { email: 'dave@acme.test', password: `wrong ${i}` },
          })
        ).status,
      ).toBe(401);
      await w.request('POST', '/api/v1/auth/login', {
        body: { email: 'ghost@acme.test', password: `wrong ${i}` },
      });
    }
    const locked = await w.request('POST', '/api/v1/auth/login', {
      body: { email: 'dave@acme.test', password: PASSWORD },
    });
    expect(locked.status).toBe(429);
    expect(locked.body.error.message).toMatch(/too many failed sign-ins for this address; try again after/);
    const ghost = await w.request('POST', '/api/v1/auth/login', {
      body: { email: 'ghost@acme.test', password: PASSWORD },
    });
    expect(ghost.status).toBe(429);
    expect(ghost.body.error.message).toMatch(/too many failed sign-ins for this address; try again after/);
  });

  it('signs out: the session token stops working', async () => {
    const token = await w.login('admin@localhost', w.adminPassword);
    expect((await w.request('POST', '/api/v1/auth/logout', { token })).status).toBe(204);
    const after = await w.request('GET', '/api/v1/me', { token });
    expect(after.status).toBe(401);
    expect(after.body.error.message).toMatch(/revoked/);
  });

  it('rejects a malformed Authorization header and a made-up token', async () => {
    expect((await w.request('GET', '/api/v1/me', { headers: { authorization: 'Basic abc' } })).status).toBe(
      401,
    );
    const fake = await w.request('GET', '/api/v1/me', { token: `ward_pat_${'A'.repeat(43)}` });
    expect(fake.status).toBe(401);
    expect(fake.body.error.message).toMatch(/not valid/);
  });
});

describe('console sessions (cookie)', () => {
  const cookieHeader = (setCookies: string[]) => setCookies.map((c) => c.split(';')[0]).join('; ');

  it('sign in with an httpOnly SameSite=Strict cookie and no token in the body; changes need the CSRF header', async () => {
    const login = await w.request('POST', '/api/v1/auth/login', {
      body: { email: 'admin@localhost', password: w.adminPassword, cookie: true },
    });
    expect(login.status).toBe(200);
    expect(login.body.token).toBeUndefined();
    const setCookies = login.headers.getSetCookie();
    const session = setCookies.find((c) => c.startsWith('ward_session='));
    expect(session).toMatch(/HttpOnly/i);
    expect(session).toMatch(/SameSite=Strict/i);
    const csrf = /ward_csrf=([^;]+)/.exec(setCookies.join('\n'))?.[1];
    expect(csrf).toBe(login.body.csrf_token);
    const cookie = cookieHeader(setCookies);

    expect((await w.request('GET', '/api/v1/me', { headers: { cookie } })).body.email).toBe(
      'admin@localhost',
    );
    const forged = await w.request('POST', '/api/v1/orgs', {
      headers: { cookie },
      body: { name: 'csrf-victim' },
    });
    expect(forged.status).toBe(403);
    expect(forged.body.error.message).toMatch(/x-csrf-token/);
    const wrong = await w.request('POST', '/api/v1/orgs', {
      headers: { cookie, 'x-csrf-token': 'guess' },
      body: { name: 'csrf-victim' },
    });
    expect(wrong.status).toBe(403);
    const ok = await w.request('POST', '/api/v1/orgs', {
      headers: { cookie, 'x-csrf-token': csrf ?? '' },
      body: { name: 'csrf-ok' },
    });
    expect(ok.status).toBe(201);
  });

  it('a session ended elsewhere does not lock the browser out: 401 clears the cookies, sign-in still works', async () => {
    const login = await w.request('POST', '/api/v1/auth/login', {
      body: { email: 'admin@localhost', password: w.adminPassword, cookie: true },
    });
    const cookie = cookieHeader(login.headers.getSetCookie());
    const csrf = login.body.csrf_token;
    expect(
      (await w.request('POST', '/api/v1/auth/logout', { headers: { cookie, 'x-csrf-token': csrf } })).status,
    ).toBe(204);
    const me = await w.request('GET', '/api/v1/me', { headers: { cookie } });
    expect(me.status).toBe(401);
    expect(me.headers.getSetCookie().join(';')).toMatch(/ward_session=;/);
    const again = await w.request('POST', '/api/v1/auth/login', {
      headers: { cookie },
      body: { email: 'admin@localhost', password: w.adminPassword },
    });
    expect(again.status).toBe(200);
  });
});

describe('personal API tokens', () => {
  it('require an expiry, are shown once, listed without the secret, and stop working when revoked', async () => {
    const session = await w.user('erin@acme.test');
    const noExpiry = await w.request('POST', '/api/v1/tokens', { token: session, body: { name: 'ci' } });
    expect(noExpiry.status).toBe(400);
    expect(noExpiry.body.error.message).toMatch(/must expire/);
    const tooLong = await w.request('POST', '/api/v1/tokens', {
      token: session,
      body: { name: 'ci', expires_in_days: 400 },
    });
    expect(tooLong.status).toBe(400);

    const created = await w.request('POST', '/api/v1/tokens', {
      token: session,
      body: { name: 'ci', expires_in_days: 30 },
    });
    expect(created.status).toBe(201);
    const pat = created.body.token as string;
    expect(pat).toMatch(/^ward_pat_/);
    expect((await w.request('GET', '/api/v1/me', { token: pat })).body.email).toBe('erin@acme.test');

    const list = await w.request('GET', '/api/v1/tokens', { token: session });
    expect(list.body.tokens).toHaveLength(1);
    expect(JSON.stringify(list.body)).not.toContain(pat.slice(9));

    const revoked = await w.request('DELETE', `/api/v1/tokens/${created.body.id}`, { token: session });
    expect(revoked.status).toBe(200);
    expect(revoked.body.revoked_at).not.toBeNull();
    const use = await w.request('GET', '/api/v1/me', { token: pat });
    expect(use.status).toBe(401);
    expect(use.body.error.message).toMatch(/revoked/);
  });

  it('carry the scopes they were created with; an unknown scope is refused', async () => {
    const session = await w.user('scoped@acme.test');
    const t = await w.request('POST', '/api/v1/tokens', {
      token: session,
      body: { name: 'app', expires_in_days: 1, scopes: ['db:connect'] },
    });
    expect(t.status).toBe(201);
    expect(t.body.scopes).toEqual(['db:connect']);
    const all = await w.request('POST', '/api/v1/tokens', {
      token: session,
      body: { name: 'all', expires_in_days: 1 },
    });
    expect(all.body.scopes).toEqual(['*']);
    const bad = await w.request('POST', '/api/v1/tokens', {
      token: session,
      body: { name: 'x', expires_in_days: 1, scopes: ['root'] },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/^body\.scopes\.0: /);
  });

  it('stop working once expired', async () => {
    const session = await w.user('frank@acme.test');
    const soon = new Date(Date.now() + 1500).toISOString();
    const created = await w.request('POST', '/api/v1/tokens', {
      token: session,
      body: { name: 'short', expires_at: soon },
    });
    expect(created.status).toBe(201);
    await new Promise((r) => setTimeout(r, 1700));
    const use = await w.request('GET', '/api/v1/me', { token: created.body.token });
    expect(use.status).toBe(401);
    expect(use.body.error.message).toMatch(/expired/);
  });

  it("cannot revoke someone else's token", async () => {
    const a = await w.user('gina@acme.test');
    const b = await w.user('hank@acme.test');
    const t = await w.request('POST', '/api/v1/tokens', {
      token: a,
      body: { name: 'mine', expires_in_days: 1 },
    });
    const r = await w.request('DELETE', `/api/v1/tokens/${t.body.id}`, { token: b });
    expect(r.status).toBe(404);
    expect((await w.request('GET', '/api/v1/me', { token: t.body.token })).status).toBe(200);
  });
});

describe('accounts', () => {
  it('only the operator creates them; passwords need 12 characters; emails are unique', async () => {
    const admin = await w.adminToken();
    const someone = await w.user('ivan@acme.test');
    const byUser = await w.request('POST', '/api/v1/users', {
      token: someone,
      body: { email: 'x@acme.test', name: 'X', password: PASSWORD },
    });
    expect(byUser.status).toBe(403);
    expect(byUser.body.error.message).toBe('only the operator can create accounts');
    const short = await w.request('POST', '/api/v1/users', {
      token: admin,
      body: { email: 'x@acme.test', name: 'X', password: 'short' },
    });
    expect(short.status).toBe(400);
    expect(short.body.error.message).toMatch(/at least 12/);
    const dup = await w.request('POST', '/api/v1/users', {
      token: admin,
      body: { email: 'IVAN@acme.test', name: 'I', password: PASSWORD },
    });
    expect(dup.status).toBe(409);
    const bad = await w.request('POST', '/api/v1/users', {
      token: admin,
      body: { email: 'not-an-email', name: 'X', password: PASSWORD },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/^body\.email/);
  });

  it('stores passwords as argon2id and tokens only as digests', async () => {
    const admin = await w.adminToken();
    const { Client } = (await import('pg')).default;
    const c = new Client({ host: `${w.home}/control/run`, user: 'ward_app', database: 'ward' });
    await c.connect();
    try {
      const { rows } = await c.query("SELECT password_hash FROM ward.users WHERE email = 'admin@localhost'");
      expect(rows[0].password_hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
      const tokens = await c.query('SELECT encode(digest, $1) AS d FROM ward.tokens', ['escape']);
      for (const t of tokens.rows) expect(t.d).not.toContain(admin.slice(9, 30));
    } finally {
      await c.end();
    }
  });
});

describe('Ward log', () => {
  it('never contains a password or a token', async () => {
    const token = await w.adminToken();
    await w.request('GET', '/api/v1/me', { token });
    const log = await w.log();
    expect(log.length).toBeGreaterThan(100);
    expect(log).not.toContain(w.adminPassword);
    expect(log).not.toContain(token);
    expect(log).not.toContain(PASSWORD);
  });
});
