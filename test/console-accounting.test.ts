/**
 * Accounting of access in the console, in a real browser against a real Ward: an owner declares
 * patients.mrn on the project's page (a missing column refused with Ward's message); a
 * developer's statements run through the gateway; an auditor finds who read MRN-00042 (who, how
 * it matched, from where), downloads the PDF report, and counts the individuals a person reached
 * per State from a roster file; the identifier is kept nowhere in the page's address or storage.
 * A developer sees none of it.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call } from './support/access.js';
import { type Browser, expectNoAxeViolations, openBrowser, signIn } from './support/browser.js';
import { credentials, pgConfig, projectWithPeople } from './support/gateway.js';
import { PASSWORD, startTestWard, type TestWard } from './support/ward.js';

const ORG = 'acme-acct-ui';
let w: TestWard;
let browser: Browser;
let page: Page;
let project: Awaited<ReturnType<typeof projectWithPeople>>;
/** When the developer's statements began, and the roster of the org's patients with their States. */
let readFrom: Date;
let roster: string;

async function signOutAndIn(email: string) {
  await browser.context.clearCookies();
  await signIn(page, email, PASSWORD);
}

beforeAll(async () => {
  w = await startTestWard();
  project = await projectWithPeople(w, ORG, 'records');
  const c = new pg.Client(pgConfig(await credentials(w, project.tokens.owner as string, project.projectId)));
  await c.connect();
  await c.query(`
    CREATE TABLE patients (id int PRIMARY KEY, mrn text, state text);
    INSERT INTO patients SELECT g, 'MRN-' || lpad(g::text, 5, '0'), 'CA' FROM generate_series(1, 50) g;
    GRANT SELECT ON ALL TABLES IN SCHEMA public TO PUBLIC;`);
  await c.end();
  browser = await openBrowser(w.url, { acceptDownloads: true });
  page = browser.page;
}, 240_000);
afterAll(async () => {
  await browser?.close();
  await w?.stop();
});

describe('console: accounting of access', () => {
  it('lets an owner declare a subject key on the project page', async () => {
    await signIn(page, `owner@${ORG}.test`, PASSWORD);
    await page.goto(`/projects/${project.projectId}`);
    const form = page.getByRole('form', { name: 'Declare a subject key' });
    await form.getByRole('textbox', { name: 'Column' }).fill('patients.ssn');
    await form.getByRole('button', { name: 'Declare' }).click();
    await form.getByRole('alert').filter({ hasText: 'no column public.patients.ssn' }).waitFor();
    await form.getByRole('textbox', { name: 'Column' }).fill('patients.mrn');
    await form.getByRole('button', { name: 'Declare' }).click();
    await page
      .getByRole('table', { name: 'Subject keys' })
      .getByRole('cell', { name: 'public.patients.mrn', exact: true })
      .waitFor();
    await expectNoAxeViolations(page);
  });

  it('shows an auditor who read an individual’s rows, the PDF report, and the individuals reached per State', async () => {
    const c = new pg.Client(
      pgConfig(await credentials(w, project.tokens.developer as string, project.projectId)),
    );
    await c.connect();
    const from = new Date(Date.now() - 60_000);
    readFrom = from;
    await c.query("SELECT state FROM patients WHERE mrn = 'MRN-00042'");
    await c.query('SELECT mrn FROM patients WHERE id IN (1, 2)');
    await c.end();
    await new Promise((r) => setTimeout(r, 50));
    await w.ward.services.audit.drain();

    await signOutAndIn(`auditor@${ORG}.test`);
    await page.goto(`/projects/${project.projectId}`);
    const who = page.getByRole('form', { name: 'Who read an individual’s rows' });
    await who.getByRole('textbox', { name: 'Identifier' }).fill('MRN-00042');
    await who.getByRole('button', { name: 'Search' }).click();
    const table = page.getByRole('table', { name: 'Accesses' });
    await table.waitFor();
    const text = (await table.textContent()) ?? '';
    expect(text).toContain(`developer@${ORG}.test`);
    expect(text).toContain('named in the statement');
    expect(text).toContain('SELECT state FROM patients WHERE mrn = $1');
    const download = page.waitForEvent('download');
    await who.getByRole('button', { name: 'Report (PDF)' }).click();
    expect((await download).suggestedFilename()).toMatch(/^accounting-records-.*\.pdf$/);

    const dir = await mkdtemp(join(tmpdir(), 'ward-roster-'));
    roster = join(dir, 'roster.csv');
    await writeFile(roster, 'identifier,state\nMRN-00001,CA\nMRN-00002,NY\nMRN-00042,NY\nMRN-00049,TX\n');
    const reached = page.getByRole('form', { name: 'Individuals a person reached' });
    await reached.getByRole('textbox', { name: 'Person' }).fill(`developer@${ORG}.test`);
    const local = (d: Date) =>
      new Date(d.getTime() - d.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
    await reached.getByLabel(/^From/).fill(local(from));
    await reached.getByLabel(/^To/).fill(local(new Date(Date.now() + 120_000)));
    await page.locator('input[type=file]').setInputFiles(roster);
    await reached.getByRole('button', { name: 'Count' }).click();
    await page.getByRole('status').filter({ hasText: '3 of 4 candidates reached' }).waitFor();
    const states = (await page.getByRole('table', { name: 'Individuals per State' }).textContent()) ?? '';
    expect(states).toContain('NY2');
    expect(states).toContain('CA1');
    const kept = await page.evaluate<string>(
      'location.href + JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage })',
    );
    expect(kept).not.toContain('MRN-00042');
    await expectNoAxeViolations(page);
  });

  it("counts an incident's affected individuals per State from the accounting, on the incident page", async () => {
    await signOutAndIn(`owner@${ORG}.test`);
    const made = await call(w, 'POST', `/api/v1/orgs/${ORG}/incidents`, {
      token: project.tokens.owner as string,
      body: { title: 'Developer read patients', reported_by: 'privacy office' },
    });
    await page.goto(`/orgs/${ORG}/incidents/${made.body.id}`);
    const form = page.getByRole('form', { name: 'Count from the accounting of access' });
    await form.getByRole('combobox', { name: 'Project' }).selectOption({ label: 'records' });
    await form.getByRole('textbox', { name: 'Person' }).fill(`developer@${ORG}.test`);
    const local = (d: Date) =>
      new Date(d.getTime() - d.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
    await form.getByLabel(/^From/).fill(local(readFrom));
    await form.getByLabel(/^To/).fill(local(new Date(Date.now() + 120_000)));
    await form.locator('input[type=file]').setInputFiles(roster);
    await form.getByRole('button', { name: 'Count affected' }).click();
    // MRN-00001 (CA), MRN-00002 and MRN-00042 (NY) were reached; MRN-00049 (TX) was not.
    await page.getByText('Affected individuals (3)').waitFor();
    const incident = await call(w, 'GET', `/api/v1/orgs/${ORG}/incidents/${made.body.id}`, {
      token: project.tokens.owner as string,
    });
    expect(incident.body.affected).toMatchObject({ by_state: { CA: 1, NY: 2 }, total: 3 });
    await expectNoAxeViolations(page);
  });

  it('shows a developer neither the keys nor the accounting', async () => {
    await signOutAndIn(`developer@${ORG}.test`);
    await page.goto(`/projects/${project.projectId}`);
    await page.getByRole('heading', { name: 'records', level: 1 }).waitFor();
    expect(await page.getByRole('heading', { name: 'Accounting of access' }).count()).toBe(0);
    expect(await page.getByRole('heading', { name: 'Subject keys' }).count()).toBe(0);
  });
});
