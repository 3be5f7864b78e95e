/**
 * Sign-in defences, two-step verification and the session policy against a real Ward: each
 * attack is refused with a clear error and leaves an audit event.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ageToken, call, events, orgWithRoles, setHipaa, signIn, totpAt } from './support/access.js';
import { PASSWORD, startTestWard, type TestWard } from './support/ward.js';

let w: TestWard;
beforeAll(async () => {
  w = await startTestWard({ lockout: { max_failures: 5, minutes: 15, address_max_failures: 10 } });
});
afterAll(() => w?.stop());

/** A verified token is remembered for up to a second (identity/principal-cache.ts). */
const settle = () => new Promise((r) => setTimeout(r, 1100));

const login = (email: string, password: string, ip: string, totp?: string) =>
  call(w, 'POST', '/api/v1/auth/login', { body: { email, password, ...(totp ? { totp } : {}) }, ip });

describe('passwords', () => {
  it('refuse common ones and anything under 12 or over 128 characters, with no composition rules', async () => {
    const admin = await w.adminToken();
    const make = (password: string) =>
      call(w, 'POST', '/api/v1/users', {
        token: admin,
        body: { email: `p${password.length}@x.test`, name: 'P', password },
      });
    const common = await make('qwertyuiop123');
    expect(common.status).toBe(400);
    expect(common.body.error.message).toMatch(/commonly used passwords/);
    expect((await make('a'.repeat(11))).body.error.message).toMatch(/has 11 characters; use at least 12/);
    expect((await make('a'.repeat(129))).body.error.message).toMatch(/use at most 128/);
    expect((await make('all lowercase words here')).status).toBe(201);
  });
});

describe('brute force and password spraying', () => {
  it('locks a client address that fails across many accounts, even for a right password', async () => {
    await w.user('victim@spray.test');
    const ip = '10.9.8.7';
    for (let i = 0; i < 10; i++)
      expect((await login(`nobody${i}@spray.test`, 'Summer2024!!', ip)).status).toBe(401);
    const r = await login('victim@spray.test', PASSWORD, ip);
    expect(r.status).toBe(429);
    expect(r.body.error.message).toMatch(/too many failed sign-ins from your network address/);
    expect((await login('victim@spray.test', PASSWORD, '10.9.8.8')).status).toBe(200);
    const refused = (await events(w, 'auth.login.failure')).filter(
      (e) => (e.actor as { ip?: string }).ip === ip,
    );
    expect(refused.map((e) => (e.details as { reason: string }).reason)).toContain('address_locked');
  });

  it('locks an account for good after 100 consecutive failures, until the operator unlocks it', async () => {
    await w.user('target@brute.test');
    await w.ward.services.db
      .insertInto('sign_in_failures')
      .values({ email: 'target@brute.test', failures: 99, last_failure_at: new Date(), locked_until: null })
      .execute();
    expect((await login('target@brute.test', 'wrong password!', '10.1.0.1')).status).toBe(401);
    const locked = await login('target@brute.test', PASSWORD, '10.1.0.2');
    expect(locked.status).toBe(429);
    expect(locked.body.error.message).toMatch(
      /locked after 100 consecutive failed sign-ins; the operator can unlock it/,
    );
    const id = (
      await w.ward.services.db
        .selectFrom('users')
        .select('id')
        .where('email', '=', 'target@brute.test')
        .executeTakeFirstOrThrow()
    ).id;
    const nobody = await w.user('nobody@brute.test');
    expect((await call(w, 'POST', `/api/v1/users/${id}/unlock`, { token: nobody })).status).toBe(403);
    expect(
      (await call(w, 'POST', `/api/v1/users/${id}/unlock`, { token: await w.adminToken() })).status,
    ).toBe(200);
    expect((await login('target@brute.test', PASSWORD, '10.1.0.3')).status).toBe(200);
    expect((await events(w, 'user.unlock')).length).toBe(1);
  });

  it('answers an unknown address and a wrong password alike, in about the same time', async () => {
    await w.user('known@timing.test');
    const time = async (email: string, i: number) => {
      const t0 = performance.now();
      const r = await login(email, 'definitely wrong', `10.2.0.${i}`);
      return { ms: performance.now() - t0, body: r.body, status: r.status };
    };
    const known: number[] = [];
    const unknown: number[] = [];
    // Four tries each: a fifth failure in a row would lock the known account.
    for (let i = 0; i < 4; i++) {
      const a = await time('known@timing.test', i);
      const b = await time(`unknown${i}@timing.test`, 100 + i);
      expect(a.status).toBe(b.status);
      expect(a.body).toEqual(b.body);
      known.push(a.ms);
      unknown.push(b.ms);
    }
    const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)] as number;
    const ratio = median(known) / median(unknown);
    // Both do one argon2id verification (~tens of ms); a lookup that skipped it would be far off.
    expect(ratio).toBeGreaterThan(1 / 3);
    expect(ratio).toBeLessThan(3);
  });
});

