/**
 * The Compliance tab in a real browser against a real Ward: an owner of a HIPAA org sees both
 * scores and the controls grouped by safeguard, opens a failing attestation control, uploads its
 * document (the state becomes attested and the required score rises by exactly one control's
 * share), records an alternative measure on an addressable control (after Ward refuses a short
 * rationale) and that a conditional specification does not apply, and reads the banner of
 * failing required controls (and the recovered one) on the org's pages; an auditor reads the same
 * tab without forms; a developer sees neither the tab nor the banner. axe passes throughout.
 */
import { createHash } from 'node:crypto';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Browser, expectNoAxeViolations, openBrowser } from './support/browser.js';
import { cookieSession, enableHipaa, mfaUser, startHipaaWard } from './support/hipaa.js';
import type { TestWard } from './support/ward.js';

interface ControlView {
  id: string;
  citation: string;
  title: string;
  kind: 'required' | 'addressable';
  check: string;
  state: string;
  message: string;
}
interface Posture {
  required_score: number;
  addressable_score: number;
  required_met: boolean;
  failing_required: string[];
  controls: ControlView[];
}

const ORG = 'clinic';
const DOCUMENT = Buffer.from('%PDF-1.4\nRisk analysis of Clinic Health, reviewed by the board.\n%%EOF\n');
const SAFEGUARD_HEADINGS = [
  'Administrative safeguards (164.308)',
  'Physical safeguards (164.310)',
  'Technical safeguards (164.312)',
  'Organizational requirements (164.314)',
  'Policies and documentation (164.316)',
];

let ward: TestWard;
let ownerToken: string;
const browsers: Browser[] = [];

async function browserAs(email: string): Promise<Page> {
  const b = await openBrowser(ward.url);
  browsers.push(b);
  await b.context.addCookies(await cookieSession(ward, email));
  return b.page;
}

async function posture(): Promise<Posture> {
  const r = await ward.request<Posture>('GET', `/api/v1/orgs/${ORG}/compliance`, { token: ownerToken });
  expect(r.status).toBe(200);
  return r.body;
}

const control = (p: Posture, id: string): ControlView => {
  const c = p.controls.find((x) => x.id === id);
  if (!c) throw new Error(`no control ${id} in the posture`);
  return c;
};

/** HIPAA Required as Ward computes it: the share of required controls not failing, rounded down. */
const requiredScore = (controls: readonly { kind: string; state: string }[]) => {
  const required = controls.filter((c) => c.kind === 'required');
  return Math.floor((100 * required.filter((c) => c.state !== 'failing').length) / required.length);
};

let owner: Page;
let auditor: Page;
let developer: Page;

beforeAll(async () => {
  ward = await startHipaaWard();
  ownerToken = await mfaUser(ward, 'olive@clinic.test', 'Olive Owner');
  await mfaUser(ward, 'audrey@clinic.test', 'Audrey Auditor');
  await mfaUser(ward, 'dev@clinic.test', 'Dev Eloper');
  expect(
    (await ward.request('POST', '/api/v1/orgs', { token: ownerToken, body: { name: ORG } })).status,
  ).toBe(201);
  for (const [email, role] of [
    ['audrey@clinic.test', 'auditor'],
    ['dev@clinic.test', 'developer'],
  ]) {
    const r = await ward.request('POST', `/api/v1/orgs/${ORG}/members`, {
      token: ownerToken,
      body: { email, role },
    });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
  }
  await enableHipaa(ward, ORG, ownerToken);
  owner = await browserAs('olive@clinic.test');
  auditor = await browserAs('audrey@clinic.test');
  developer = await browserAs('dev@clinic.test');
}, 120_000);

afterAll(async () => {
  for (const b of browsers) await b.close();
  await ward?.stop();
});

const drawer = (page: Page, c: ControlView) => page.getByRole('dialog', { name: `${c.citation} ${c.title}` });

interface InPage {
  parentElement: InPage | null;
}

/** Whether the element and every ancestor are fully opaque (run in the page, which has the DOM). */
const opaque = (el: unknown): boolean => {
  const view = globalThis as unknown as { getComputedStyle(e: InPage): { opacity: string } };
  for (let e = el as InPage | null; e; e = e.parentElement)
    if (view.getComputedStyle(e).opacity !== '1') return false;
  return true;
};

async function openControl(page: Page, c: ControlView, safeguard: string) {
  await page
    .getByRole('table', { name: safeguard })
    .getByRole('button', { name: c.title, exact: true })
    .click();
  await drawer(page, c).waitFor();
  // Until the drawer has faded in, its text is pale (axe would rightly say so): wait for the end.
  await expect.poll(() => drawer(page, c).evaluate(opaque), { interval: 50 }).toBe(true);
}

