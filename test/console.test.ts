/**
 * The web console in a real browser (Debian's chromium through playwright-core) against a real
 * Ward: sign in with the httpOnly cookie session, create an org and a project through the forms,
 * watch the project go from provisioning to running, see the API's own error messages, delete the
 * project, sign out. The global setup builds the console bundle when its sources changed.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestWard, type TestWard } from './support/ward.js';

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

describe('web console', () => {
  let ward: TestWard;
  let profile: string;
  let context: BrowserContext;
  let page: Page;
  const problems: string[] = [];

  beforeAll(async () => {
    ward = await startTestWard();
    const index = await ward.request('GET', '/');
    if (index.status !== 200 || !String(index.body).includes('<div id="root">')) {
      throw new Error(
        `Ward does not serve the console: GET / answered ${index.status} ${JSON.stringify(index.body)}`,
      );
    }
    profile = await mkdtemp(join(tmpdir(), 'ward-chromium-'));
    context = await chromium.launchPersistentContext(profile, {
      executablePath: '/usr/bin/chromium',
      headless: true,
      args: CHROMIUM_ARGS,
      baseURL: ward.url,
    });
    context.setDefaultTimeout(10_000);
    page = context.pages()[0] ?? (await context.newPage());
    page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
    page.on('console', (msg) => {
      if (/Content Security Policy|Refused to/i.test(msg.text())) problems.push(`console: ${msg.text()}`);
    });
  });

  afterAll(async () => {
    await context?.close();
    await ward?.stop();
    if (profile) await rm(profile, { recursive: true, force: true });
  });

  it('signs in with an httpOnly session cookie, after showing the API error for a wrong password', async () => {
    await page.goto('/');
    await page.getByRole('heading', { name: 'Sign in to Ward' }).waitFor();

    await page.getByLabel('Email').fill('admin@localhost');
    await page.getByRole('textbox', { name: 'Password' }).fill('not the password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').filter({ hasText: 'email or password is incorrect' }).waitFor();

    await page.getByRole('textbox', { name: 'Password' }).fill(ward.adminPassword);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Organizations', level: 1 }).waitFor();

    const cookies = await context.cookies(ward.url);
    const session = cookies.find((c) => c.name === 'ward_session');
    const csrf = cookies.find((c) => c.name === 'ward_csrf');
    expect(session?.httpOnly).toBe(true);
    expect(session?.sameSite).toBe('Strict');
    expect(csrf?.httpOnly).toBe(false);
    expect(await page.evaluate('localStorage.length + sessionStorage.length')).toBe(0);
  });

  it('creates an organization, after showing the API error for a bad name', async () => {
    const name = page.getByLabel('Organization name');
    await name.fill('Acme Health');
    await page.getByRole('button', { name: 'Create organization' }).click();
    await page.getByRole('alert').filter({ hasText: 'lowercase letters, digits and dashes' }).waitFor();

    await name.fill('acme-health');
    await page.getByRole('button', { name: 'Create organization' }).click();
    await page.getByRole('heading', { name: 'acme-health', level: 1 }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/orgs/acme-health');
    await page.getByText('HIPAA not enabled').waitFor();
  });

  it('offers HIPAA choices only disabled, with the reason, when the org has no HIPAA', async () => {
    // Native <optgroup>s: Standard and HIPAA compliant; the HIPAA region is there, disabled, with the reason.
    const region = page.getByLabel('Region');
    const hipaaRegion = region
      .locator('optgroup[label="HIPAA compliant"]')
      .getByRole('option', { name: /HIPAA must be enabled for this organization/ });
    expect(await hipaaRegion.isDisabled()).toBe(true);
    expect(await region.locator('optgroup[label="Standard"] option').count()).toBe(1);
    expect(await page.getByRole('radio', { name: 'HIPAA' }).isDisabled()).toBe(true);
    expect(await page.getByRole('radio', { name: 'Standard' }).isChecked()).toBe(true);
  });

  it('creates a project and shows it provisioning, then running, without a reload', async () => {
    await page.getByLabel('Project name').fill('records');
    await page.getByLabel('Region').selectOption('local');
    await page.getByRole('button', { name: 'Create project' }).click();
    await page.waitForURL(/\/projects\/prj_[a-z2-7]{16}$/);

    const status = page.getByRole('status');
    expect(await status.textContent()).toContain('provisioning');
    await status.filter({ hasText: 'running' }).waitFor({ timeout: 20_000 });
    await page.getByRole('heading', { name: 'records', level: 1 }).waitFor();
    const details = page.getByRole('table', { name: 'Project details' });
    await details.getByRole('row', { name: /Cluster state\s*running/ }).waitFor();
    await details.getByRole('row', { name: /Restarts\s*0/ }).waitFor();
    await details.getByRole('row', { name: /Audit log level\s*standard/ }).waitFor();
  });

  it('shows the API error for a duplicate project name', async () => {
    await page.getByRole('link', { name: '← acme-health' }).click();
    await page.getByRole('heading', { name: 'acme-health', level: 1 }).waitFor();
    await page
      .getByRole('table', { name: 'Projects' })
      .getByRole('row', { name: /records.*running/ })
      .waitFor();

    await page.getByLabel('Project name').fill('records');
    await page.getByRole('button', { name: 'Create project' }).click();
    await page.getByRole('alert').filter({ hasText: "already has a project named 'records'" }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/orgs/acme-health');
  });

  it('deletes the project after a confirmation dialog', async () => {
    await page.getByRole('table', { name: 'Projects' }).getByRole('link', { name: 'records' }).click();
    await page.getByRole('button', { name: 'Delete project' }).click();
    const dialog = page.getByRole('dialog', { name: 'Delete project records?' });
    await dialog.getByRole('button', { name: 'Delete records' }).click();

    await page
      .getByRole('status')
      .filter({ hasText: 'Project records was deleted.' })
      .waitFor({ timeout: 20_000 });
    await page.getByText('No projects yet').waitFor();
  });

  it('signs out, and the session cookie is gone', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign in to Ward' }).waitFor();
    const names = (await context.cookies(ward.url)).map((c) => c.name);
    expect(names).not.toContain('ward_session');
    expect(problems).toEqual([]);
  });
});