describe('two-step verification (TOTP)', () => {
  let token: string;
  let secret: string;
  let recovery: string[];

  it('enrolls with a QR code and a first code, and hands out ten recovery codes once', async () => {
    token = await w.user('mfa@acme.test');
    const start = await call(w, 'POST', '/api/v1/auth/mfa/totp', { token });
    expect(start.status).toBe(201);
    expect(start.body.otpauth_uri).toMatch(/^otpauth:\/\/totp\/Ward:mfa%40acme\.test\?secret=/);
    expect(start.body.qr_svg).toMatch(/^<svg/);
    secret = start.body.secret;
    const wrong = await call(w, 'POST', '/api/v1/auth/mfa/totp/verify', { token, body: { code: '000000' } });
    expect(wrong.status).toBe(400);
    const ok = await call(w, 'POST', '/api/v1/auth/mfa/totp/verify', {
      token,
      body: { code: await totpAt(secret) },
    });
    expect(ok.status).toBe(200);
    recovery = ok.body.recovery_codes;
    expect(recovery).toHaveLength(10);
    expect(new Set(recovery).size).toBe(10);
    const stored = await w.ward.services.db
      .selectFrom('user_totp')
      .select('secret')
      .executeTakeFirstOrThrow();
    expect(stored.secret.toString('latin1')).not.toContain(secret);
    expect((await call(w, 'GET', '/api/v1/auth/mfa', { token })).body).toMatchObject({
      totp: 'enabled',
      recovery_codes_left: 10,
    });
  });

  it('then signs in only with a code, refuses a code replayed in its window, and spends recovery codes once', async () => {
    const without = await login('mfa@acme.test', PASSWORD, '10.3.0.1');
    expect(without.status).toBe(401);
    expect(without.body.error.reason).toBe('mfa_required');
    const code = await totpAt(secret, 1);
    expect((await login('mfa@acme.test', PASSWORD, '10.3.0.1', code)).status).toBe(200);
    const replay = await login('mfa@acme.test', PASSWORD, '10.3.0.1', code);
    expect(replay.status).toBe(401);
    expect(replay.body.error.message).toMatch(/already used/);
    const earlier = await login('mfa@acme.test', PASSWORD, '10.3.0.1', await totpAt(secret, 0));
    expect(earlier.status).toBe(401);
    const reasons = (await events(w, 'auth.login.failure')).map(
      (e) => (e.details as { reason: string }).reason,
    );
    expect(reasons).toContain('totp_replayed');
    expect(reasons).toContain('mfa_required');
    const rc = recovery[0] as string;
    expect((await login('mfa@acme.test', PASSWORD, '10.3.0.2', rc.toUpperCase())).status).toBe(200);
    expect((await login('mfa@acme.test', PASSWORD, '10.3.0.2', rc)).status).toBe(401);
    const after = await login('mfa@acme.test', PASSWORD, '10.3.0.2', recovery[1]);
    expect(after.status).toBe(200);
    expect((await call(w, 'GET', '/api/v1/auth/session', { token: after.body.token })).body.mfa).toBe(true);
  });
});

