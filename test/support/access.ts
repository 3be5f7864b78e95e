/**
 * Helpers for the identity and access tests: in-process requests (Fastify's inject, so a test
 * can come from any client address and walk many routes fast), people with roles in an org,
 * direct looks into the control database, and TOTP codes.
 */
import { sql } from 'kysely';
import { currentTotp } from '../../src/identity/totp.js';
import { PASSWORD, type TestWard } from './ward.js';

export interface Answer<T = any> {
  status: number;
  body: T;
  headers: Record<string, unknown>;
}

export async function call<T = any>(
  w: TestWard,
  method: string,
  url: string,
  opts: { token?: string; body?: unknown; ip?: string; headers?: Record<string, string> } = {},
): Promise<Answer<T>> {
  const res = await w.ward.app.inject({
    method: method as 'GET',
    url,
    remoteAddress: opts.ip ?? '127.0.0.1',
    headers: {
      ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}),
      ...(opts.body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...opts.headers,
    },
    ...(opts.body !== undefined ? { payload: JSON.stringify(opts.body) } : {}),
  });
  let body: unknown = res.body;
  try {
    body = res.body ? JSON.parse(res.body) : undefined;
  } catch {
    // not JSON
  }
  return { status: res.statusCode, body: body as T, headers: res.headers };
}

/** Signs in (optionally with a TOTP code) and returns the session token. */
export async function signIn(w: TestWard, email: string, totp?: string, ip?: string): Promise<string> {
  const r = await call(w, 'POST', '/api/v1/auth/login', { body: { email, password: PASSWORD, totp }, ip });
  if (r.status !== 200) throw new Error(`sign-in ${email}: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body.token;
}

/** An org owned by `owner` with one account per role; returns their session tokens and ids. */
export async function orgWithRoles(w: TestWard, org: string) {
  const tokens: Record<string, string> = {};
  const ids: Record<string, string> = {};
  const admin = await w.adminToken();
  for (const role of ['owner', 'admin', 'developer', 'auditor', 'member'] as const) {
    const email = `${role}@${org}.test`;
    tokens[role] = await w.user(email);
    ids[role] = (await call(w, 'GET', '/api/v1/me', { token: tokens[role] })).body.id;
    if (role === 'owner') {
      const r = await call(w, 'POST', '/api/v1/orgs', { token: tokens.owner, body: { name: org } });
      if (r.status !== 201) throw new Error(`org ${org}: ${JSON.stringify(r.body)}`);
    } else {
      const r = await call(w, 'POST', `/api/v1/orgs/${org}/members`, {
        token: tokens.owner,
        body: { email, role },
      });
      if (r.status !== 201) throw new Error(`member ${email}: ${JSON.stringify(r.body)}`);
    }
  }
  void admin;
  return { tokens, ids };
}

/** Turns on TOTP for the person behind `token` (and marks that session as MFA). */
export async function enrollTotp(w: TestWard, token: string): Promise<string> {
  const start = await call(w, 'POST', '/api/v1/auth/mfa/totp', { token });
  if (start.status !== 201) throw new Error(`enroll: ${JSON.stringify(start.body)}`);
  const done = await call(w, 'POST', '/api/v1/auth/mfa/totp/verify', {
    token,
    body: { code: await totpAt(start.body.secret) },
  });
  if (done.status !== 200) throw new Error(`confirm: ${JSON.stringify(done.body)}`);
  return start.body.secret;
}

export async function setHipaa(w: TestWard, org: string): Promise<void> {
  await w.ward.services.db
    .updateTable('orgs')
    .set({ hipaa_enabled: true, plan: 'enterprise' })
    .where('name', '=', org)
    .execute();
}

export async function events(w: TestWard, action: string, chain?: string) {
  const rows = await w.ward.services.db
    .selectFrom('audit_log')
    .select(['chain_id', 'action', 'outcome', 'body'])
    .where('action', '=', action)
    .$if(chain !== undefined, (q) => q.where('chain_id', '=', chain as string))
    .orderBy('time')
    .execute();
  // What an event says is its hashed record.
  return rows.map(({ body, ...r }) => {
    const e = JSON.parse(body);
    return { ...r, actor: e.actor, target: e.target, details: e.details };
  });
}

export async function orgId(w: TestWard, name: string): Promise<string> {
  return (
    await w.ward.services.db
      .selectFrom('orgs')
      .select('id')
      .where('name', '=', name)
      .executeTakeFirstOrThrow()
  ).id;
}

/** A TOTP code for `secret` at a given 30-second step offset from now. */
export const totpAt = (secret: string, steps = 0): Promise<string> =>
  currentTotp(secret, Math.floor(Date.now() / 1000) + steps * 30);

/** Moves a token's clock back, as if it had been idle or old for `minutes`. */
export async function ageToken(w: TestWard, token: string, minutes: { idle?: number; age?: number }) {
  const { tokenDigest } = await import('../../src/identity/tokens.js');
  const digest = tokenDigest(token);
  if (!digest) throw new Error('not a token');
  await sql`UPDATE ward.tokens SET
      last_used_at = now() - make_interval(mins => ${minutes.idle ?? 0}),
      created_at = now() - make_interval(mins => ${minutes.age ?? minutes.idle ?? 0})
    WHERE digest = ${digest}`.execute(w.ward.services.db);
}
