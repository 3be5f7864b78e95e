/**
 * The org's root key in the web console, in a real browser against a real Ward and a real
 * SoftHSM2 token: the owner of an enterprise org sees Ward's own root key, is told a wrong PIN is
 * wrong, moves the root key into the HSM and sees its state; a key disabled in the token shows as
 * unavailable with the reason, and usable again once restored; then the owner moves it back.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Browser, expectNoAxeViolations, openBrowser, signIn } from './support/browser.js';
import { type SoftHsm, type SoftToken, startSoftHsm } from './support/softhsm.js';
import { PASSWORD, startTestWard, type TestWard } from './support/ward.js';

const PIN = 'console-pin-14142135';

let hsm: SoftHsm;
let token: SoftToken;
let w: TestWard;
let browser: Browser;

beforeAll(async () => {
  hsm = await startSoftHsm();
  token = hsm.createToken({ label: 'acme', pin: PIN });
  token.generateKey('ward-root');
  w = await startTestWard({ hsm_modules: [hsm.modulePath], hsm_poll_every: '1s' as unknown as number });
  const alice = await w.user('alice@acme.test');
  await w.request('POST', '/api/v1/orgs', { token: alice, body: { name: 'acme' } });
  await w.request('PATCH', '/api/v1/orgs/acme', {
    token: await w.adminToken(),
    body: { plan: 'enterprise' },
  });
  browser = await openBrowser(w.url);
  await signIn(browser.page, 'alice@acme.test', PASSWORD);
});
afterAll(async () => {
  await browser?.close();
  await w?.stop();
  await hsm?.stop();
});

describe('the root key in the console', () => {
  it('moves the root key into the HSM, refusing a wrong PIN, and shows its state', async () => {
    const page = browser.page;
    await page.goto('/orgs/acme/hipaa');
    const table = page.getByRole('table', { name: 'Root key' });
    await table.getByRole('row', { name: /Held by\s*Ward's own root key/ }).waitFor();
    const form = page.getByRole('form', { name: 'Root key in your HSM' });
    await form.getByLabel('PKCS#11 module').fill(hsm.modulePath);
    await form.getByLabel('Token label').fill('acme');
    await form.getByLabel('Key label').fill('ward-root');
    await form.getByLabel('Token PIN').fill('wrong-pin-1');
    await form.getByRole('button', { name: 'Keep the root key in this HSM' }).click();
    await page.getByRole('alert').filter({ hasText: 'the PIN for token "acme" is wrong' }).waitFor();
    expect(await form.getByLabel('Token PIN').inputValue()).toBe('');

    await form.getByLabel('Token PIN').fill(PIN);
    await form.getByRole('button', { name: 'Keep the root key in this HSM' }).click();
    await page
      .getByRole('status')
      .filter({ hasText: 'Moved to your HSM: 1 organization key re-wrapped.' })
      .waitFor();
    await table.getByRole('row', { name: /Held by\s*your HSM: key "ward-root" on token "acme"/ }).waitFor();
    await table.getByRole('row', { name: /State\s*available since/ }).waitFor();
    await page
      .getByRole('table', { name: 'Encryption keys' })
      .getByRole('row', { name: /organization\s*active/ })
      .waitFor();
    await expectNoAxeViolations(page);
    expect(await page.content()).not.toContain(PIN);
  });

  it('shows a revoked key as unavailable with the reason, and usable again once restored', async () => {
    const page = browser.page;
    token.disableKey('ward-root', 'flags');
    const unavailable = page.getByRole('alert').filter({ hasText: 'may not encrypt or decrypt' });
    for (let i = 0; i < 40 && (await unavailable.count()) === 0; i++) {
      await page.waitForTimeout(250);
      await page.reload();
      await page.getByRole('table', { name: 'Root key' }).waitFor();
    }
    await unavailable.waitFor();
    await page
      .getByRole('table', { name: 'Root key' })
      .getByRole('row', { name: /State\s*unavailable/ })
      .waitFor();
    await expectNoAxeViolations(page);

    token.restoreKey('ward-root');
    const available = page
      .getByRole('table', { name: 'Root key' })
      .getByRole('row', { name: /State\s*available/ });
    for (let i = 0; i < 40 && (await available.count()) === 0; i++) {
      await page.waitForTimeout(250);
      await page.reload();
      await page.getByRole('table', { name: 'Root key' }).waitFor();
    }
    await available.waitFor();
  });

  it("moves the root key back to Ward's own", async () => {
    const page = browser.page;
    await page.getByRole('button', { name: "Move back to Ward's root key" }).click();
    await page
      .getByRole('status')
      .filter({ hasText: "Moved back to Ward's root key: 1 organization key re-wrapped." })
      .waitFor();
    await page
      .getByRole('table', { name: 'Root key' })
      .getByRole('row', { name: /Held by\s*Ward's own root key/ })
      .waitFor();
    expect(browser.problems).toEqual([]);
  });
});
