/**
 * The web console in a real browser (Debian's chromium through playwright-core) against a real
 * Ward: sign in with the httpOnly cookie session, create an org and a project through the forms,
 * watch the project go from provisioning to running, allow plaintext from loopback and see the
 * HIPAA tab warn of it, see the API's own error messages, delete the project, sign out. The global setup builds the console bundle when its sources changed.
 */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Browser, expectNoAxeViolations, openBrowser } from './support/browser.js';
import { startTestWard, type TestWard } from './support/ward.js';

describe('web console', () => {
  let ward: TestWard;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    ward = await startTestWard();
    const index = await ward.request('GET', '/');
    if (index.status !== 200 || !String(index.body).includes('<div id="root">')) {
      throw new Error(
        `Ward does not serve the console: GET / answered ${index.status} ${JSON.stringify(index.body)}`,
      );
    }
    browser = await openBrowser(ward.url);
    page = browser.page;
  });

  afterAll(async () => {
    await browser?.close();
    await ward?.stop();
  });

  it('signs in with an httpOnly session cookie, after showing the API error for a wrong password', async () => {
    await page.goto('/');
    await page.getByRole('heading', { name: 'Sign in to Ward' }).waitFor();
    await expectNoAxeViolations(page);

    await page.getByLabel('Email').fill('admin@localhost');
    await page.getByRole('textbox', { name: 'Password' }).fill('not the password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').filter({ hasText: 'email or password is incorrect' }).waitFor();
    await expectNoAxeViolations(page);

    await page.getByRole('textbox', { name: 'Password' }).fill(ward.adminPassword);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Organizations', level: 1 }).waitFor();
    await expectNoAxeViolations(page);

    const cookies = await browser.context.cookies(ward.url);
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
    await expectNoAxeViolations(page);
  });

  it('offers only standard regions to an org without HIPAA, and says why', async () => {
    // HIPAA compliant regions are offered to HIPAA orgs only (test/console-hipaa.test.ts shows them).
    const types = page.getByRole('radiogroup', { name: 'Region type' });
    expect(await types.getByRole('radio', { name: 'Standard' }).isChecked()).toBe(true);
    expect(await types.getByRole('radio', { name: 'HIPAA compliant' }).count()).toBe(0);
    await page.getByText('HIPAA compliant regions are offered to organizations with HIPAA enabled').waitFor();
    expect(await page.getByLabel('Region', { exact: true }).locator('option').allTextContents()).toEqual([
      'Local (this machine)',
    ]);
    await page.getByText('Audit log level: standard').waitFor();
  });

  it('creates a project and shows it provisioning, then running, without a reload', async () => {
    await page.getByLabel('Project name').fill('records');
    await page.getByLabel('Region', { exact: true }).selectOption('local');
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
    await expectNoAxeViolations(page);
  });

  it('shows that the project requires TLS, lets its owner allow plaintext from loopback, and the HIPAA tab warns of it', async () => {
    const details = page.getByRole('table', { name: 'Project details' });
    await details.getByRole('row', { name: /Connections\s*TLS required/ }).waitFor();
    const connections = page.getByRole('radiogroup', { name: 'Connections' });
    expect(await connections.getByRole('radio', { name: 'TLS required' }).isChecked()).toBe(true);
    await connections.getByRole('radio', { name: 'Plaintext allowed from loopback' }).click();
    await page.getByRole('status').filter({ hasText: 'Plaintext is now allowed from loopback' }).waitFor();
    await details.getByRole('row', { name: /Connections\s*Plaintext allowed from loopback/ }).waitFor();
    expect(
      await connections.getByRole('radio', { name: 'Plaintext allowed from loopback' }).isChecked(),
    ).toBe(true);
    await expectNoAxeViolations(page);
    const projectUrl = page.url();

    await page.goto('/orgs/acme-health/hipaa');
    const warning = page.getByRole('note').filter({ hasText: 'Projects that allow plaintext connections' });
    await warning.waitFor();
    await expectNoAxeViolations(page);
    await warning.getByRole('link', { name: 'records' }).click();
    expect(page.url()).toBe(projectUrl);

    await page
      .getByRole('radiogroup', { name: 'Connections' })
      .getByRole('radio', { name: 'TLS required' })
      .click();
    await page.getByRole('status').filter({ hasText: 'TLS is now required for every connection' }).waitFor();
    await details.getByRole('row', { name: /Connections\s*TLS required/ }).waitFor();
    await page.goto('/orgs/acme-health/hipaa');
    await page.getByRole('table', { name: 'HIPAA details' }).waitFor();
    expect(await page.getByText('Projects that allow plaintext connections').count()).toBe(0);
    await page.goBack();
    await details.waitFor();
  });

  it('shows the API error for a duplicate project name', async () => {
    await page.getByRole('link', { name: '← acme-health' }).click();
    await page.getByRole('heading', { name: 'acme-health', level: 1 }).waitFor();
    await page
      .getByRole('table', { name: 'Projects' })
      .getByRole('row', { name: /records.*running/ })
      .waitFor();
    await expectNoAxeViolations(page);

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
    const names = (await browser.context.cookies(ward.url)).map((c) => c.name);
    expect(names).not.toContain('ward_session');
    expect(browser.problems).toEqual([]);
  });

  it('loads each page as its own chunk, none over 500 kB', () => {
    // The global setup built the console; one 605 kB bundle held every page before.
    const assets = join(import.meta.dirname, '..', 'console', 'dist', 'assets');
    const chunks = readdirSync(assets)
      .filter((f) => f.endsWith('.js'))
      .map((f) => ({ f, kB: statSync(join(assets, f)).size / 1000 }));
    expect(chunks.filter((c) => c.kB > 500)).toEqual([]);
    for (const page of ['org-page', 'project-page', 'audit-page', 'hipaa-page', 'settings-page']) {
      expect(
        chunks.some((c) => c.f.startsWith(`${page}-`)),
        `a chunk for ${page}`,
      ).toBe(true);
    }
  });
});
