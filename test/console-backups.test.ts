/**
 * The project page's Backups section in a real browser against a real Ward and real pgBackRest:
 * an owner takes a backup and sees it listed as encrypted with its WAL range, then restores it
 * into a HIPAA region (moving a standard project into HIPAA) and reads the verification report
 * (schema, per-table row counts and checksums) before opening the new project.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runningProject, sql } from './support/backups.js';
import { type Browser, openBrowser } from './support/browser.js';
import { cookieSession, enableHipaa, mfaUser, startHipaaWard } from './support/hipaa.js';
import type { TestWard } from './support/ward.js';

let w: TestWard;
let browser: Browser;
let page: Page;
let charts: { id: string; name: string };

beforeAll(async () => {
  w = await startHipaaWard();
  const alice = await mfaUser(w, 'alice@clinic.test');
  await w.request('POST', '/api/v1/orgs', { token: alice, body: { name: 'clinic' } });
  await enableHipaa(w, 'clinic', alice);
  charts = await runningProject(w, alice, 'clinic', 'charts');
  await sql(w, charts.id, 'CREATE TABLE visits (id int PRIMARY KEY, memo text)');
  await sql(w, charts.id, "INSERT INTO visits SELECT g, 'v' || g FROM generate_series(1, 40) g");
  browser = await openBrowser(w.url);
  page = browser.page;
  await browser.context.addCookies(await cookieSession(w, 'alice@clinic.test'));
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await w?.stop();
});

describe('the Backups section of a project', () => {
  it('takes a backup and lists it as encrypted, with its WAL range', async () => {
    await page.goto(`/projects/${charts.id}`);
    const section = page.getByRole('region', { name: 'Backups' });
    await section.getByText('No backup yet.').waitFor();
    await expect(section.getByLabel('Restore drill').textContent()).resolves.toBe('restore drill: none');
    await section.getByRole('button', { name: 'Back up now' }).click();
    await section.getByText(/^Backup op_[a-z2-7]{16} finished\.$/).waitFor({ timeout: 60_000 });
    const row = section.getByRole('table', { name: 'Backups' }).getByRole('row').nth(1);
    await expect(row.textContent()).resolves.toMatch(
      /^\d{8}-\d{6}Ffull[\d.]+ MiB.+[0-9A-F]{24} – [0-9A-F]{24}encrypted \(aes-256-cbc\)$/,
    );
  });

  it('restores the backup into a HIPAA region and shows the verification report', async () => {
    const form = page.getByRole('form', { name: 'Restore to region' });
    await form.getByLabel('New project name').fill('charts-hipaa');
    await form.getByLabel('Region').selectOption('local-hipaa');
    await form.getByRole('button', { name: 'Restore' }).click();
    await form
      .getByText('Verification: identical to the source (schema identical)')
      .waitFor({ timeout: 90_000 });
    const report = form.getByRole('table', { name: 'Verification report' });
    await expect(report.getByRole('row').nth(1).textContent()).resolves.toBe('public.visits4040equalequal');
    await form.getByRole('link', { name: 'Open the new project' }).click();
    await page.getByRole('heading', { name: 'charts-hipaa' }).waitFor();
    expect(browser.problems).toEqual([]);
  });

  it("shows the API's refusal in the form", async () => {
    await page.goto(`/projects/${charts.id}`);
    const form = page.getByRole('form', { name: 'Restore to region' });
    await form.getByLabel('New project name').fill('charts-hipaa');
    await form.getByLabel('Region').selectOption('local-hipaa');
    await form.getByRole('button', { name: 'Restore' }).click();
    await form.getByRole('alert').waitFor();
    await expect(form.getByRole('alert').textContent()).resolves.toMatch(
      /^The restore was not started.*charts-hipaa/,
    );
  });
});
