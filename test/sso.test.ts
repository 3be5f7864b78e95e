/**
 * Single sign-on end to end: a real OpenID Connect provider (oidc-provider, started here on
 * loopback, its own login page), a real Ward, a real browser. The org's owner configures SSO and
 * requires it; a member signs in through the provider; passwords are refused; someone the
 * provider vouches for who is not a member is turned away with the reason on the sign-in page.
 */

import { createServer, type Server } from 'node:http';
import Provider from 'oidc-provider';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, events } from './support/access.js';
import { openBrowser } from './support/browser.js';
import { PASSWORD, startTestWard, type TestWard } from './support/ward.js';

const CLIENT_SECRET = 'a-client-secret-for-the-test-idp-0123456789';

let ward: TestWard;
let idp: Server;
let issuer: string;
let closeBrowser: (() => Promise<void>) | undefined;
let context: BrowserContext;
let page: Page;

async function startIdp(redirectUri: string): Promise<void> {
  idp = createServer();
  await new Promise<void>((r) => idp.listen(0, '127.0.0.1', r));
  issuer = `http://127.0.0.1:${(idp.address() as { port: number }).port}`;
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: 'ward',
        client_secret: CLIENT_SECRET,
        redirect_uris: [redirectUri],
        grant_types: ['authorization_code'],
        response_types: ['code'],
      },
    ],
    cookies: { keys: ['test-idp-cookie-key'] },
    claims: { openid: ['sub'], email: ['email', 'email_verified'] },
    // The test provider's own login page accepts any password: what is under test is Ward.
    findAccount: async (_ctx, id) => ({
      accountId: id,
      claims: async () => ({ sub: id, email: id, email_verified: true }),
    }),
    loadExistingGrant: async (ctx) => {
      const grant = new ctx.oidc.provider.Grant({
        clientId: ctx.oidc.client?.clientId,
        accountId: ctx.oidc.session?.accountId,
      });
      grant.addOIDCScope('openid email profile');
      grant.addOIDCClaims(['email', 'email_verified']);
      await grant.save();
      return grant;
    },
  });
  idp.on('request', provider.callback());
}

beforeAll(async () => {
  ward = await startTestWard();
  await startIdp(`${ward.url}/api/v1/auth/sso/callback`);
  const owner = await ward.user('owner@acme.test');
  await call(ward, 'POST', '/api/v1/orgs', { token: owner, body: { name: 'acme' } });
  await ward.user('dana@acme.test');
  await call(ward, 'POST', '/api/v1/orgs/acme/members', {
    token: owner,
    body: { email: 'dana@acme.test', role: 'developer' },
  });
  const sso = await call(ward, 'PUT', '/api/v1/orgs/acme/sso', {
    token: owner,
    body: {
      issuer,
      client_id: 'ward',
      client_secret: CLIENT_SECRET,
      email_domain: 'acme.test',
      require_sso: true,
    },
  });
  if (sso.status !== 200) throw new Error(`configure SSO: ${JSON.stringify(sso.body)}`);
  ({ context, page, close: closeBrowser } = await openBrowser(ward.url));
}, 120_000);

afterAll(async () => {
  await closeBrowser?.();
  idp?.close();
  await ward?.stop();
});

async function ssoSignIn(email: string) {
  // A fresh browser each time: no session left at the provider from the previous person.
  await context.clearCookies();
  await page.goto('/');
  await page.getByRole('heading', { name: 'Sign in to Ward' }).waitFor();
  await page.getByLabel('Email').fill(email);
  await page.getByRole('link', { name: 'Sign in with SSO' }).click();
  await page.waitForURL(`${issuer}/**`);
  await page.locator('input[name=login]').fill(email);
  await page.locator('input[name=password]').fill('whatever the provider asks');
  await page.getByRole('button', { name: 'Sign-in' }).click();
}

describe('single sign-on (OpenID Connect)', () => {
  it('keeps the client secret encrypted and shows the redirect URI to register', async () => {
    const row = await ward.ward.services.db
      .selectFrom('org_sso')
      .select('client_secret')
      .executeTakeFirstOrThrow();
    expect(row.client_secret.toString('latin1')).not.toContain(CLIENT_SECRET);
    const owner = await ward.login('owner@acme.test', PASSWORD).catch((e: Error) => e.message);
    expect(owner).toMatch(/requires single sign-on/);
  });

  it('signs a member in through the identity provider, into a cookie session', async () => {
    await ssoSignIn('dana@acme.test');
    await page.getByRole('heading', { name: 'Organizations', level: 1 }).waitFor();
    const cookies = await context.cookies(ward.url);
    const session = cookies.find((c) => c.name === 'ward_session');
    expect(session?.httpOnly).toBe(true);
    expect(session?.sameSite).toBe('Strict');
    const ok = (await events(ward, 'auth.login.success', 'operator')).filter(
      (e) => (e.details as { method: string }).method === 'sso',
    );
    expect(ok).toHaveLength(1);
    expect(ok[0]?.details).toMatchObject({ mfa: true });
    // The way to the CLI for someone whose org refuses passwords: a personal token.
    await page.goto('/account');
    await page.getByLabel('Token name').fill('laptop');
    await page.getByRole('button', { name: 'Create personal token' }).click();
    const token = (await page.getByTestId('personal-token').textContent()) ?? '';
    expect((await call(ward, 'GET', '/api/v1/me', { token })).body.email).toBe('dana@acme.test');
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign in to Ward' }).waitFor();
  });

  it('refuses the password of a member of an org that requires SSO, with the reason', async () => {
    const r = await call(ward, 'POST', '/api/v1/auth/login', {
      body: { email: 'dana@acme.test', password: PASSWORD },
    });
    expect(r.status).toBe(401);
    expect(r.body.error).toMatchObject({
      reason: 'sso_required',
      message: expect.stringMatching(/'acme' requires single sign-on/),
    });
  });

  it('turns away someone the provider vouches for who is not a member, and says why', async () => {
    await ssoSignIn('mallory@acme.test');
    await page.getByRole('heading', { name: 'Sign in to Ward' }).waitFor();
    await page.getByText("'mallory@acme.test' is not a member of the organization").waitFor();
    const refused = (await events(ward, 'auth.login.failure', 'operator')).filter(
      (e) => (e.details as { method: string }).method === 'sso',
    );
    expect(refused.map((e) => (e.details as { reason: string }).reason)).toEqual(['not_a_member']);
  });

  it('refuses a callback it did not start (forged or replayed state)', async () => {
    const r = await fetch(`${ward.url}/api/v1/auth/sso/callback?code=x&state=forged`, { redirect: 'manual' });
    expect(r.status).toBe(303);
    expect(decodeURIComponent(r.headers.get('location') ?? '')).toMatch(/unknown or expired/);
  });
});