describe('an org that requires MFA', () => {
  it('lets a member without MFA do nothing but enroll, then everything their role allows', async () => {
    const { tokens } = await orgWithRoles(w, 'strict');
    const owner = tokens.owner as string;
    const dev = tokens.developer as string;
    const set = await call(w, 'PATCH', '/api/v1/orgs/strict', {
      token: owner,
      body: { settings: { require_mfa: true } },
    });
    expect(set.status).toBe(200);
    await settle();
    const refused = await call(w, 'GET', '/api/v1/orgs/strict', { token: dev });
    expect(refused.status).toBe(403);
    expect(refused.body.error.reason).toBe('mfa_enrollment_required');
    expect((await call(w, 'GET', '/api/v1/orgs', { token: dev })).status).toBe(403);
    expect((await call(w, 'GET', '/api/v1/auth/session', { token: dev })).body).toMatchObject({
      mfa: false,
      mfa_required: true,
    });
    const denied = await events(w, 'access.denied');
    expect(denied.some((e) => (e.details as { reason: string }).reason === 'mfa_enrollment_required')).toBe(
      true,
    );
    const start = await call(w, 'POST', '/api/v1/auth/mfa/totp', { token: dev });
    expect(start.status).toBe(201);
    const code = await totpAt(start.body.secret);
    expect(
      (await call(w, 'POST', '/api/v1/auth/mfa/totp/verify', { token: dev, body: { code } })).status,
    ).toBe(200);
    expect((await call(w, 'GET', '/api/v1/orgs/strict', { token: dev })).status).toBe(200);
    const off = await call(w, 'DELETE', '/api/v1/auth/mfa/totp', {
      token: dev,
      body: { code: await totpAt(start.body.secret, 1) },
    });
    expect(off.status).toBe(409);
    expect(off.body.error.message).toMatch(/requires two-step verification, so it cannot be removed/);
  });

  it('is always the case with HIPAA enabled', async () => {
    const owner = await w.user('owner@hip.test');
    await call(w, 'POST', '/api/v1/orgs', { token: owner, body: { name: 'hip' } });
    await setHipaa(w, 'hip');
    await settle();
    const r = await call(w, 'PATCH', '/api/v1/orgs/hip', {
      token: owner,
      body: { settings: { require_mfa: false } },
    });
    expect(r.status).toBe(403);
    expect(r.body.error.reason).toBe('mfa_enrollment_required');
    const start = await call(w, 'POST', '/api/v1/auth/mfa/totp', { token: owner });
    await call(w, 'POST', '/api/v1/auth/mfa/totp/verify', {
      token: owner,
      body: { code: await totpAt(start.body.secret) },
    });
    const off = await call(w, 'PATCH', '/api/v1/orgs/hip', {
      token: owner,
      body: { settings: { require_mfa: false } },
    });
    expect(off.status).toBe(409);
    expect(off.body.error.message).toBe(
      "'hip' has HIPAA enabled, which always requires two-step verification",
    );
  });
});

