/**
 * The console's audit pages in a real browser (Debian's chromium through playwright-core) against
 * a real Ward: an owner reads the org's audit log with actors and outcomes, filters it by action,
 * opens an event and downloads its inclusion proof, verifies the chain, exports it, pages back
 * through a filtered log ("Load more events") and gets what the API lists; on the audit
 * settings page adds a file sink and watches it catch up with the chain, sees Ward's refusals (an
 * http webhook, a too-short retention) next to the forms; a developer sees the API's refusal.
 */
import { readFile } from 'node:fs/promises';
import type { Download, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Browser, expectNoAxeViolations, openBrowser, signIn as signInAs } from './support/browser.js';
import { PASSWORD, startTestWard, type TestWard } from './support/ward.js';

const ORG = 'acme-audit';
const OWNER = 'olivia@acme-audit.test';
const DEV = 'dev@acme-audit.test';

describe('console: audit pages', () => {
  let ward: TestWard;
  let browser: Browser;
  let page: Page;
  let ownerToken: string;

  async function ok(method: string, path: string, token: string, body: unknown, status: number) {
    const r = await ward.request(method, path, { token, body });
    if (r.status !== status) throw new Error(`${method} ${path}: ${r.status} ${JSON.stringify(r.body)}`);
  }

  const signIn = (email: string) => signInAs(page, email, PASSWORD);

  async function downloaded(click: () => Promise<void>): Promise<{ file: Download; text: string }> {
    const [file] = await Promise.all([page.waitForEvent('download'), click()]);
    return { file, text: await readFile(await file.path(), 'utf8') };
  }

  const eventsTable = (): Locator => page.getByRole('table', { name: /Audit events/ });

  beforeAll(async () => {
    ward = await startTestWard({
      audit: { checkpoint_every_events: 1_000_000, checkpoint_every_seconds: 86_400 },
    });
    const owner = await ward.user(OWNER);
    ownerToken = owner;
    const dev = await ward.user(DEV);
    await ok('POST', '/api/v1/orgs', owner, { name: ORG }, 201);
    await ok('POST', `/api/v1/orgs/${ORG}/members`, owner, { email: DEV, role: 'developer' }, 201);
    await ok('PATCH', `/api/v1/orgs/${ORG}`, owner, { settings: { legal_name: 'Acme Audit LLC' } }, 200);
    // A developer may not change the org: Ward refuses and records the refusal as `denied`.
    await ok('PATCH', `/api/v1/orgs/${ORG}`, dev, { settings: { legal_name: 'Mine now' } }, 403);

    browser = await openBrowser(ward.url, { acceptDownloads: true });
    page = browser.page;
  });

  afterAll(async () => {
    await browser?.close();
    await ward?.stop();
  });

  it('shows the org audit log to its owner: actors, actions, outcomes, targets', async () => {
    await signIn(OWNER);
    await page.goto(`/orgs/${ORG}`);
    await page
      .getByRole('navigation', { name: 'Organization' })
      .getByRole('link', { name: 'Audit log' })
      .click();
    await page.getByRole('heading', { name: `${ORG}: Audit log`, level: 1 }).waitFor();

    const table = eventsTable();
    await table
      .getByRole('row', { name: new RegExp(`org\\.update.*${OWNER}|${OWNER}.*org\\.update`) })
      .waitFor();
    const update = table.getByRole('row').filter({ hasText: 'org.update' });
    await update.filter({ hasText: OWNER }).filter({ hasText: 'success' }).waitFor();
    await update.filter({ hasText: DEV }).filter({ hasText: 'denied' }).waitFor();
    await table
      .getByRole('row')
      .filter({ hasText: 'org.member.add' })
      .filter({ hasText: `member ${DEV}` })
      .waitFor();
    await table
      .getByRole('row')
      .filter({ hasText: 'org.create' })
      .filter({ hasText: `org ${ORG}` })
      .waitFor();
    // Newest first: the refused update, the owner's update, member.add, org.create.
    const rows = await table.getByRole('row').allTextContents();
    const at = (...parts: string[]) => rows.findIndex((r) => parts.every((p) => r.includes(p)));
    const order = [
      at('org.update', 'denied'),
      at('org.update', 'success'),
      at('org.member.add'),
      at('org.create'),
    ];
    expect(order.every((i) => i > 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    await expectNoAxeViolations(page);
  });

  it('filters by action prefix, outcome and time, keeping the filters in the address', async () => {
    const apply = () => page.getByRole('button', { name: 'Apply filters' }).click();
    // The table's caption names the filters it shows, so it tells when the new page has arrived.
    const shown = async (caption: RegExp, text: string) => {
      const table = page.getByRole('table', { name: caption });
      await table.waitFor();
      const rows = (await table.getByRole('row').allTextContents()).slice(1);
      expect(rows.length).toBeGreaterThan(0);
      for (const row of rows) expect(row).toContain(text);
    };

    await page.getByLabel('Action', { exact: true }).fill('org.member.*');
    await apply();
    await page.waitForURL(/action=org\.member\.\*/);
    await shown(/: action org\.member\.\*$/, 'org.member.add');

    await page.getByLabel('Action', { exact: true }).fill('');
    await page.getByLabel('Outcome', { exact: true }).selectOption('denied');
    await apply();
    await shown(/: outcome denied$/, DEV);

    await page.getByLabel('Time range').selectOption('hour');
    await apply();
    await page.waitForURL(/outcome=denied&range=hour/);
    await shown(/: outcome denied, since /, 'denied');

    await page.getByLabel('Time range').selectOption('custom');
    await page.getByLabel('Since').fill('2099-01-01T00:00');
    await apply();
    await page.getByText(/No audit events match these filters: outcome denied, since .*2099/).waitFor();
    await page.getByRole('button', { name: 'Clear filters' }).click();
    await page.getByRole('table', { name: 'Audit events, newest first' }).waitFor();
  });

  it('opens an event with every field and downloads its inclusion proof', async () => {
    await eventsTable().getByRole('row').filter({ hasText: 'org.member.add' }).getByRole('button').click();
    const drawer = page.getByRole('dialog', { name: /Audit event \d+/ });
    const fields = drawer.getByRole('table', { name: 'Event fields' });
    await fields.getByRole('row', { name: /Action\s*org\.member\.add/ }).waitFor();
    expect(await fields.getByRole('row', { name: /^Hash/ }).textContent()).toMatch(/[0-9a-f]{64}/);
    expect(await fields.getByRole('row', { name: /Previous hash/ }).textContent()).toMatch(/[0-9a-f]{64}/);
    expect(await drawer.getByRole('region', { name: 'Details' }).textContent()).toContain(
      '"role": "developer"',
    );
    await expectNoAxeViolations(page);
    expect(await drawer.getByRole('region', { name: 'Actor' }).textContent()).toContain(
      `"email": "${OWNER}"`,
    );

    const { file, text } = await downloaded(() =>
      drawer.getByRole('button', { name: 'Download proof' }).click(),
    );
    expect(file.suggestedFilename()).toMatch(/^evt_[a-z2-7]{16}-proof\.json$/);
    const proof = JSON.parse(text);
    expect(proof.format).toBe('ward-audit-inclusion-proof/v1');
    expect(proof.checkpoint.signature).toBeTruthy();
    await drawer.getByRole('button', { name: 'Close event detail' }).click();
    await drawer.waitFor({ state: 'hidden' });
  });

  it('verifies the chain and exports it', async () => {
    await page.getByRole('button', { name: 'Verify chain' }).click();
    const result = page.getByRole('status').filter({ hasText: 'Audit chain verified: OK' });
    await result.waitFor();
    expect(await result.textContent()).toMatch(/\d+ events, \d+ signed checkpoints/);
    await expectNoAxeViolations(page);

    const { file, text } = await downloaded(() =>
      page.getByRole('button', { name: 'Export JSON lines' }).click(),
    );
    expect(file.suggestedFilename()).toMatch(/-audit-jsonl\.jsonl$/);
    const lines = text
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines[0].type).toBe('header');
    expect(lines.some((l) => l.type === 'checkpoint')).toBe(true);
  });

  it('adds a file sink and sees it catch up with the chain; shows refusals beside the forms', async () => {
    await page.getByRole('link', { name: 'Audit settings' }).click();
    await page.getByRole('heading', { name: `${ORG}: Audit settings`, level: 1 }).waitFor();
    await page.getByText('Audit events are kept for 2192 days').waitFor();

    await page.getByLabel('Sink name').fill('siem-copy');
    await page.getByLabel('Kind').selectOption('file');
    await page.getByRole('button', { name: 'Add sink' }).click();
    const sinks = page.getByRole('table', { name: /Audit sinks/ });
    const row = sinks.getByRole('row').filter({ hasText: 'siem-copy' });
    await row.filter({ hasText: 'siem-copy.jsonl' }).waitFor();
    await row.filter({ hasText: 'caught up' }).waitFor({ timeout: 15_000 });
    expect(await row.textContent()).toMatch(/(\d+) of \1/);
    expect(await row.getByRole('switch', { name: 'Enabled: siem-copy' }).isChecked()).toBe(true);

    await page.getByLabel('Sink name').fill('hook');
    await page.getByLabel('Kind').selectOption('webhook');
    await page.getByLabel('URL').fill('http://siem.example.test/ingest');
    await page.getByRole('button', { name: 'Add sink' }).click();
    await page.getByRole('alert').filter({ hasText: 'is not https' }).waitFor();
    // An https webhook is accepted; its signing key is shown once.
    await page.getByLabel('URL').fill('https://127.0.0.1:9/ingest');
    await page.getByRole('button', { name: 'Add sink' }).click();
    const key = page.getByRole('status').filter({ hasText: 'Ward will not show it again' });
    await key.waitFor();
    expect((await key.locator('pre').textContent())?.trim().length).toBeGreaterThanOrEqual(32);
    await sinks.getByRole('row').filter({ hasText: 'https://127.0.0.1:9/ingest' }).waitFor();
    await page.getByRole('button', { name: 'I have stored it' }).click();
    await key.waitFor({ state: 'detached' });

    const days = page.getByLabel('Keep audit events for (days)');
    await days.fill('10');
    await page.getByRole('button', { name: 'Save retention' }).click();
    await page.getByRole('alert').filter({ hasText: 'audit_retention_days' }).waitFor();
    await days.fill('3000');
    await page.getByRole('button', { name: 'Save retention' }).click();
    await page.getByText('Audit events are kept for 3000 days').waitFor();
    await expectNoAxeViolations(page);
  });

  it('pages back with "Load more events": each event once, newest first', async () => {
    for (let i = 0; i < 60; i++)
      await ok(
        'PATCH',
        `/api/v1/orgs/${ORG}`,
        ownerToken,
        { settings: { legal_name: `Acme Audit ${i} LLC` } },
        200,
      );
    await page.goto(`/orgs/${ORG}/audit?action=org.update`);
    const table = page.getByRole('table', { name: /: action org\.update$/ });
    const details = table.getByRole('button', { name: /^Details of event \d+$/ });
    const seqs = async () =>
      details.evaluateAll((bs) => bs.map((b) => Number(b.getAttribute('aria-label')?.split(' ').pop())));
    await details.nth(49).waitFor();
    const first = await seqs();
    expect(first).toHaveLength(50);
    await page.getByRole('button', { name: 'Load more events' }).click();
    // Both pages together are the API's one page of every update (the 60, and those before).
    const r = await ward.request('GET', `/api/v1/orgs/${ORG}/audit-events?action=org.update&limit=500`, {
      token: ownerToken,
    });
    const expected = (r.body as { events: { seq: number }[] }).events.map((e) => e.seq);
    expect(expected.length).toBeGreaterThan(60);
    await details.nth(expected.length - 1).waitFor();
    const all = await seqs();
    expect(all).toEqual(expected);
    expect(all.slice(0, 50)).toEqual(first);
    expect([...all].sort((a, b) => b - a)).toEqual(all);
    await page.getByRole('button', { name: 'Load more events' }).waitFor({ state: 'detached' });
  });

  it("shows a developer the API's refusal, and no audit link", async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await signIn(DEV);
    await page.goto(`/orgs/${ORG}`);
    await page.getByRole('heading', { name: ORG, level: 1 }).waitFor();
    const nav = page.getByRole('navigation', { name: 'Organization' });
    await nav.getByRole('link', { name: 'Projects' }).waitFor();
    expect(await nav.getByRole('link', { name: 'Audit log' }).count()).toBe(0);

    await page.goto(`/orgs/${ORG}/audit`);
    await page
      .getByRole('alert')
      .filter({ hasText: "reading the organization's audit log needs the" })
      .waitFor();
    expect(browser.problems).toEqual([]);
  });
});
