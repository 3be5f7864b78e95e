/**
 * The Incidents tab in a real browser (Chromium) against a real Ward: an owner records an incident,
 * who knew when (80 days ago, so deadlines are overdue and shown in red) and the affected counts
 * (501 in one State: a media notice), is refused an oral hold without the official's identity
 * with Ward's message, drafts a complete individual notice (Ward asks for a reason, since it is
 * past its deadline), marks it sent by mail, cites an audit event and downloads its inclusion
 * proof, issues an evidence packet and downloads its signed JSON, which verifies offline; an auditor reads the same pages without forms; a developer does
 * not see the tab. axe passes.
 */
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkIncidentPacket, checkProof } from '../src/evidence/index.js';
import { addDays } from '../src/incidents/index.js';
import { type Browser, expectNoAxeViolations, openBrowser } from './support/browser.js';
import { cookieSession } from './support/hipaa.js';
import { startTestWard, type TestWard } from './support/ward.js';

let w: TestWard;
let owner: string;
let publicKey: string;
const browsers: Browser[] = [];
const today = new Date().toISOString().slice(0, 10);
const knew = addDays(today, -80);

async function browserAs(email: string, downloads = false) {
  const b = await openBrowser(w.url, { acceptDownloads: downloads });
  browsers.push(b);
  await b.context.addCookies(await cookieSession(w, email));
  return b;
}

beforeAll(async () => {
  w = await startTestWard();
  owner = await w.user('owner@clinic.test', { name: 'Owner' });
  for (const who of ['auditor', 'developer']) await w.user(`${who}@clinic.test`, { name: who });
  expect((await w.request('POST', '/api/v1/orgs', { token: owner, body: { name: 'clinic' } })).status).toBe(
    201,
  );
  for (const role of ['auditor', 'developer'])
    await w.request('POST', '/api/v1/orgs/clinic/members', {
      token: owner,
      body: { email: `${role}@clinic.test`, role },
    });
  publicKey = (
    (await fetch(`${w.url}/api/v1/audit/public-key`).then((r) => r.json())) as { public_key: string }
  ).public_key;
}, 120_000);
afterAll(async () => {
  for (const b of browsers) await b.close();
  await w?.stop();
});

