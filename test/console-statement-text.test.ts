/**
 * The break-glass read of a statement's raw text in the console, in a real browser against a real
 * Ward: an owner runs a statement with a literal through the gateway, finds its db.statement event
 * on the Audit page (normalized, no literal), is refused a too-short reason with Ward's message,
 * then opens the exact raw text with a reason; the read is in the audit log with that reason and
 * without the text, and the text is gone once the drawer closes. An auditor asking for the same
 * text sees Ward's refusal and no text.
 */
import pg from 'pg';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Browser, openBrowser, signIn as signInAs } from './support/browser.js';
import { credentials, pgConfig, projectWithPeople } from './support/gateway.js';
import { eventually, PASSWORD, startTestWard, type TestWard } from './support/ward.js';

const ORG = 'acme-glass';
const OWNER = `owner@${ORG}.test`;
const AUDITOR = `auditor@${ORG}.test`;
const PATIENT = 'Jane Doe 1980-02-03';
const RAW = `SELECT '${PATIENT}' AS patient`;
const REASON = 'Ticket 4711: the patient asked which of their records were read';

interface Event {
  id: string;
  seq: number;
  action: string;
  outcome: string;
  actor: { email?: string };
  details: Record<string, unknown>;
}

describe('console: break-glass read of a statement text', () => {
  let ward: TestWard;
  let browser: Browser;
  let page: Page;
  let ownerToken: string;
  let statement: Event;

  async function auditEvents(action: string): Promise<Event[]> {
    const r = await ward.request('GET', `/api/v1/orgs/${ORG}/audit-events?action=${action}&limit=200`, {
      token: ownerToken,
    });
    if (r.status !== 200) throw new Error(`audit events: ${r.status} ${JSON.stringify(r.body)}`);
    return r.body.events;
  }

  const signIn = (email: string) => signInAs(page, email, PASSWORD);

  /** The Audit page filtered to db.statement events, and the drawer of the statement above. */
  async function openStatement(): Promise<Locator> {
    await page.goto(`/orgs/${ORG}`);
    await page
      .getByRole('navigation', { name: 'Organization' })
      .getByRole('link', { name: 'Audit log' })
      .click();
    await page.getByRole('heading', { name: `${ORG}: Audit log`, level: 1 }).waitFor();
    await page.getByLabel('Action', { exact: true }).fill('db.statement');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    const table = page.getByRole('table', { name: /: action db\.statement$/ });
    await table.getByRole('button', { name: `Details of event ${statement.seq}`, exact: true }).click();
    const drawer = page.getByRole('dialog', { name: `Audit event ${statement.seq}` });
    await drawer.waitFor();
    return drawer;
  }

  const panelOf = (drawer: Locator) => drawer.getByRole('region', { name: 'Raw text (break-glass)' });
  const ask = async (panel: Locator, reason: string) => {
    await panel.getByLabel('Reason').fill(reason);
    await panel.getByRole('button', { name: 'Open raw text' }).click();
  };

  beforeAll(async () => {
    ward = await startTestWard();
    const project = await projectWithPeople(ward, ORG, 'records');
    ownerToken = project.tokens.owner as string;
    const creds = await credentials(ward, ownerToken, project.projectId);
    const client = new pg.Client(pgConfig(creds));
    await client.connect();
    try {
      expect((await client.query(RAW)).rows).toEqual([{ patient: PATIENT }]);
    } finally {
      await client.end();
    }
    statement = await eventually(async () =>
      (await auditEvents('db.statement')).find((e) => e.details.statement === 'SELECT $1 AS patient'),
    );
    browser = await openBrowser(ward.url);
    page = browser.page;
  });

  afterAll(async () => {
    await browser?.close();
    await ward?.stop();
  });

  it('shows the owner the normalized statement, then the exact raw text once a reason is given', async () => {
    await signIn(OWNER);
    const drawer = await openStatement();
    const details = (await drawer.getByRole('region', { name: 'Details' }).textContent()) ?? '';
    expect(details).toContain('"statement": "SELECT $1 AS patient"');
    expect(details).not.toContain('Jane Doe');
    expect(details).not.toContain('1980-02-03');

    const panel = panelOf(drawer);
    expect(await panel.textContent()).toMatch(/may contain PHI/);
    expect(await panel.textContent()).toMatch(/records each read, with your reason/);

    // Ward refuses a reason too short to say anything, and the drawer shows its message.
    await ask(panel, 'curious');
    await panel
      .getByRole('alert')
      .filter({ hasText: 'say why you need the raw text (at least 10 characters)' })
      .waitFor();
    expect(await panel.getByLabel('Raw statement text').count()).toBe(0);

    await ask(panel, REASON);
    const raw = panel.getByLabel('Raw statement text');
    await raw.waitFor();
    expect(await raw.textContent()).toBe(RAW);
    expect(await panel.getByRole('status').textContent()).toContain(`${Buffer.byteLength(RAW)} bytes`);
    expect(await panel.getByRole('alert').count()).toBe(0);

    // The text is kept nowhere but on screen: not in the address, not in web storage.
    const kept = await page.evaluate<string>(
      'location.href + JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage })',
    );
    expect(kept).not.toContain('Jane Doe');

    // Closing the drawer drops the text: the same event opens with the form again, empty.
    await drawer.getByRole('button', { name: 'Close event detail' }).click();
    await drawer.waitFor({ state: 'hidden' });
    const table = page.getByRole('table', { name: /: action db\.statement$/ });
    await table.getByRole('button', { name: `Details of event ${statement.seq}`, exact: true }).click();
    await drawer.waitFor();
    expect(await panelOf(drawer).getByLabel('Raw statement text').count()).toBe(0);
    expect(await panelOf(drawer).getByLabel('Reason').inputValue()).toBe('');
    expect(await drawer.textContent()).not.toContain('Jane Doe');
    await drawer.getByRole('button', { name: 'Close event detail' }).click();
    await drawer.waitFor({ state: 'hidden' });
  });

  it('records the read with its reason, and never the text', async () => {
    const reads = await auditEvents('db.statement.text.read');
    const read = reads.find((e) => e.details.reason === REASON && e.outcome === 'success');
    expect(read).toBeDefined();
    expect(read?.actor.email).toBe(OWNER);
    expect(read?.details).toMatchObject({
      event_id: statement.id,
      session_id: statement.details.session_id,
      text_id: statement.details.text_id,
      reason: REASON,
    });
    const json = JSON.stringify(reads);
    expect(json).not.toContain('Jane Doe');
    expect(json).not.toContain('1980-02-03');
  });

  it("shows an auditor Ward's refusal and no text", async () => {
    // Signed out only once the console shows sign-in again, so the owner's logout cannot race the next login.
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    await signIn(AUDITOR);
    const drawer = await openStatement();
    const panel = panelOf(drawer);
    await ask(panel, REASON);
    await panel.getByRole('alert').filter({ hasText: 'needs the owner role' }).waitFor();
    expect(await panel.getByLabel('Raw statement text').count()).toBe(0);
    expect(await drawer.textContent()).not.toContain('Jane Doe');

    // The refused attempt is in the audit log too, with the auditor's reason.
    const denied = await eventually(async () =>
      (await auditEvents('db.statement.text.read')).find(
        (e) => e.actor.email === AUDITOR && e.outcome === 'denied',
      ),
    );
    expect(denied.details).toMatchObject({ event_id: statement.id, reason: REASON });
    expect(browser.problems).toEqual([]);
  });
});
