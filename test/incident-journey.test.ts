/**
 * Issue 21's whole journey in a real browser (Chromium) against a real Ward: on a HIPAA org (its
 * alert rules on by default) a receptionist's password and recovery code are used from a network
 * never seen for her, which raises a real 'new_network' alert. The owner sees it in the header's
 * bell and on the Alerts page, opens an incident from it, finds the incident citing exactly that
 * sign-in and dated from the day the alert reached the org (164.404(a)(2)), enters the affected
 * counts (more than 500 in one State: media and Secretary notices owed, 60 days each), records the
 * risk assessment, drafts a complete 164.404(c) notice and marks it sent, issues the evidence
 * packet and downloads its signed JSON, which the built `ward incident verify-packet` accepts
 * against Ward's public key, and refuses once one byte changes. axe passes on both pages.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call } from './support/access.js';
import { type AlertJson, alertsOf } from './support/alerts.js';
import { type Browser, expectNoAxeViolations, openBrowser } from './support/browser.js';
import { failsWith, type Run, runWard } from './support/cli.js';
import { cookieSession, enableHipaa, mfaUser, spareCode, startHipaaWard } from './support/hipaa.js';
import { PASSWORD, type TestWard } from './support/ward.js';

const ATTACKER = '203.0.113.77';
const ALERT_TITLE = 'New source network for a person';
let w: TestWard;
let owner: string;
let dir: string;
let browser: Browser | undefined;
let alert: AlertJson;
/** The id of the sign-in from the new network, read from the org's audit log (not from the alert). */
let signIns: string[];
let alertDay: string;

