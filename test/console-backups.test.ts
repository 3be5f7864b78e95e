/**
 * The project page's Backups section in a real browser against a real Ward and real pgBackRest:
 * an owner takes a backup and sees it listed as encrypted with its WAL range, then restores it
 * into a HIPAA region (moving a standard project into HIPAA) and reads the verification report
 * (schema, per-table row counts and checksums) before opening the new project. The restore form
 * of that HIPAA project offers a HIPAA region by default; sizes read as the CLI writes them.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatBytes as consoleBytes } from '../console/src/lib/bytes.js';
import { formatBytes as cliBytes } from '../src/cli/backups.js';
import { runningProject, sql, succeeded } from './support/backups.js';
import { type Browser, expectNoAxeViolations, openBrowser } from './support/browser.js';
import { cookieSession, enableHipaa, mfaUser, startHipaaWard } from './support/hipaa.js';
import type { TestWard } from './support/ward.js';

let w: TestWard;
let browser: Browser;
let page: Page;
let charts: { id: string; name: string };
let alice: string;

beforeAll(async () => {
  w = await startHipaaWard();
  alice = await mfaUser(w, 'alice@clinic.test');
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
      /^\d{8}-\d{6}Ffull[\d.]+ (kB|MB|GB).+[0-9A-F]{24} – [0-9A-F]{24}encrypted \(aes-256-cbc\)$/,
    );
    // The same size as `ward backup list` prints (SI units), not MiB.
    const listed = await w.request('GET', `/api/v1/projects/${charts.id}/backups`, { token: alice });
    const size = cliBytes(listed.body.backups[0].size_bytes);
    await expect(row.getByRole('cell').nth(2).textContent()).resolves.toBe(size);
    // The encryption badge shows its whole text, not "ENCRYPTED (AES-2…".
    const badge = row.getByRole('cell').nth(6).locator('.mantine-Badge-root');
    const clipped = await badge.evaluate((el) =>
      [el, ...el.querySelectorAll('*')].some((e) => e.scrollWidth > e.clientWidth),
    );
    expect(clipped).toBe(false);
    await expectNoAxeViolations(page);
  });

  it('writes sizes as the CLI does: SI units, one decimal', () => {
    for (const n of [0, 999, 1000, 1536, 999_949, 1_048_576, 25_165_824, 5_000_000_000]) {
      expect(consoleBytes(n)).toBe(cliBytes(n));
    }
    expect(consoleBytes(25_165_824)).toBe('25.2 MB');
    // Rounded to one decimal, a size never shows 1000 of a unit.
    for (const [n, shown] of [
      [999, '999 B'],
      [1000, '1.0 kB'],
      [999_949, '999.9 kB'],
      [999_950, '1.0 MB'],
      [999_950_000, '1.0 GB'],
    ] as const) {
      expect(cliBytes(n)).toBe(shown);
      expect(consoleBytes(n)).toBe(shown);
    }
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

  it('offers a HIPAA region by default when restoring a HIPAA project, and Ward accepts it', async () => {
    const projects = await w.request('GET', '/api/v1/orgs/clinic/projects', { token: alice });
    const hipaa = projects.body.projects.find((p: { name: string }) => p.name === 'charts-hipaa');
    await succeeded(w, alice, `/api/v1/projects/${hipaa.id}/backups`);
    await page.goto(`/projects/${hipaa.id}`);
    const form = page.getByRole('form', { name: 'Restore to region' });
    // The backups are listed (pgBackRest's info) before the form shows.
    await form.waitFor({ timeout: 30_000 });
    const region = form.getByLabel('Region');
    // The regions arrive after the form: the default is chosen once they are there.
    await expect.poll(() => region.inputValue(), { timeout: 10_000 }).toBe('local-hipaa');
    // A HIPAA project's copy is a HIPAA project: standard regions are not offered at all.
    await expect(
      region.locator('option').evaluateAll((os) => os.map((o) => o.getAttribute('value'))),
    ).resolves.toEqual(['local-hipaa']);
    await form.getByLabel('New project name').fill('charts-hipaa-copy');
    await form.getByRole('button', { name: 'Restore' }).click();
    await form.getByText(/^Verification: identical to the source/).waitFor({ timeout: 90_000 });
    expect(await form.getByRole('alert').count()).toBe(0);
    await expectNoAxeViolations(page);
  });
});
