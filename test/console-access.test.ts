/**
 * The identity and access pages of the web console in a real browser against a real Ward:
 * enrolling MFA when the org requires it (QR code, recovery codes), signing in with a code,
 * members, the session policy and its idle warning, service accounts and their one-time token,
 * project access, break-glass review and an access review.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, orgWithRoles, totpAt } from './support/access.js';
import { expectNoAxeViolations, openBrowser } from './support/browser.js';
import { PASSWORD, startTestWard, type TestWard } from './support/ward.js';

let ward: TestWard;
let closeBrowser: (() => Promise<void>) | undefined;
let page: Page;
let secret: string;
let projectId: string;
let problems: string[] = [];

beforeAll(async () => {
  ward = await startTestWard();
  const { tokens } = await orgWithRoles(ward, 'acme');
  // The project first: once the org requires MFA, the owner (not enrolled yet) may only enroll.
  const p = await call(ward, 'POST', '/api/v1/orgs/acme/projects', {
    token: tokens.owner,
    body: { name: 'records', region_id: 'local' },
  });
  expect(p.status).toBe(201);
  projectId = p.body.id;
  await call(ward, 'PATCH', '/api/v1/orgs/acme', {
    token: tokens.owner,
    body: { settings: { require_mfa: true } },
  });
  await ward.user('newbie@acme.test');
  ({ page, problems, close: closeBrowser } = await openBrowser(ward.url));
}, 120_000);

afterAll(async () => {
  await closeBrowser?.();
  await ward?.stop();
});

async function signIn(email: string, code?: string) {
  await page.goto('/');
  await page.getByRole('heading', { name: 'Sign in to Ward' }).waitFor();
  await page.getByLabel('Email').fill(email);
  await page.getByRole('textbox', { name: 'Password' }).fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  if (code) {
    // In words a person understands, not the API's "… as totp".
    const step = page.getByRole('alert').filter({ hasText: 'One more step' });
    await expect(step.textContent()).resolves.toBe(
      'One more stepEnter the 6-digit code from your authenticator app, or one of your recovery codes.',
    );
    await expectNoAxeViolations(page);
    await page.getByLabel('Authentication code').fill(code);
    await page.getByRole('button', { name: 'Sign in' }).click();
  }
}

describe('console: identity and access', () => {
  it('lets a member of an org that requires MFA do nothing but enroll, with a QR code and recovery codes', async () => {
    await signIn('owner@acme.test');
    await page.getByRole('heading', { name: 'Set up two-step verification' }).waitFor();
    await page.getByRole('button', { name: 'Set up an authenticator app' }).click();
    await page.getByRole('img', { name: 'QR code for your authenticator app' }).waitFor();
    secret = (await page.getByTestId('totp-secret').textContent()) ?? '';
    await page.getByLabel('Code from the app').fill('000000');
    await page.getByRole('button', { name: 'Turn on two-step verification' }).click();
    await page.getByRole('alert').filter({ hasText: 'does not match' }).waitFor();
    await page.getByLabel('Code from the app').fill(await totpAt(secret));
    await page.getByRole('button', { name: 'Turn on two-step verification' }).click();
    const codes = page.getByRole('list', { name: 'Recovery codes' }).getByRole('listitem');
    await codes.first().waitFor();
    expect(await codes.count()).toBe(10);
    await expectNoAxeViolations(page);
    await page.getByRole('button', { name: 'I have saved them' }).click();
    await page.getByRole('heading', { name: 'Organizations', level: 1 }).waitFor();
  });

  it('signs in with the authenticator code the next time', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await signIn('owner@acme.test', await totpAt(secret, 1));
    await page.getByRole('heading', { name: 'Organizations', level: 1 }).waitFor();
  });

  it('manages members: add, change a role, remove', async () => {
    await page.goto('/orgs/acme/members');
    const table = page.getByRole('table', { name: 'Members' });
    await table.getByRole('row', { name: /developer@acme\.test/ }).waitFor();
    await page.getByLabel('Member email').fill('newbie@acme.test');
    await page.getByRole('button', { name: 'Add member' }).click();
    await table.getByRole('row', { name: /newbie@acme\.test/ }).waitFor();
    await page.getByLabel('Role of newbie@acme.test').selectOption('auditor');
    await expect
      .poll(
        async () =>
          (
            await call(ward, 'GET', '/api/v1/orgs/acme/members', { token: await ward.adminToken() })
          ).body.members.find((m: any) => m.email === 'newbie@acme.test')?.role,
      )
      .toBe('auditor');
    await page.getByRole('button', { name: 'Remove newbie@acme.test' }).click();
    await table.getByRole('row', { name: /newbie@acme\.test/ }).waitFor({ state: 'detached' });
    await page.getByRole('button', { name: 'Remove owner@acme.test' }).click();
    await page.getByRole('alert').filter({ hasText: 'would have no owner left' }).waitFor();
    await expectNoAxeViolations(page);
  });

  it('creates a service account and shows its scoped token once', async () => {
    await page.goto('/orgs/acme/service-accounts');
    await page.getByLabel('Service account name').fill('deployer');
    await page.getByRole('button', { name: 'Create service account' }).click();
    await page.getByRole('heading', { name: 'deployer' }).waitFor();
    await page.getByLabel('Token name').fill('ci');
    await page.getByRole('button', { name: 'Create token' }).click();
    const token = (await page.getByTestId('new-token').textContent()) ?? '';
    expect(token).toMatch(/^ward_sat_/);
    expect((await call(ward, 'GET', '/api/v1/orgs/acme/projects', { token })).status).toBe(200);
  });

  it('creates a personal token narrowed to db:connect on the account page, and lists its scope', async () => {
    await page.goto('/account');
    await page.getByLabel('Token name').fill('notebook');
    await page.getByRole('checkbox', { name: 'db:connect' }).check();
    await page.getByRole('button', { name: 'Create personal token' }).click();
    const token = (await page.getByTestId('personal-token').textContent()) ?? '';
    expect(token).toMatch(/^ward_pat_/);
    const mine = await call(ward, 'GET', '/api/v1/tokens', { token });
    // A db:connect token may open databases, and nothing else of the API.
    expect(mine.status).toBe(403);
    const table = page.getByRole('table', { name: 'Personal API tokens' });
    await table.getByRole('row', { name: /notebook db:connect/ }).waitFor();
    await expectNoAxeViolations(page);
  });

  it('shows who can reach a project and grants a role', async () => {
    await page.goto(`/projects/${projectId}`);
    const access = page.getByRole('table', { name: 'Project access' });
    await access.getByRole('row', { name: /member@acme\.test\s*member\s*none/ }).waitFor();
    await page.getByLabel('Grant to (email)').fill('member@acme.test');
    await page.getByLabel('Project role', { exact: true }).selectOption('readwrite');
    await page.getByRole('button', { name: 'Grant', exact: true }).click();
    await access
      .getByRole('row', { name: /member@acme\.test\s*member\s*none/ })
      .waitFor({ state: 'detached' })
      .catch(() => undefined);
    await page.getByRole('button', { name: 'Revoke grant of member@acme.test' }).waitFor();
    await expectNoAxeViolations(page);
  });

  it('reviews break-glass access that an admin used', async () => {
    const admin = await call(ward, 'POST', '/api/v1/auth/login', {
      body: { email: 'admin@acme.test', password: PASSWORD },
    });
    const enroll = await call(ward, 'POST', '/api/v1/auth/mfa/totp', { token: admin.body.token });
    await call(ward, 'POST', '/api/v1/auth/mfa/totp/verify', {
      token: admin.body.token,
      body: { code: await totpAt(enroll.body.secret) },
    });
    // Narrow the admin to read-only on this project (as an owner would), so break-glass adds something.
    const adminId = (await call(ward, 'GET', '/api/v1/me', { token: admin.body.token })).body.id;
    await ward.ward.services.db
      .insertInto('project_grants')
      .values({ project_id: projectId, user_id: adminId, role: 'readonly', granted_by: null })
      .execute();
    const bg = await call(ward, 'POST', `/api/v1/projects/${projectId}/break-glass`, {
      token: admin.body.token,
      body: { reason: 'restore a dropped table, ticket 7', role: 'owner' },
    });
    expect(bg.status).toBe(201);
    await page.goto('/orgs/acme/break-glass');
    const row = page
      .getByRole('table', { name: 'Break-glass access' })
      .getByRole('row', { name: /admin@acme\.test/ });
    await row.getByText('needs review').waitFor();
    await page.getByLabel('Review note for admin@acme.test').fill('confirmed with the on-call lead');
    await page.getByRole('button', { name: 'Mark reviewed' }).click();
    await row.getByText('Reviewed: confirmed with the on-call lead').waitFor();
    await expectNoAxeViolations(page);
  });

  it('runs an access review to completion and shows its evidence hash', async () => {
    await page.goto('/orgs/acme/access-reviews');
    await page.getByRole('button', { name: 'Start an access review' }).click();
    await page.getByRole('table', { name: 'Access under review' }).waitFor();
    const review = { id: new URL(page.url()).pathname.split('/').pop() };
    const owner = (await page.context().cookies()).find((c) => c.name === 'ward_session')?.value ?? '';
    await page.getByRole('button', { name: 'Keep member@acme.test' }).click();
    await page.getByRole('button', { name: 'Revoke developer@acme.test' }).click();
    await page.getByRole('button', { name: 'Keep developer@acme.test' }).waitFor({ state: 'detached' });
    // The rest through the API, as another tab of the same owner would.
    const full = (await call(ward, 'GET', `/api/v1/orgs/acme/access-reviews/${review.id}`, { token: owner }))
      .body;
    for (const item of full.items.filter((i: any) => !i.decision))
      await call(ward, 'POST', `/api/v1/orgs/acme/access-reviews/${review.id}/items/${item.subject_id}`, {
        token: owner,
        body: { decision: 'keep' },
      });
    await page.reload();
    await page.getByRole('button', { name: 'Complete the review' }).click();
    await page
      .getByRole('status')
      .filter({ hasText: /Evidence SHA-256: [0-9a-f]{64}/ })
      .waitFor();
    await expectNoAxeViolations(page);
  });

  it('sets the session policy, warns a minute before the idle limit, and signs out at it', async () => {
    await page.goto('/orgs/acme/settings');
    await page.getByLabel('Idle timeout (minutes)').fill('5');
    await page.getByRole('button', { name: 'Save session policy' }).click();
    await page.getByRole('status').filter({ hasText: 'Saved' }).waitFor();
    await expectNoAxeViolations(page);
    await page.clock.install();
    await page.goto('/orgs');
    await page.getByRole('heading', { name: 'Organizations', level: 1 }).waitFor();
    await page.clock.fastForward('04:05');
    const dialog = page.getByRole('dialog', { name: 'Still there?' });
    await dialog.waitFor();
    await dialog.getByRole('button', { name: 'Stay signed in' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await page.clock.fastForward('05:05');
    await page.getByRole('heading', { name: 'Sign in to Ward' }).waitFor();
    expect(problems).toEqual([]);
  });
});