/** `day` plus `n` calendar days (UTC), and the calendar days from `a` to `b`. */
const plusDays = (day: string, n: number) =>
  new Date(Date.parse(`${day}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
const daysFrom = (a: string, b: string) => Math.round((Date.parse(b) - Date.parse(a)) / 86_400_000);
const utcToday = () => new Date().toISOString().slice(0, 10);

function succeeded(r: Run): string {
  expect(r.stderr, r.stderr).toBe('');
  expect(r.code).toBe(0);
  return r.stdout;
}

beforeAll(async () => {
  w = await startHipaaWard();
  dir = await mkdtemp(join(tmpdir(), 'ward-incident-journey-'));
  owner = await mfaUser(w, 'owner@clinic.test', 'Owner');
  expect((await call(w, 'POST', '/api/v1/orgs', { token: owner, body: { name: 'clinic' } })).status).toBe(
    201,
  );
  await enableHipaa(w, 'clinic', owner);
  await mfaUser(w, 'reception@clinic.test', 'Reception');
  const added = await call(w, 'POST', '/api/v1/orgs/clinic/members', {
    token: owner,
    body: { email: 'reception@clinic.test', role: 'member' },
  });
  expect(added.status).toBeLessThan(300);
  // Her sign-in from the clinic's network is the first the org sees (learnt, not alerted); then
  // her password and a recovery code are used from a network never seen for her.
  const usual = await call(w, 'POST', '/api/v1/auth/login', {
    body: { email: 'reception@clinic.test', password: PASSWORD, totp: spareCode('reception@clinic.test') },
    ip: '10.40.0.12',
  });
  expect(usual.status).toBe(200);
  const stolen = await call(w, 'POST', '/api/v1/auth/login', {
    body: { email: 'reception@clinic.test', password: PASSWORD, totp: spareCode('reception@clinic.test') },
    ip: ATTACKER,
  });
  expect(stolen.status).toBe(200);
  [alert] = (await alertsOf(w, owner, 'clinic', 'new_network')) as [AlertJson];
  const log = await call(w, 'GET', '/api/v1/orgs/clinic/audit-events?action=auth.login.success', {
    token: owner,
  });
  const fromAttacker = (log.body.events as { id: string; time: string; actor: { ip?: string } }[]).filter(
    (e) => e.actor.ip === ATTACKER,
  );
  expect(fromAttacker).toHaveLength(1);
  signIns = fromAttacker.map((e) => e.id);
  // The alert reached the org the day of that sign-in: the day its recipients would have known.
  alertDay = (fromAttacker[0] as { time: string }).time.slice(0, 10);
  browser = await openBrowser(w.url, { acceptDownloads: true });
  await browser.context.addCookies(await cookieSession(w, 'owner@clinic.test'));
}, 180_000);
afterAll(async () => {
  await browser?.close();
  await w?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('from an alert to a verified evidence packet', () => {
  let incidentId: string;
  let packetFile: string;
  let packetId: string;

  it('shows the alert in the bell and on the Alerts page, and opens an incident from it', async () => {
    const { page } = browser as Browser;
    await page.goto('/orgs/clinic');
    const bell = page.getByRole('link', { name: '1 open alert in clinic' });
    await bell.waitFor();
    await bell.click();
    await page.getByRole('heading', { name: 'clinic: Alerts' }).waitFor();
    const row = page.getByRole('table', { name: 'Alerts' }).locator(`tr[data-alert="${alert.id}"]`);
    await row.getByText(ALERT_TITLE).waitFor();
    await row
      .getByText('reception@clinic.test signed in from 203.0.113.0/24, a network not seen', { exact: false })
      .waitFor();
    await expect.poll(() => row.getByText('open', { exact: true }).count()).toBe(1);
    await expectNoAxeViolations(page);

    await row.getByRole('button', { name: 'Open an incident' }).click();
    await page.getByRole('heading', { name: ALERT_TITLE }).waitFor();
    const path = new URL(page.url()).pathname;
    expect(path).toMatch(/^\/orgs\/clinic\/incidents\/inc_[a-z2-7]{16}$/);
    incidentId = path.split('/').at(-1) as string;
    // The alert now names its incident, and the bell has nothing left open.
    await page.getByRole('link', { name: '0 open alerts in clinic' }).waitFor();
    const after = await call(w, 'GET', `/api/v1/orgs/clinic/alerts/${alert.id}`, { token: owner });
    expect(after.body).toMatchObject({ status: 'escalated', incident_id: incidentId });
  });

  it('cites the sign-in and dates discovery from the day the alert reached the org', async () => {
    const { page } = browser as Browser;
    const cited = page.getByRole('table', { name: 'Cited audit events' });
    await cited.getByRole('row').first().waitFor();
    const ids = (await cited.locator('code').allTextContents()).sort();
    expect(ids).toEqual(signIns);
    await page.getByText(`Discovered: ${alertDay}`).waitFor();
    await page
      .getByRole('table', { name: 'Who knew when' })
      .getByText(`alert ${alert.id}`, { exact: false })
      .filter({ hasText: 'would have known' })
      .waitFor();

    const affected = page.getByRole('form', { name: 'Affected individuals' });
    await affected.getByLabel('Per State or jurisdiction').fill('MA=501, NH=12');
    await affected.getByRole('button', { name: 'Save the counts' }).click();
    await page.getByRole('heading', { name: 'Affected individuals (513)' }).waitFor();
    const deadlines = page.getByRole('table', { name: 'Deadlines' });
    await deadlines.locator('tr[data-obligation="media:MA"]').waitFor();
    // 513 people, 501 of them in Massachusetts: the individuals, the media serving MA and the
    // Secretary (500 or more) are owed notice; New Hampshire's 12 owe no media notice.
    const owed = await deadlines
      .locator('tr[data-obligation]')
      .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-obligation')));
    expect(owed.sort()).toEqual(['individuals', 'media:MA', 'secretary']);
    const due = plusDays(alertDay, 60);
    const left = daysFrom(utcToday(), due);
    for (const id of owed) {
      const row = deadlines.locator(`tr[data-obligation="${id}"]`);
      await row.getByRole('cell', { name: due, exact: true }).waitFor();
      await row.getByText(`${left} days left`, { exact: true }).waitFor();
    }
  });

  it('records the risk assessment, with what keeps it a breach', async () => {
    const { page } = browser as Browser;
    const form = page.getByRole('form', { name: 'Risk assessment' });
    await form.getByText('no risk assessment is recorded: a breach is presumed', { exact: false }).waitFor();
    const factors: [string, string, string, boolean][] = [
      ['nature', 'Appointment lists: names and visit dates.', 'Export job log.', true],
      ['recipient', 'An unknown party with stolen credentials.', 'Audit events cited.', true],
      ['acquired', 'The account was used to open appointment lists.', 'Gateway statements.', false],
      ['mitigation', 'Password reset, sessions revoked.', 'Ticket 4411.', true],
    ];
    for (const [k, finding, evidence, low] of factors) {
      await form.getByLabel(`Finding (${k})`).fill(finding);
      await form.getByLabel(`Evidence (${k})`).fill(evidence);
      if (low) await form.getByLabel(`Supports a low probability of compromise (${k})`).check();
    }
    await form.getByLabel('Identifiers involved').fill('names, dates of service');
    await form.getByLabel('Likelihood of re-identification').fill('certain: names are present');
    await form.getByRole('button', { name: 'Record the assessment' }).click();
    // Only the factor that does not support a low probability is left open: still a breach.
    await form
      .getByText('Open: factor acquired does not support a low probability', { exact: true })
      .waitFor();
    await form.getByText('Breach', { exact: true }).waitFor();
    await page
      .getByRole('table', { name: 'Timeline' })
      .getByText('risk assessment recorded: breach', { exact: false })
      .waitFor();
  });

  it('drafts a complete individual notice, marks it sent, and issues the signed packet', async () => {
    const { page } = browser as Browser;
    const draft = page.getByRole('form', { name: 'Draft a notice' });
    await draft
      .getByLabel('What happened')
      .fill('Someone signed in to a staff account with a stolen password.');
    await draft.getByLabel('Types of PHI involved').fill('names, appointment dates');
    await draft.getByLabel('Steps individuals should take').fill('Review statements from your health plan.');
    await draft
      .getByLabel('What the organization is doing')
      .fill('We reset passwords and require two-step sign-in.');
    await draft.getByLabel('Toll-free number').fill('1-800-555-0142');
    await draft.getByRole('button', { name: 'Draft the notice' }).click();
    const notices = page.getByRole('table', { name: 'Notices' });
    await notices.getByText('Ready to send', { exact: true }).waitFor();
    await notices.getByRole('button', { name: /^Mark notice ltr_/ }).click();
    await notices.getByText(/^Sent .* by mail$/).waitFor();
    await page
      .getByRole('table', { name: 'Deadlines' })
      .locator('tr[data-obligation="individuals"]')
      .getByText('met', { exact: true })
      .waitFor();

    await page.getByRole('button', { name: 'Issue an evidence packet' }).click();
    const packets = page.getByRole('table', { name: 'Evidence packets' });
    const json = packets.getByRole('button', { name: /as signed JSON$/ });
    await json.waitFor();
    packetId = (await packets.locator('code').first().textContent()) ?? '';
    expect(packetId).toMatch(/^pkt_/);
    const [download] = await Promise.all([page.waitForEvent('download'), json.click()]);
    packetFile = join(dir, 'packet.json');
    await download.saveAs(packetFile);
    await page
      .getByRole('table', { name: 'Timeline' })
      .getByText(/evidence packet pkt_/)
      .waitFor();
    await expectNoAxeViolations(page);
    expect(browser?.problems).toEqual([]);
  });

  it('verifies the downloaded packet offline with the CLI, and refuses it once a byte changes', async () => {
    const ward = (args: string[]) => runWard(args, { url: w.url, configDir: dir });
    const key = join(dir, 'ward.pem');
    await writeFile(key, succeeded(await ward(['audit', 'public-key'])));
    const out = succeeded(await ward(['incident', 'verify-packet', packetFile, '--public-key', key]));
    expect(out).toMatch(
      new RegExp(
        `^Valid: evidence packet ${packetId} of incident ${incidentId} \\(${ALERT_TITLE}\\) of clinic`,
      ),
    );
    expect(out).toContain(`discovered ${alertDay}`);
    expect(out).toMatch(/Notice ltr_\S+ \(individual\): sent \S+ by mail/);
    expect(out).toContain('1 inclusion proof(s) of cited audit events hold');
    expect(out).toContain('the key you gave with --public-key');
    // The proof the CLI just checked is that of the sign-in from the new network.
    const text = await readFile(packetFile, 'utf8');
    const signed = JSON.parse(JSON.parse(text).document);
    expect(signed.audit_events.map((e: { id: string }) => e.id).sort()).toEqual(signIns);

    // One byte of the signed document changed: the title's last letter.
    const at = text.indexOf(ALERT_TITLE) + ALERT_TITLE.length - 1;
    const bad = join(dir, 'changed.json');
    await writeFile(bad, `${text.slice(0, at)}T${text.slice(at + 1)}`);
    expect(Buffer.compare(await readFile(bad), Buffer.from(text))).not.toBe(0);
    failsWith(
      await ward(['incident', 'verify-packet', bad, '--public-key', key]),
      /does not verify: the signature does not verify/,
    );
  });
});
