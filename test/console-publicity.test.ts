/**
 * The compliance center's public face in the web console, in a real browser against a real Ward:
 * the owner turns the HIPAA badge on and sees its public address and a preview of the image that
 * anyone may load; an admin sees the switches but may not flip them. The operator announces a
 * subprocessor on the Subprocessors page (reached from the header), is refused a day inside the
 * notice period, then succeeds; the owner sees the notice. Every page passes axe's WCAG 2 A/AA
 * rules, with no page error and no CSP refusal.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { earliestEffective } from '../src/compliance/index.js';
import { type Browser, expectNoAxeViolations, openBrowser } from './support/browser.js';
import { cookieSession, enableHipaa, mfaUser, startHipaaWard } from './support/hipaa.js';
import type { TestWard } from './support/ward.js';

let ward: TestWard;
let orgId: string;
const browsers: Browser[] = [];

async function browserAs(email: string, password?: string): Promise<Browser> {
  const b = await openBrowser(ward.url);
  browsers.push(b);
  await b.context.addCookies(await cookieSession(ward, email, password));
  return b;
}

let owner: Browser;
let admin: Browser;
let operator: Browser;

beforeAll(async () => {
  ward = await startHipaaWard();
  const alice = await mfaUser(ward, 'alice@acme-console.test', 'Alice Smith');
  await mfaUser(ward, 'adam@acme-console.test', 'Adam Admin');
  orgId = (await ward.request('POST', '/api/v1/orgs', { token: alice, body: { name: 'acme' } })).body.id;
  await enableHipaa(ward, 'acme', alice);
  await ward.request('POST', '/api/v1/orgs/acme/members', {
    token: alice,
    body: { email: 'adam@acme-console.test', role: 'admin' },
  });
  owner = await browserAs('alice@acme-console.test');
  admin = await browserAs('adam@acme-console.test');
  operator = await browserAs('admin@localhost', ward.adminPassword);
}, 120_000);

afterAll(async () => {
  for (const b of browsers) await b.close();
  await ward?.stop();
});

describe('publicity in the console', () => {
  it('lets the owner turn the badge on and shows its public address and a preview', async () => {
    const page = owner.page;
    await page.goto('/orgs/acme/compliance');
    const section = page.getByRole('region', { name: 'Public badge and trust page' });
    await section.getByText('Nothing is published').waitFor();
    const badge = section.getByRole('switch', { name: 'Badge (SVG)' });
    expect(await badge.isChecked()).toBe(false);
    await badge.click({ force: true });
    const link = section.getByRole('link', { name: `${ward.url}/badge/${orgId}.svg` });
    await link.waitFor();
    const preview = section.getByRole('img', { name: 'Preview of the HIPAA badge' });
    await preview.waitFor();
    await expect
      .poll(
        () =>
          preview.evaluate((img) => {
            const i = img as unknown as { complete: boolean; naturalWidth: number };
            return i.complete ? i.naturalWidth : 0;
          }),
        {
          timeout: 10_000,
        },
      )
      .toBeGreaterThan(100);
    expect(await section.getByRole('switch', { name: 'Trust page' }).isChecked()).toBe(false);
    await expectNoAxeViolations(page);
    expect(owner.problems).toEqual([]);
  });

  it('shows an admin the state without letting them change it', async () => {
    await admin.page.goto('/orgs/acme/compliance');
    const section = admin.page.getByRole('region', { name: 'Public badge and trust page' });
    await section.getByText('Only an owner may turn them on or off.').waitFor();
    const badge = section.getByRole('switch', { name: 'Badge (SVG)' });
    expect(await badge.isChecked()).toBe(true);
    expect(await badge.isDisabled()).toBe(true);
  });
});

describe('subprocessors in the console', () => {
  it('lets the operator announce one, refusing a day inside the notice period', async () => {
    const page = operator.page;
    await page.goto('/orgs');
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Subprocessors' }).click();
    await page.getByRole('heading', { name: 'Subprocessors', level: 1 }).waitFor();
    await page.getByText('No subprocessors are listed.').waitFor();
    const form = page.getByRole('form', { name: 'Announce a subprocessor' });
    await form.getByLabel('Name').fill('Example Cloud, Inc.');
    await form.getByLabel('Purpose').fill('off-site backup storage');
    await form.getByLabel('Location').fill('United States');
    await form.getByLabel('May it handle PHI?').selectOption('yes');
    const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
    await form.getByLabel('Takes effect on').fill(tomorrow);
    await form.getByRole('button', { name: 'Announce subprocessor' }).click();
    const earliest = earliestEffective(new Date(), 30).day;
    await page
      .getByRole('alert')
      .filter({ hasText: `at the earliest on ${earliest}` })
      .waitFor();
    await form.getByLabel('Takes effect on').fill(earliest);
    await form.getByRole('button', { name: 'Announce subprocessor' }).click();
    await page.getByRole('status').filter({ hasText: 'Announced Example Cloud, Inc.' }).waitFor();
    const row = page
      .getByRole('table', { name: 'Subprocessors' })
      .getByRole('row', { name: /Example Cloud, Inc\./ });
    await row.getByText('Upcoming').waitFor();
    await expectNoAxeViolations(page);
    expect(operator.problems).toEqual([]);
  });

  it('tells the owner in the console, who sees the list but no operator forms', async () => {
    const page = owner.page;
    await page.goto('/orgs/acme/compliance');
    const notices = page.getByRole('table', { name: 'Subprocessor notices' });
    await notices.getByText(/New subprocessor from .*: Example Cloud, Inc\./).waitFor();
    await page.goto('/subprocessors');
    await page.getByRole('table', { name: 'Subprocessors' }).getByText('Example Cloud, Inc.').waitFor();
    expect(await page.getByRole('form', { name: 'Announce a subprocessor' }).count()).toBe(0);
    await expectNoAxeViolations(page);
    expect(owner.problems).toEqual([]);
  });
});