describe('console: the Compliance tab', () => {
  it('shows the owner both scores, the 90-day chart and every control grouped by safeguard', async () => {
    await owner.goto(`/orgs/${ORG}`);
    await owner
      .getByRole('navigation', { name: 'Organization' })
      .getByRole('link', { name: 'Compliance' })
      .click();
    await owner.getByRole('heading', { name: `${ORG}: Compliance`, level: 1 }).waitFor();
    await owner.getByTestId('score-required-value').waitFor();
    const p = await posture();
    expect(await owner.getByTestId('score-required-value').textContent()).toBe(`${p.required_score}%`);
    expect(await owner.getByTestId('score-addressable-value').textContent()).toBe(`${p.addressable_score}%`);
    expect(p.required_met).toBe(false);
    await owner
      .getByTestId('score-required')
      .getByText(`Not met: ${p.failing_required.length} required controls failing.`)
      .waitFor();
    for (const name of SAFEGUARD_HEADINGS) await owner.getByRole('heading', { name, level: 2 }).waitFor();
    // Every control has its row, in its safeguard's table.
    const rows = owner.locator('tr[data-control]');
    expect(await rows.count()).toBe(p.controls.length);
    await owner.getByRole('heading', { name: 'The last 90 days' }).waitFor();
    await owner.locator('.recharts-surface').first().waitFor();
    await expectNoAxeViolations(owner);
    // A live check's drawer names the check and what it looked at; no attest form for it.
    const review = control(p, 'activity-review');
    expect(review.check).not.toBe('attestation');
    await openControl(owner, review, 'Administrative safeguards (164.308)');
    const d = drawer(owner, review);
    await d.getByRole('heading', { name: 'Live check' }).waitFor();
    await d.getByTestId('control-message').waitFor();
    expect(await d.getByRole('button', { name: 'Upload and attest' }).count()).toBe(0);
    await d.getByRole('button', { name: 'Close' }).click();
  });

  it('attests a failing control with a document: it becomes attested and the required score rises', async () => {
    const before = await posture();
    const risk = control(before, 'risk-analysis');
    expect(risk).toMatchObject({ kind: 'required', check: 'attestation', state: 'failing' });
    const expected = requiredScore(
      before.controls.map((c) => (c.id === risk.id ? { ...c, state: 'attested' } : c)),
    );
    expect(expected).toBeGreaterThan(before.required_score);

    await openControl(owner, risk, 'Administrative safeguards (164.308)');
    const d = drawer(owner, risk);
    await d.getByTestId('control-message').filter({ hasText: 'Ward cannot see this' }).waitFor();
    await expectNoAxeViolations(owner);
    await d.getByLabel('Document').setInputFiles({
      name: 'risk-analysis-2026.pdf',
      mimeType: 'application/pdf',
      buffer: DOCUMENT,
    });
    await d.getByLabel('Statement').fill('The 2026 risk analysis, approved by the board on 1 December.');
    await d.getByRole('button', { name: 'Upload and attest' }).click();
    await d.getByTestId('control-state').filter({ hasText: 'attested' }).waitFor();
    const sha256 = createHash('sha256').update(DOCUMENT).digest('hex');
    expect(await d.getByTestId('attestation-sha256').textContent()).toBe(sha256);
    const link = d.getByRole('link', { name: 'risk-analysis-2026.pdf' });
    const file = await owner.request.get((await link.getAttribute('href')) ?? '');
    expect(file.status()).toBe(200);
    expect(Buffer.from(await file.body()).equals(DOCUMENT)).toBe(true);
    await d
      .getByRole('table', { name: 'Attestation' })
      .getByText(/^by olive@clinic\.test, /)
      .waitFor();
    await d.getByRole('button', { name: 'Close' }).click();

    await owner
      .getByTestId('score-required-value')
      .filter({ hasText: `${expected}%` })
      .waitFor();
    const after = await posture();
    expect(after.required_score).toBe(expected);
    expect(control(after, risk.id).state).toBe('attested');
    await owner
      .getByRole('table', { name: 'Administrative safeguards (164.308)' })
      .locator(`tr[data-control="${risk.id}"]`)
      .getByText('attested', { exact: true })
      .waitFor();

    // The drawer links to this control's audit events: the attestation is there.
    await openControl(owner, risk, 'Administrative safeguards (164.308)');
    await drawer(owner, risk)
      .getByRole('link', { name: /This control's audit events/ })
      .click();
    await owner.waitForURL(new RegExp(`/orgs/clinic/audit\\?action=compliance\\.\\*&target=${risk.id}$`));
    expect(await owner.getByLabel('Target').inputValue()).toBe(risk.id);
    const events = owner.getByRole('table', { name: /Audit events/ });
    await events.getByRole('row').filter({ hasText: 'compliance.attest' }).first().waitFor();
    await events.getByRole('row').filter({ hasText: 'compliance.control.change' }).first().waitFor();
    await owner.goto(`/orgs/${ORG}/compliance`);
  });

  it('records an alternative measure on an addressable control', async () => {
    const c = control(await posture(), 'workforce-clearance');
    expect(c.kind).toBe('addressable');
    await openControl(owner, c, 'Administrative safeguards (164.308)');
    const d = drawer(owner, c);
    await d.getByRole('radio', { name: 'Alternative measure' }).check();
    // Too short a rationale: Ward refuses, and says why.
    await d.getByLabel('The alternative measure').fill('Agency checks.');
    await d.getByRole('button', { name: 'Record the decision' }).click();
    await d
      .getByRole('alert')
      .filter({ hasText: 'Ward did not record the decision' })
      .filter({ hasText: 'at least 20 characters' })
      .waitFor();
    await d
      .getByLabel('The alternative measure')
      .fill('Background checks are done by the staffing agency under its own contract with us.');
    await d.getByRole('button', { name: 'Record the decision' }).click();
    await d.getByTestId('control-state').filter({ hasText: 'alternative' }).waitFor();
    await d.getByRole('table', { name: 'Decision' }).getByText('in force').waitFor();
    await d.getByText('staffing agency').first().waitFor();
    await expectNoAxeViolations(owner);
    await d.getByRole('button', { name: 'Close' }).click();
    expect(control(await posture(), c.id).state).toBe('alternative');
  });

  it('records that a conditional required specification does not apply, and only that', async () => {
    const before = await posture();
    const c = control(before, 'clearinghouse-isolation');
    expect(c).toMatchObject({ kind: 'required', state: 'failing' });
    const expected = requiredScore(
      before.controls.map((x) => (x.id === c.id ? { ...x, state: 'not_applicable' } : x)),
    );
    await openControl(owner, c, 'Administrative safeguards (164.308)');
    const d = drawer(owner, c);
    const choices = d.getByRole('radiogroup', { name: /Decision/ }).getByRole('radio');
    expect(await choices.count()).toBe(1);
    await d.getByRole('radio', { name: 'Does not apply' }).check();
    await d
      .getByLabel('Why it does not apply')
      .fill('Clinic Health is a provider, not a health care clearinghouse.');
    await d.getByRole('button', { name: 'Record the decision' }).click();
    await d.getByTestId('control-state').filter({ hasText: 'not applicable' }).waitFor();
    await d.getByRole('button', { name: 'Close' }).click();
    await owner
      .getByTestId('score-required-value')
      .filter({ hasText: `${expected}%` })
      .waitFor();
  });

  it("shows the banner on the org's pages: failing required controls, and the one that recovered", async () => {
    const p = await posture();
    const failing = p.controls.filter((c) => c.kind === 'required' && c.state === 'failing');
    expect(failing.length).toBe(p.failing_required.length);
    const first = failing[0];
    if (!first) throw new Error('expected a failing required control');
    await owner.goto(`/orgs/${ORG}/members`);
    const banner = owner.getByTestId('compliance-banner');
    await banner.getByText(`${failing.length} required HIPAA controls failing`).waitFor();
    await banner.getByText(`${first.citation} ${first.title} — ${first.message}`).waitFor();
    await banner.getByText('164.308(a)(1)(ii)(A) Risk analysis is met again (attested)').waitFor();
    await expectNoAxeViolations(owner);
    await banner.getByRole('link', { name: 'Open the Compliance tab' }).first().click();
    await owner.waitForURL(new RegExp(`/orgs/${ORG}/compliance$`));
  });

  it('lets an auditor read the tab without the forms', async () => {
    await auditor.goto(`/orgs/${ORG}/compliance`);
    await auditor.getByTestId('score-required-value').waitFor();
    await auditor.getByTestId('compliance-banner').waitFor();
    const risk = control(await posture(), 'risk-analysis');
    await openControl(auditor, risk, 'Administrative safeguards (164.308)');
    const d = drawer(auditor, risk);
    await d.getByRole('table', { name: 'Attestation' }).waitFor();
    expect(await d.getByRole('button', { name: 'Upload and attest' }).count()).toBe(0);
    expect(await d.getByRole('form').count()).toBe(0);
    await expectNoAxeViolations(auditor);
    await d.getByRole('button', { name: 'Close' }).click();
    const clearance = control(await posture(), 'workforce-clearance');
    await openControl(auditor, clearance, 'Administrative safeguards (164.308)');
    await drawer(auditor, clearance).getByRole('table', { name: 'Decision' }).waitFor();
    expect(
      await drawer(auditor, clearance).getByRole('button', { name: 'Record the decision' }).count(),
    ).toBe(0);
  });

  it('shows a developer neither the tab nor the banner, and does not ask Ward for the posture', async () => {
    const asked: string[] = [];
    developer.on('request', (r) => {
      if (r.url().includes('/compliance')) asked.push(r.url());
    });
    await developer.goto(`/orgs/${ORG}`);
    const tabs = developer.getByRole('navigation', { name: 'Organization' });
    await developer.getByRole('heading', { name: ORG, level: 1 }).waitFor();
    await developer.waitForLoadState('networkidle');
    expect(await tabs.getByRole('link', { name: 'Compliance' }).count()).toBe(0);
    expect(await developer.getByTestId('compliance-banner').count()).toBe(0);
    expect(asked).toEqual([]);
  });

  it('left no page errors or CSP refusals', () => {
    expect(browsers.flatMap((b) => b.problems)).toEqual([]);
  });
});
