/**
 * The console's notifications in Chromium: the header's bell counts the open alerts of the org in
 * view; the Alerts page lists them, acknowledges one and dismisses another with a reason (the
 * button waits for one); the rules and working hours are changed there. No accessibility
 * violations on the page.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call } from './support/access.js';
import { alertsOf, setRule } from './support/alerts.js';
import { expectNoAxeViolations, openBrowser, signIn } from './support/browser.js';
import { PASSWORD, startTestWard, type TestWard } from './support/ward.js';

let w: TestWard;
let owner: string;
let page: Page;
let problems: string[] = [];
let closeBrowser: (() => Promise<void>) | undefined;

beforeAll(async () => {
  w = await startTestWard();
  owner = await w.user('olga@acme.test');
  await call(w, 'POST', '/api/v1/orgs', { token: owner, body: { name: 'acme' } });
  await setRule(w, owner, 'acme', 'new_network', { enabled: true });
  // The first network the org sees her from is this machine's, where the browser signs in too.
  for (const ip of ['127.0.0.1', '203.0.113.9', '198.51.100.20'])
    await call(w, 'POST', '/api/v1/auth/login', {
      body: { email: 'olga@acme.test', password: PASSWORD },
      ip,
    });
  await alertsOf(w, owner, 'acme', 'new_network', 2);
  ({ page, problems, close: closeBrowser } = await openBrowser(w.url));
}, 120_000);
afterAll(async () => {
  await closeBrowser?.();
  await w?.stop();
});

describe('console: alerts', () => {
  it('shows the open alerts in the bell and acknowledges and dismisses them on the Alerts page', async () => {
    await signIn(page, 'olga@acme.test', PASSWORD);
    await page.goto('/orgs/acme');
    const bell = page.getByRole('link', { name: '2 open alerts in acme' });
    await bell.waitFor();
    await bell.click();
    await page.getByRole('heading', { name: 'acme: Alerts' }).waitFor();
    const rows = page.getByRole('table', { name: 'Alerts' }).getByRole('row');
    await expect.poll(() => rows.count()).toBe(3);
    await expectNoAxeViolations(page);

    await rows.nth(1).getByRole('button', { name: 'Acknowledge' }).click();
    await page.getByRole('link', { name: '1 open alert in acme' }).waitFor();

    await page.locator('label[for$="-all"]').click();
    const open = page.getByRole('row').filter({ has: page.getByText('open', { exact: true }) });
    await open.getByRole('button', { name: 'Dismiss…' }).click();
    const dismiss = open.getByRole('button', { name: 'Dismiss alert' });
    expect(await dismiss.isDisabled()).toBe(true);
    await open.getByRole('textbox').fill('my own trip, confirmed');
    await dismiss.click();
    await page.getByRole('link', { name: '0 open alerts in acme' }).waitFor();
    await page.getByText('Dismissed: my own trip, confirmed').waitFor();
    const statuses = (await call(w, 'GET', '/api/v1/orgs/acme/alerts', { token: owner })).body.alerts.map(
      (a: { status: string }) => a.status,
    );
    expect(statuses.sort()).toEqual(['acknowledged', 'dismissed']);
  });

  it('switches a rule and declares working hours', async () => {
    await page.getByRole('switch', { name: 'break_glass on' }).click({ force: true });
    await expect
      .poll(
        async () =>
          (await call(w, 'GET', '/api/v1/orgs/acme/alert-rules/break_glass', { token: owner })).body.enabled,
      )
      .toBe(true);
    await page.getByLabel('Time zone').fill('Europe/Paris');
    await page.getByRole('button', { name: 'Save hours' }).click();
    await page.getByText('Declared: 08:00–18:00, days 1,2,3,4,5, Europe/Paris.').waitFor();
    await page.getByLabel('Time zone').fill('Atlantis/Nowhere');
    await page.getByRole('button', { name: 'Save hours' }).click();
    await page.getByRole('alert').filter({ hasText: "'Atlantis/Nowhere' is not a time zone" }).waitFor();
    expect(problems).toEqual([]);
  });
});
