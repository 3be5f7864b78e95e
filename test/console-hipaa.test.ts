/**
 * HIPAA enablement in the web console, in a real browser against a real Ward: an owner (with
 * two-step verification) is told the plan is missing, the operator changes it, the owner fills the
 * organization's details, reads and signs the BAA, the operator countersigns it from their own
 * browser; then the new-project form offers HIPAA compliant regions, turning HIPAA off is refused
 * with the project named, the org key is rotated, and a HIPAA project is deleted with the export
 * confirmation, undeleted, deleted again and certified destroyed. Last, the operator names a new
 * business associate on the Organizations page, and the next BAA carries it.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectNoAxeViolations } from './support/browser.js';
import { BUSINESS_ASSOCIATE, cookieSession, mfaUser, startHipaaWard } from './support/hipaa.js';
import type { TestWard } from './support/ward.js';

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

let ward: TestWard;
let profiles: string[] = [];
const contexts: BrowserContext[] = [];
const problems: string[] = [];

async function browserAs(email: string, password?: string): Promise<Page> {
  const profile = await mkdtemp(join(tmpdir(), 'ward-chromium-'));
  profiles.push(profile);
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: CHROMIUM_ARGS,
    baseURL: ward.url,
  });
  contexts.push(context);
  context.setDefaultTimeout(10_000);
  await context.addCookies(await cookieSession(ward, email, password));
  const page = context.pages()[0] ?? (await context.newPage());
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  return page;
}

let owner: Page;
let operator: Page;
let aliceToken: string;

beforeAll(async () => {
  ward = await startHipaaWard('2s');
  const alice = await mfaUser(ward, 'alice@acme.test', 'Alice Smith');
  aliceToken = alice;
  await ward.request('POST', '/api/v1/orgs', { token: alice, body: { name: 'acme' } });
  await ward.request('POST', '/api/v1/orgs', { token: alice, body: { name: 'plain' } });
  owner = await browserAs('alice@acme.test');
  operator = await browserAs('admin@localhost', ward.adminPassword);
});

afterAll(async () => {
  for (const c of contexts) await c.close();
  await ward?.stop();
  for (const p of profiles) await rm(p, { recursive: true, force: true });
  profiles = [];
});

const alert = (page: Page, text: string | RegExp) => page.getByRole('alert').filter({ hasText: text });

describe('HIPAA in the console', () => {
  it('does not offer HIPAA compliant regions to an org without HIPAA', async () => {
    await owner.goto('/orgs/plain');
    await owner.getByRole('heading', { name: 'plain', level: 1 }).waitFor();
    const types = owner.getByRole('radiogroup', { name: 'Region type' });
    await types.getByRole('radio', { name: 'Standard' }).waitFor();
    expect(await types.getByRole('radio', { name: 'HIPAA compliant' }).count()).toBe(0);
    expect(await owner.getByLabel('Region', { exact: true }).locator('option').allTextContents()).toEqual([
      'Local',
    ]);
  });

  it('tells the owner that the enterprise plan is needed; the operator changes it', async () => {
    await owner.goto('/orgs/acme/hipaa');
    await owner.getByTestId('hipaa-next-step').filter({ hasText: 'needs the enterprise plan' }).waitFor();
    await owner.getByRole('button', { name: 'Enable HIPAA' }).click();
    await alert(owner, "HIPAA needs the enterprise plan; 'acme' is on the basic plan").waitFor();

    await operator.goto('/orgs/acme/hipaa');
    await operator.getByLabel('Plan', { exact: true }).selectOption('enterprise');
    await operator.getByRole('button', { name: 'Change plan' }).click();
    await operator
      .getByRole('table', { name: 'HIPAA details' })
      .getByRole('row', { name: /^Plan\s*enterprise$/ })
      .waitFor();
  });

  it('lets the owner fill the details, read the BAA and sign it with an explicit acceptance', async () => {
    await owner.reload();
    await owner.getByLabel('Legal name').fill('Acme Health, Inc.');
    await owner.getByLabel('Address').fill('12 Main Street\nBoston, MA 02110');
    await owner.getByRole('button', { name: 'Save details' }).click();
    await owner.getByRole('status').filter({ hasText: 'Details saved.' }).waitFor();

    await owner.getByRole('button', { name: 'Enable HIPAA' }).click();
    const doc = owner.getByRole('document', { name: 'Business Associate Agreement' });
    await doc.waitFor();
    expect(await doc.textContent()).toContain(
      'Acme Health, Inc., 12 Main Street, Boston, MA 02110 ("Covered Entity")',
    );
    const hash = (await owner.getByTestId('baa-sha256').textContent()) ?? '';
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    await owner.getByLabel('Your full name').fill('Alice Smith');
    await owner.getByLabel('Your title').fill('CEO');
    await owner.getByRole('button', { name: 'Sign the BAA' }).click();
    await alert(owner, 'needs your explicit acceptance').waitFor();
    await owner.getByLabel(/I have read this Business Associate Agreement and accept it/).check();
    await owner.getByRole('button', { name: 'Sign the BAA' }).click();
    await owner
      .getByTestId('hipaa-next-step')
      .filter({ hasText: "waits for the operator's countersignature" })
      .waitFor();
    await owner.getByRole('row', { name: new RegExp(`Document SHA-256\\s*${hash}`) }).waitFor();
  });

  it('lists the signed BAA for the operator, who countersigns it: HIPAA is enabled', async () => {
    await operator.goto('/orgs');
    const pending = operator.getByRole('table', { name: 'BAAs waiting for countersignature' });
    await pending.getByRole('row', { name: /acme\s*Alice Smith, CEO/ }).waitFor();
    await pending.getByRole('link', { name: 'acme' }).click();
    await operator.getByRole('document', { name: 'Business Associate Agreement' }).waitFor();
    await operator.getByLabel('Your full name').fill('Olivia Operator');
    await operator.getByLabel('Your title').fill('Head of Platform');
    await operator.getByRole('button', { name: 'Countersign the BAA' }).click();
    await operator.getByText('HIPAA enabled', { exact: true }).first().waitFor();
    await expectNoAxeViolations(operator);
    const link = operator.getByRole('link', { name: 'Download the executed BAA (PDF)' });
    const pdf = await operator.request.get((await link.getAttribute('href')) ?? '');
    expect(pdf.headers()['content-type']).toBe('application/pdf');
    expect((await pdf.body()).subarray(0, 5).toString()).toBe('%PDF-');
  });

  it('offers HIPAA compliant regions to the HIPAA org and creates a HIPAA project there', async () => {
    await owner.reload();
    await owner.getByText('HIPAA enabled', { exact: true }).first().waitFor();
    await owner.goto('/orgs/acme');
    await owner.getByRole('radio', { name: 'HIPAA compliant' }).check();
    expect(await owner.getByLabel('Region', { exact: true }).locator('option').allTextContents()).toEqual([
      'Local HIPAA',
    ]);
    // Ward encrypts each project's directory itself (fscrypt): nothing to check before the first.
    await owner.getByText(/storage encryption (verified|declared) \(declared dm-crypt\)/).waitFor();
    await owner.getByText('Audit log level: hipaa').waitFor();
    await expectNoAxeViolations(owner);
    await owner.getByLabel('Project name').fill('records');
    await owner.getByRole('button', { name: 'Create project' }).click();
    await owner.waitForURL(/\/projects\/prj_[a-z2-7]{16}$/);
    await owner.getByRole('status').filter({ hasText: 'running' }).waitFor({ timeout: 20_000 });
    const details = owner.getByRole('table', { name: 'Project details' });
    await details.getByRole('row', { name: /Audit log level\s*hipaa/ }).waitFor();
    await details
      .getByRole('row', {
        name: /Region storage\s*(verified|declared) \(declared dm-crypt\): fscrypt, per-project keys/,
      })
      .waitFor();
    await details
      .getByRole('row', {
        name: /Encryption at rest\s*fscrypt\s*fscrypt v2 policy \(AES-256-XTS contents, AES-256-CTS names\), its own key [0-9a-f]{8}…, unlocked/,
      })
      .waitFor();
    await expectNoAxeViolations(owner);
  });

  it('refuses to turn HIPAA off while the project exists, and rotates the org key', async () => {
    await owner.getByRole('link', { name: '← acme' }).click();
    await owner
      .getByRole('navigation', { name: 'Organization' })
      .getByRole('link', { name: 'HIPAA' })
      .click();
    await owner.getByRole('button', { name: 'Turn HIPAA off' }).click();
    await alert(owner, "'acme' has HIPAA projects, so HIPAA stays on: records (running)").waitFor();
    await owner.getByRole('button', { name: 'Rotate the organization key' }).click();
    await owner
      .getByRole('status')
      .filter({ hasText: /Rotated: key_[a-z2-7]{16} now wraps \d+ project key/ })
      .waitFor();
    await owner
      .getByRole('table', { name: 'Encryption keys' })
      .getByRole('row', { name: /organization\s*retired/ })
      .waitFor();
    await expectNoAxeViolations(owner);
  });

  it('deletes the HIPAA project only with the export confirmation, undeletes it, then certifies its destruction', async () => {
    await owner.goto('/orgs/acme');
    await owner.getByRole('table', { name: 'Projects' }).getByRole('link', { name: 'records' }).click();
    await owner.getByRole('button', { name: 'Delete project' }).click();
    const dialog = owner.getByRole('dialog', { name: 'Delete project records?' });
    await dialog.getByRole('button', { name: 'Delete records' }).click();
    await alert(owner, 'confirm that its audit log was exported').waitFor();
    await dialog.getByLabel("I have exported this project's audit log").check();
    await dialog.getByRole('button', { name: 'Delete records' }).click();
    await owner.getByText('This project is deleted').waitFor();
    await owner.getByRole('button', { name: 'Undelete records' }).click();
    await owner.getByRole('status').filter({ hasText: 'running' }).waitFor({ timeout: 20_000 });

    await owner.getByRole('button', { name: 'Delete project' }).click();
    await dialog.getByLabel("I have exported this project's audit log").check();
    await dialog.getByRole('button', { name: 'Delete records' }).click();
    await owner.getByText('This project is deleted').waitFor();

    await owner.goto('/orgs/acme/hipaa');
    const certs = owner.getByRole('table', { name: 'Certificates of destruction' });
    for (let i = 0; i < 40 && (await certs.count()) === 0; i++) {
      await owner.waitForTimeout(250);
      await owner.reload();
    }
    const pdfLink = certs.getByRole('row', { name: /records/ }).getByRole('link', { name: 'PDF' });
    const pdf = await owner.request.get((await pdfLink.getAttribute('href')) ?? '');
    expect(pdf.headers()['content-type']).toBe('application/pdf');
    expect(problems).toEqual([]);
  });

  it('lets the operator name the business associate; the next BAA carries it at once', async () => {
    await operator.goto('/orgs');
    const form = operator.getByRole('form', { name: 'Business associate' });
    await form.getByTestId('business-associate-source').filter({ hasText: 'From ward.yaml' }).waitFor();
    const legal = form.getByLabel('Business associate legal name');
    const address = form.getByLabel('Business associate address');
    expect(await legal.inputValue()).toBe(BUSINESS_ASSOCIATE.legal_name);
    await legal.fill('');
    await form.getByRole('button', { name: 'Save business associate' }).click();
    expect(
      await legal.evaluate(
        (el) => (el as unknown as { validity: { valueMissing: boolean } }).validity.valueMissing,
      ),
    ).toBe(true);
    await legal.fill('Ward Console Hosting LLC');
    await address.fill('5 Console Court\nSpringfield');
    await form.getByRole('button', { name: 'Save business associate' }).click();
    await form
      .getByRole('status')
      .filter({
        hasText: 'Business associate saved: BAAs rendered from now on name Ward Console Hosting LLC.',
      })
      .waitFor();
    await form.getByTestId('business-associate-source').filter({ hasText: 'Set here' }).waitFor();
    await expectNoAxeViolations(operator);

    await operator.reload();
    expect(await form.getByLabel('Business associate legal name').inputValue()).toBe(
      'Ward Console Hosting LLC',
    );
    const doc = await ward.request('POST', '/api/v1/orgs/acme/baa', { token: aliceToken });
    expect(doc.status).toBe(200);
    expect(doc.body.document).toContain(
      'Ward Console Hosting LLC,\n5 Console Court, Springfield ("Business Associate")',
    );
    expect(problems).toEqual([]);
  });
});