describe('the Incidents tab', () => {
  let incidentUrl: string;

  it('takes an owner from a new incident to a verified evidence packet', async () => {
    const b = await browserAs('owner@clinic.test', true);
    const { page } = b;
    await page.goto('/orgs/clinic');
    await page
      .getByRole('navigation', { name: 'Organization' })
      .getByRole('link', { name: 'Incidents' })
      .click();
    await page.getByText('No incidents recorded.').waitFor();
    const create = page.getByRole('form', { name: 'Record an incident' });
    await create.getByLabel('Title').fill('Laptop stolen from the ward office');
    await create.getByLabel('What happened').fill('An unencrypted laptop was taken from an office.');
    await create.getByLabel('Reported by').fill('Ward nurse manager');
    await create.getByLabel('Occurred on').fill(addDays(today, -82));
    await create.getByRole('button', { name: 'Record the incident' }).click();
    await page.getByRole('heading', { name: 'Laptop stolen from the ward office' }).waitFor();
    incidentUrl = new URL(page.url()).pathname;

    const knowledge = page.getByRole('form', { name: 'Record who knew when' });
    await knowledge.getByLabel('Person').fill('Charge nurse');
    await knowledge.getByLabel('Knew on').fill(knew);
    await knowledge.getByRole('button', { name: 'Record' }).click();
    await page.getByText(`Discovered: ${knew}`).waitFor();

    const affected = page.getByRole('form', { name: 'Affected individuals' });
    await affected.getByLabel('Per State or jurisdiction').fill('MA=501, NH=12');
    await affected.getByRole('button', { name: 'Save the counts' }).click();
    const deadlines = page.getByRole('table', { name: 'Deadlines' });
    const media = deadlines.locator('tr[data-obligation="media:MA"]');
    await media.getByText('20 days overdue').waitFor();
    const color = await media
      .locator('[data-overdue]')
      .evaluate((el) => el.ownerDocument.defaultView?.getComputedStyle(el).color ?? '');
    const [r, g, bl] = (color.match(/\d+/g) ?? []).map(Number);
    expect(r).toBeGreaterThan(150);
    expect((g ?? 255) + (bl ?? 255)).toBeLessThan(150);
    await deadlines.locator('tr[data-obligation="secretary"]').waitFor();

    const hold = page.getByRole('form', { name: 'Record a law-enforcement statement' });
    await hold.getByLabel('Stated on').fill(addDays(today, -1));
    await hold.getByLabel('Agency').fill('City police');
    await hold.getByLabel('What the official stated').fill('Please wait before notifying.');
    await hold.getByRole('button', { name: 'Record the statement' }).click();
    await page.getByText(/official_name \(the identity of the official/).waitFor();

    const draft = page.getByRole('form', { name: 'Draft a notice' });
    await draft.getByLabel('What happened').fill('A laptop holding appointment lists was stolen.');
    await draft.getByLabel('Types of PHI involved').fill('names, appointment dates');
    await draft.getByLabel('Steps individuals should take').fill('Review statements from your health plan.');
    await draft.getByLabel('What the organization is doing').fill('We encrypted all laptops.');
    await draft.getByLabel('Toll-free number').fill('1-800-555-0142');
    await draft.getByRole('button', { name: 'Draft the notice' }).click();
    await page.getByText(/after its deadline .*give delay_reason/).waitFor();
    await draft.getByLabel('Reason for a later date').fill('The breach was found late, in an audit.');
    await draft.getByRole('button', { name: 'Draft the notice' }).click();
    const notices = page.getByRole('table', { name: 'Notices' });
    await notices.getByText('Ready to send').waitFor();
    await notices.getByRole('button', { name: /^Mark notice ltr_/ }).click();
    await notices.getByText(/Sent .* by mail/).waitFor();

    const events = await w.request('GET', '/api/v1/orgs/clinic/audit-events?limit=1', { token: owner });
    const cited = events.body.events[0].id as string;
    const cite = page.getByRole('form', { name: 'Cite an audit event' });
    await cite.getByLabel('Audit event id').fill(cited);
    await cite.getByRole('button', { name: 'Cite' }).click();
    const [proofFile] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: `Inclusion proof of ${cited}` }).click(),
    ]);
    expect(checkProof(JSON.parse(await readFile(await proofFile.path(), 'utf8')), publicKey)).toMatchObject({
      ok: true,
      event: { id: cited },
    });

    await page.getByRole('button', { name: 'Issue an evidence packet' }).click();
    const packets = page.getByRole('table', { name: 'Evidence packets' });
    const json = packets.getByRole('button', { name: /as signed JSON$/ });
    await json.waitFor();
    const [download] = await Promise.all([page.waitForEvent('download'), json.click()]);
    const file = JSON.parse(await readFile(await download.path(), 'utf8'));
    const check = checkIncidentPacket(file, publicKey);
    expect(check).toMatchObject({ ok: true, pinned: true, proofs: 1 });
    if (check.ok) expect(check.packet.incident.notices[0]).toMatchObject({ sent_via: 'mail' });
    await page
      .getByRole('table', { name: 'Timeline' })
      .getByText(/evidence packet pkt_/)
      .waitFor();
    await expectNoAxeViolations(page);
    expect(b.problems).toEqual([]);
  });

  it('lets an auditor read without forms, and hides the tab from a developer', async () => {
    const auditor = await browserAs('auditor@clinic.test');
    await auditor.page.goto('/orgs/clinic/incidents');
    await auditor.page.getByRole('link', { name: 'Laptop stolen from the ward office' }).waitFor();
    expect(await auditor.page.getByRole('form', { name: 'Record an incident' }).count()).toBe(0);
    await auditor.page.goto(incidentUrl);
    await auditor.page.getByRole('table', { name: 'Deadlines' }).waitFor();
    expect(await auditor.page.getByRole('form', { name: 'Draft a notice' }).count()).toBe(0);
    await expectNoAxeViolations(auditor.page);
    const developer = await browserAs('developer@clinic.test');
    await developer.page.goto('/orgs/clinic');
    await developer.page
      .getByRole('navigation', { name: 'Organization' })
      .getByRole('link', { name: 'Projects' })
      .waitFor();
    expect(await developer.page.getByRole('link', { name: 'Incidents' }).count()).toBe(0);
    expect(auditor.problems).toEqual([]);
  });
});