describe('session policy', () => {
  it('is set by owners and admins within 5–60 idle minutes and 1–24 absolute hours', async () => {
    const { tokens } = await orgWithRoles(w, 'policy');
    const bad = await call(w, 'PATCH', '/api/v1/orgs/policy', {
      token: tokens.admin,
      body: { settings: { session_idle_minutes: 3 } },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/session_idle_minutes/);
    const dev = await call(w, 'PATCH', '/api/v1/orgs/policy', {
      token: tokens.developer,
      body: { settings: { session_idle_minutes: 10 } },
    });
    expect(dev.status).toBe(403);
    const ok = await call(w, 'PATCH', '/api/v1/orgs/policy', {
      token: tokens.admin,
      body: { settings: { session_idle_minutes: 10, session_absolute_hours: 2 } },
    });
    expect(ok.status).toBe(200);
    expect(ok.body.settings).toMatchObject({ session_idle_minutes: 10, session_absolute_hours: 2 });
  });

  it('ends an idle session and an old one, for sessions already open, with an audit event', async () => {
    const r = await login('member@policy.test', PASSWORD, '10.4.0.1');
    expect(Date.parse(r.body.expires_at) - Date.now()).toBeLessThanOrEqual(2 * 3600_000);
    expect(r.body.idle_minutes).toBe(10);
    const session = await call(w, 'GET', '/api/v1/auth/session', { token: r.body.token });
    expect(session.body.idle_minutes).toBe(10);

    const idle = await signIn(w, 'member@policy.test', undefined, '10.4.0.2');
    await ageToken(w, idle, { idle: 11 });
    const gone = await call(w, 'GET', '/api/v1/me', { token: idle });
    expect(gone.status).toBe(401);
    expect(gone.body.error.message).toBe(
      'this session ended after 10 minutes without activity; sign in again',
    );
    const active = await signIn(w, 'member@policy.test', undefined, '10.4.0.3');
    await ageToken(w, active, { idle: 9 });
    expect((await call(w, 'GET', '/api/v1/me', { token: active })).status).toBe(200);

    const old = await signIn(w, 'member@policy.test', undefined, '10.4.0.4');
    await ageToken(w, old, { idle: 1, age: 121 });
    const expired = await call(w, 'GET', '/api/v1/me', { token: old });
    expect(expired.status).toBe(401);
    expect(expired.body.error.message).toMatch(/expired/);
    const timeouts = await events(w, 'auth.session.timeout');
    expect(timeouts.map((e) => (e.details as { reason: string }).reason).sort()).toEqual([
      'absolute',
      'idle',
    ]);
  });

  it('defaults to 15 idle minutes in a HIPAA org', async () => {
    const owner = await w.user('owner@hipidle.test');
    await call(w, 'POST', '/api/v1/orgs', { token: owner, body: { name: 'hipidle' } });
    await setHipaa(w, 'hipidle');
    const r = await login('owner@hipidle.test', PASSWORD, '10.5.0.1');
    expect(r.body.idle_minutes).toBe(15);
  });
});

describe('tokens and the cookie session under attack', () => {
  it('refuse revoked and expired tokens, and CSRF, each with an audit event', async () => {
    const session = await w.user('tok@attack.test');
    const t = await call(w, 'POST', '/api/v1/tokens', {
      token: session,
      body: { name: 'x', expires_in_days: 1 },
    });
    await call(w, 'DELETE', `/api/v1/tokens/${t.body.id}`, { token: session });
    const revoked = await call(w, 'GET', '/api/v1/me', { token: t.body.token });
    expect(revoked.status).toBe(401);
    const cookieLogin = await call(w, 'POST', '/api/v1/auth/login', {
      body: { email: 'tok@attack.test', password: PASSWORD, cookie: true },
      ip: '10.6.0.1',
    });
    const cookie = (cookieLogin.headers['set-cookie'] as string[]).map((c) => c.split(';')[0]).join('; ');
    const forged = await call(w, 'POST', '/api/v1/orgs', { headers: { cookie }, body: { name: 'forged' } });
    expect(forged.status).toBe(403);
    const reasons = (await events(w, 'access.denied')).map((e) => (e.details as { reason: string }).reason);
    expect(reasons).toContain('token_revoked');
    expect(reasons).toContain('csrf');
    const csrf = (await events(w, 'access.denied')).find((e) =>
      (e.details as { message: string }).message.includes('x-csrf-token'),
    );
    expect(csrf).toBeDefined();
  });
});
