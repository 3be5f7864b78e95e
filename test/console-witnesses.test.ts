/**
 * The audit settings' "Witnesses" section in a real browser (Debian's chromium through
 * playwright-core) against a real Ward and a real witness in this process: the owner sees the
 * command that starts a witness with the org's log key, registers the witness through the form and
 * watches it cosign checkpoints until the status names it as the quorum; sees Ward's refusals (an
 * http URL beyond this machine, a quorum larger than the witnesses) beside the forms; adds a
 * witness that cannot be reached and sees its error while the first keeps cosigning, then removes
 * it. An auditor sees the witnesses, and Ward's refusal when trying to add one.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningWitness, startWitness } from '../src/witness/index.js';
import { type Browser, expectNoAxeViolations, openBrowser, signIn as signInAs } from './support/browser.js';
import { PASSWORD, startTestWard, type TestWard } from './support/ward.js';
import { witnessKey } from './support/witness.js';

const ORG = 'acme-witness';
const OWNER = 'olivia@acme-witness.test';
const AUDITOR = 'audrey@acme-witness.test';
/** Cosigning takes a checkpoint (every second here), a cosigner pass (2 s) and a page poll (3 s). */
const COSIGN_MS = 20_000;

describe('console: audit witnesses', () => {
  let ward: TestWard;
  let browser: Browser;
  let page: Page;
  let owner: string;
  let logKey: string;
  let witness: RunningWitness;
  let witnessDir: string;
  let changes = 0;

  async function ok(method: string, path: string, token: string, body: unknown, status: number) {
    const r = await ward.request(method, path, { token, body });
    if (r.status !== status) throw new Error(`${method} ${path}: ${r.status} ${JSON.stringify(r.body)}`);
    return r.body;
  }

  /** A few audited changes, so Ward writes checkpoints for the witnesses to cosign. */
  async function auditedChanges(n: number) {
    for (let i = 0; i < n; i++)
      await ok('PATCH', `/api/v1/orgs/${ORG}`, owner, { settings: { legal_name: `X ${++changes}` } }, 200);
  }

  const signIn = (email: string) => signInAs(page, email, PASSWORD);

  async function openSettings() {
    await page.goto(`/orgs/${ORG}/audit/settings`);
    await page.getByRole('heading', { name: `${ORG}: Audit settings`, level: 1 }).waitFor();
    await page.getByRole('heading', { name: 'Witnesses', level: 2 }).waitFor();
  }

  const table = (): Locator => page.getByRole('table', { name: 'Witnesses' });
  const row = (name: string): Locator =>
    table()
      .getByRole('row')
      .filter({ has: page.getByRole('rowheader', { name, exact: true }) });
  /** The "Cosigned (events)" cell: after the row header, URL and key name. */
  const cosigned = async (name: string): Promise<number> =>
    Number(await row(name).getByRole('cell').nth(2).textContent());

  async function addWitness(name: string, url: string, publicKey: string) {
    await page.getByLabel('Witness name').fill(name);
    await page.getByLabel('Witness address').fill(url);
    await page.getByLabel('Public key (witness.vkey)').fill(publicKey);
    await page.getByRole('button', { name: 'Add witness' }).click();
  }

  beforeAll(async () => {
    ward = await startTestWard({ audit: { checkpoint_every_events: 3, checkpoint_every_seconds: 1 } });
    owner = await ward.user(OWNER);
    await ward.user(AUDITOR);
    await ok('POST', '/api/v1/orgs', owner, { name: ORG }, 201);
    await ok('POST', `/api/v1/orgs/${ORG}/members`, owner, { email: AUDITOR, role: 'auditor' }, 201);
    logKey = (await ok('GET', `/api/v1/orgs/${ORG}/audit-witnesses/log-key`, owner, undefined, 200)).log_key;
    witnessDir = await mkdtemp(join(tmpdir(), 'ward-witness-'));
    witness = await startWitness({ listen: '127.0.0.1:0', dataDir: witnessDir, logs: [logKey] });
    browser = await openBrowser(ward.url);
    page = browser.page;
  });

  afterAll(async () => {
    await browser?.close();
    await ward?.stop();
    await witness?.stop();
    if (witnessDir) await rm(witnessDir, { recursive: true, force: true });
  });

  it("shows the command that starts a witness with the org's log key", async () => {
    await signIn(OWNER);
    await openSettings();
    await page.getByText('No checkpoint cosigned by a quorum yet.').waitFor();
    await page.getByText('No witnesses yet').waitFor();
    const command = page.getByLabel('Command that starts a witness');
    expect((await command.textContent())?.trim()).toBe(
      `ward audit witness --listen 127.0.0.1:7380 --data ./witness --log ${logKey}`,
    );
  });

  it('registers a witness that then cosigns, and names it in the quorum status', async () => {
    await addWitness('clinic-it', witness.url, witness.vkey);
    await row('clinic-it').filter({ hasText: witness.url }).waitFor();
    expect(await page.getByLabel('Witness name').inputValue()).toBe('');

    await auditedChanges(4);
    await expect.poll(() => cosigned('clinic-it'), { timeout: COSIGN_MS }).toBeGreaterThan(0);
    await row('clinic-it')
      .filter({ hasText: /Cosigned \d/ })
      .waitFor();
    await page
      .getByText(/^Newest checkpoint cosigned by a quorum: \d+ of \d+ events, by clinic-it, at /)
      .waitFor({ timeout: COSIGN_MS });
    await page.getByText('Quorum: 1 of 1 registered witness (the default).').waitFor();
    await page.getByText(/^Lag: \d+ events?/).waitFor();
    await expectNoAxeViolations(page);
  });

  it("shows on the audit page's verification what the witnesses vouch for", async () => {
    await page.goto(`/orgs/${ORG}/audit`);
    await page.getByRole('button', { name: 'Verify chain' }).click();
    const result = page.getByRole('status').filter({ hasText: 'Audit chain verified: OK' });
    await result.waitFor();
    expect(await result.textContent()).toMatch(
      /Witnessed: the newest checkpoint cosigned by a quorum of 1 covers \d+ events \(clinic-it, /,
    );
    await expectNoAxeViolations(page);
    await openSettings();
  });

  it("shows Ward's refusals beside the forms: an http URL, a quorum above the witnesses", async () => {
    await addWitness('remote', 'http://witness.example:7380', witnessKey('remote.example/w'));
    await page
      .getByRole('alert')
      .filter({ hasText: 'The witness was not added' })
      .filter({ hasText: 'is not https' })
      .waitFor();

    await page.getByRole('textbox', { name: 'Quorum', exact: true }).fill('2');
    await page.getByRole('button', { name: 'Save quorum' }).click();
    await page
      .getByRole('alert')
      .filter({ hasText: 'The quorum was not changed' })
      .filter({ hasText: 'a quorum of 2 needs 2 registered witnesses' })
      .waitFor();
    await expectNoAxeViolations(page);
  });

  it('shows an unreachable witness its error while the other keeps cosigning, and removes it', async () => {
    await addWitness('down', 'http://127.0.0.1:9', witnessKey('down.example/w'));
    await row('down').waitFor();
    const before = await cosigned('clinic-it');
    await auditedChanges(4);
    await row('down')
      .filter({ hasText: /No answer: .*ECONNREFUSED/ })
      .waitFor({ timeout: COSIGN_MS });
    await expect.poll(() => cosigned('clinic-it'), { timeout: COSIGN_MS }).toBeGreaterThan(before);
    expect(await row('clinic-it').textContent()).not.toContain('ECONNREFUSED');
    await expectNoAxeViolations(page);

    await page.getByRole('button', { name: 'Remove witness down' }).click();
    const dialog = page.getByRole('dialog', { name: 'Remove witness down?' });
    await dialog.getByRole('button', { name: 'Remove down' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await row('down').waitFor({ state: 'detached' });
    await row('clinic-it').waitFor();
  });

  it("shows an auditor the witnesses, and Ward's refusal to let them add one", async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await signIn(AUDITOR);
    await openSettings();
    await row('clinic-it').waitFor();
    await addWitness('mine', 'https://witness.example', witnessKey('mine.example/w'));
    await page
      .getByRole('alert')
      .filter({ hasText: 'The witness was not added' })
      .filter({ hasText: /needs the .*owner.* role/ })
      .waitFor();
    expect(await row('mine').count()).toBe(0);
    expect(browser.problems).toEqual([]);
  });
});
