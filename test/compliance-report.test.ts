/**
 * The signed compliance report against a real Ward and the built `ward` binary: a HIPAA org with an
 * attestation and a decision issues a report whose JSON verifies with Ward's public key (as
 * `/api/v1/audit/public-key` serves it) and fails with one changed byte; its PDF shows both
 * scores, every safeguard, the decision's rationale, the BAA's hash and the signature; auditors
 * may issue and download it, developers and members may not, outsiders do not see the org;
 * `compliance.report` is recorded; `ward compliance report` saves the PDF and the signed JSON and
 * `ward compliance verify-report` checks it offline, exiting 1 with one line when it is tampered
 * with or signed by another key than the one pinned; in Chromium, an auditor issues a report on
 * the console and downloads its PDF and its signed JSON.
 */
import { generateKeyPairSync } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CATALOG, earliestEffective, SAFEGUARD_TITLES } from '../src/compliance/index.js';
import { checkSignedReport } from '../src/evidence/index.js';
import { verifySignature } from '../src/lib/signing.js';
import { expectNoAxeViolations, openBrowser } from './support/browser.js';
import { failsWith, type Run, runWard } from './support/cli.js';
import { cookieSession, enableHipaa, eventsOf, mfaUser, startHipaaWard } from './support/hipaa.js';
import { pdfText } from './support/pdf-text.js';
import type { TestWard } from './support/ward.js';

let w: TestWard;
let dir: string;
let orgId: string;
let publicKey: string;
let baaHash: string;
const tokens: Record<string, string> = {};

const RATIONALE = 'Endpoint protection is run by our MSP.';
const REVIEW_BY = new Date(Date.now() + 200 * 86_400_000).toISOString().slice(0, 10);
const reports = '/api/v1/orgs/acme/compliance/reports';

async function ok<T = any>(method: string, path: string, token: string, body?: unknown): Promise<T> {
  const r = await w.request(method, path, { token, body });
  if (r.status >= 300) throw new Error(`${method} ${path}: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
}

async function pdfOf(path: string, token: string): Promise<{ text: string; headers: Headers }> {
  const res = await fetch(`${w.url}${path}`, { headers: { authorization: `Bearer ${token}` } });
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toBe('application/pdf');
  const pdf = Buffer.from(await res.arrayBuffer());
  expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
  return { text: pdfText(pdf).replace(/\s+/g, ' '), headers: res.headers };
}

const ward = (args: string[], token?: string, url = w.url) =>
  runWard(args, { url, configDir: dir }, { env: token ? { WARD_TOKEN: token } : {} });

function succeeded(r: Run): string {
  expect(r.stderr, r.stderr).toBe('');
  expect(r.code).toBe(0);
  return r.stdout;
}

beforeAll(async () => {
  w = await startHipaaWard();
  dir = await mkdtemp(join(tmpdir(), 'ward-report-'));
  for (const role of ['owner', 'auditor', 'developer', 'member', 'outsider'])
    tokens[role] = await mfaUser(w, `${role}@acme.test`);
  orgId = (await ok('POST', '/api/v1/orgs', tokens.owner as string, { name: 'acme' })).id;
  await enableHipaa(w, 'acme', tokens.owner as string);
  for (const role of ['auditor', 'developer', 'member'])
    await ok('POST', '/api/v1/orgs/acme/members', tokens.owner as string, {
      email: `${role}@acme.test`,
      role,
    });
  await ok('POST', '/api/v1/orgs/acme/compliance/attestations', tokens.owner as string, {
    control: 'risk-analysis',
    statement: 'Our 2026 risk analysis',
    file_name: 'risk-analysis-2026.pdf',
    content_base64: Buffer.from('the risk analysis, reviewed').toString('base64'),
    review_by: REVIEW_BY,
  });
  await ok('POST', '/api/v1/orgs/acme/compliance/decisions', tokens.owner as string, {
    control: 'malware-protection',
    decision: 'alternative',
    rationale: RATIONALE,
  });
  // A subprocessor announced with the notice period, whose day has since come.
  const sub = await ok('POST', '/api/v1/subprocessors', await w.adminToken(), {
    name: 'Example Backup Co',
    purpose: 'off-site copies of encrypted backups',
    location: 'Canada',
    phi: true,
    effective_at: earliestEffective(new Date(), 30).day,
  });
  await sql`UPDATE ward.subprocessor_versions SET effective_at = now() - interval '1 day'
    WHERE subprocessor_id = ${sub.id}`.execute(w.ward.services.db);
  baaHash = (await ok('GET', '/api/v1/orgs/acme/baa', tokens.owner as string)).document_sha256;
  publicKey = (await ok('GET', '/api/v1/audit/public-key', tokens.auditor as string)).public_key;
});
afterAll(async () => {
  await w?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('the signed compliance report', () => {
  let id: string;
  let file: { id: string; document: string; signature: string; public_key: string; key_id: string };

  it("is signed with Ward's key, and one changed byte breaks the signature", async () => {
    const issued = await ok('POST', reports, tokens.owner as string);
    id = issued.id;
    expect(id).toMatch(/^rpt_/);
    file = await ok('GET', `${reports}/${id}.json`, tokens.owner as string);
    expect(file.public_key).toBe(publicKey);
    expect(verifySignature(publicKey, file.document, Buffer.from(file.signature, 'base64'))).toBe(true);
    expect(checkSignedReport(file, publicKey)).toMatchObject({ ok: true, pinned: true, checkpoint: 'valid' });

    const at = file.document.indexOf('"required_score":') + '"required_score":'.length;
    const changed = `${file.document.slice(0, at)}${file.document[at] === '9' ? '8' : '9'}${file.document.slice(at + 1)}`;
    expect(verifySignature(publicKey, changed, Buffer.from(file.signature, 'base64'))).toBe(false);
    expect(checkSignedReport({ ...file, document: changed }, publicKey)).toMatchObject({ ok: false });
  });

  it('holds the scores, every control with its evidence, attestations, decisions, the BAA and a checkpoint', async () => {
    const doc = JSON.parse(file.document);
    expect(doc).toMatchObject({
      type: 'ward.compliance-report',
      version: 1,
      id,
      issuer: { name: 'Ward Hosting LLC', signing_key_id: file.key_id },
      organization: { id: orgId, name: 'acme', legal_name: 'acme Health Inc.', hipaa_enabled: true },
      baa: { document_sha256: baaHash, template_version: expect.any(String) },
      subprocessors: [expect.objectContaining({ name: 'Example Backup Co', location: 'Canada', phi: true })],
    });
    expect(doc.scores).toEqual({
      required_score: expect.any(Number),
      addressable_score: expect.any(Number),
      required_met: expect.any(Boolean),
    });
    expect(doc.history.length).toBeGreaterThanOrEqual(1);
    expect(doc.controls.map((c: { id: string }) => c.id)).toEqual(CATALOG.map((c) => c.id));
    for (const c of doc.controls)
      expect(Object.keys(c)).toEqual(
        expect.arrayContaining([
          'citation',
          'kind',
          'responsibility',
          'threshold',
          'state',
          'since',
          'message',
          'evidence',
        ]),
      );
    expect(doc.attestations).toEqual([
      expect.objectContaining({
        control_id: 'risk-analysis',
        file_name: 'risk-analysis-2026.pdf',
        review_by: REVIEW_BY,
        attested_by: 'owner@acme.test',
      }),
    ]);
    expect(file.document).not.toContain(Buffer.from('the risk analysis, reviewed').toString('base64'));
    expect(doc.decisions).toEqual([
      expect.objectContaining({
        control_id: 'malware-protection',
        decision: 'alternative',
        rationale: RATIONALE,
        in_force: true,
      }),
    ]);
    expect(doc.audit_checkpoint).toMatchObject({ chain: orgId, key_id: file.key_id });
    expect(doc.audit_checkpoint.signed_note).toContain(`ward/${file.key_id}/${orgId}\n`);
  });

  it('renders the same report as a PDF: both scores, every safeguard, the rationale, the BAA hash, the signature', async () => {
    const doc = JSON.parse(file.document);
    const { text, headers } = await pdfOf(`${reports}/${id}.pdf`, tokens.owner as string);
    expect(headers.get('x-ward-report-id')).toBe(id);
    expect(text).toContain(`HIPAA Required ${doc.scores.required_score}%`);
    expect(text).toContain(`HIPAA Addressable ${doc.scores.addressable_score}%`);
    for (const title of Object.values(SAFEGUARD_TITLES)) expect(text).toContain(title);
    expect(text).toContain(RATIONALE);
    expect(text).toContain(baaHash);
    expect(text).toContain('Example Backup Co');
    expect(text).toContain(id);
    const list = await ok('GET', reports, tokens.owner as string);
    expect(list.reports[0]).toMatchObject({ id });
    expect(text).toContain(list.reports[0].sha256);
    expect(text).toContain(file.signature.slice(0, 60));
    expect(text).toContain(doc.audit_checkpoint.root_hash);
    expect(text).toContain('ward compliance verify-report');
  });

  it('records compliance.report with the scores and the hash', async () => {
    const [event] = (await eventsOf(w, orgId, 'compliance.report')).filter((e) => e.details.report_id === id);
    const list = await ok('GET', reports, tokens.owner as string);
    expect(event).toMatchObject({
      outcome: 'success',
      actor: { email: 'owner@acme.test' },
      details: { sha256: list.reports.find((r: { id: string }) => r.id === id).sha256 },
    });
  });

  it('is for owners and auditors: developers and members are refused, outsiders do not see the org', async () => {
    const { text, headers } = await pdfOf(
      '/api/v1/orgs/acme/compliance/report.pdf',
      tokens.auditor as string,
    );
    expect(text).toContain('HIPAA Required');
    expect(headers.get('x-ward-report-id')).toMatch(/^rpt_/);
    const fresh = await ok('GET', '/api/v1/orgs/acme/compliance/report.json', tokens.auditor as string);
    expect(fresh.id).not.toBe(headers.get('x-ward-report-id'));
    expect(checkSignedReport(fresh, publicKey)).toMatchObject({ ok: true });
    for (const role of ['developer', 'member']) {
      expect((await w.request('POST', reports, { token: tokens[role] })).status).toBe(403);
      expect(
        (await w.request('GET', '/api/v1/orgs/acme/compliance/report.pdf', { token: tokens[role] })).status,
      ).toBe(403);
      expect((await w.request('GET', `${reports}/${id}.json`, { token: tokens[role] })).status).toBe(403);
    }
    expect((await w.request('GET', `${reports}/${id}.pdf`, { token: tokens.outsider })).status).toBe(404);
  });
});

describe('ward compliance report and verify-report', () => {
  let json: string;
  let pem: string;

  it('saves the PDF and the signed JSON beside it', async () => {
    const out = join(dir, 'acme-hipaa.pdf');
    const said = succeeded(
      await ward(['compliance', 'report', '--org', 'acme', '--out', out], tokens.auditor),
    );
    expect(said).toMatch(/^Report rpt_[a-z2-7]{16}: HIPAA Required \d+% · Addressable \d+%/);
    expect(said).toContain(`Saved ${out} and ${join(dir, 'acme-hipaa.json')}`);
    expect((await readFile(out)).subarray(0, 5).toString()).toBe('%PDF-');
    json = join(dir, 'acme-hipaa.json');
    pem = join(dir, 'ward.pem');
    await writeFile(pem, succeeded(await ward(['audit', 'public-key'])));
  });

  it('verifies offline (no Ward at the URL), saying which key it used', async () => {
    const offline = 'http://127.0.0.1:9';
    const pinned = succeeded(
      await ward(['compliance', 'verify-report', json, '--public-key', pem], undefined, offline),
    );
    expect(pinned).toMatch(/^Valid: compliance report rpt_\S+ of acme \(org_\S+\), issued /);
    expect(pinned).toMatch(/HIPAA Required \d+% · Addressable \d+%/);
    expect(pinned).toContain('the key you gave with --public-key');
    expect(pinned).toContain('signature valid');
    const embedded = succeeded(await ward(['compliance', 'verify-report', json], undefined, offline));
    expect(embedded).toContain('the key inside the file: this proves the file is intact, not who issued it');
  });

  it('fails with one line on a tampered report or another key', async () => {
    const file = JSON.parse(await readFile(json, 'utf8'));
    const tampered = join(dir, 'tampered.json');
    await writeFile(
      tampered,
      JSON.stringify({ ...file, document: file.document.replace('"name":"acme"', '"name":"acmf"') }),
    );
    failsWith(
      await ward(['compliance', 'verify-report', tampered, '--public-key', pem]),
      /does not verify: the signature does not verify/,
      {
        quiet: true,
      },
    );
    const other = join(dir, 'other.pem');
    await writeFile(other, generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'pem' }));
    failsWith(
      await ward(['compliance', 'verify-report', json, '--public-key', other]),
      /not signed by the key you gave/,
      {
        quiet: true,
      },
    );
    expect((await ward(['compliance', 'verify-report', json, '--public-key', other])).code).toBe(1);
  });
});

describe('the console', () => {
  it('lets an auditor issue a report and download its PDF and signed JSON', async () => {
    const browser = await openBrowser(w.url, { acceptDownloads: true });
    try {
      const { page, context } = browser;
      await context.addCookies(await cookieSession(w, 'auditor@acme.test'));
      await page.goto('/orgs/acme/compliance');
      const section = page.getByRole('region', { name: 'Signed compliance report' });
      const before = (await ok('GET', reports, tokens.auditor as string)).reports.length;
      await section.getByRole('button', { name: 'Issue a report now' }).click();
      // Issuing one builds the posture, a PDF and a signature: give a loaded machine 45 s.
      const newest = await (async () => {
        for (const deadline = Date.now() + 45_000; Date.now() < deadline; ) {
          const list = (await ok('GET', reports, tokens.auditor as string)).reports;
          if (list.length > before) return list[0].id as string;
          await new Promise((r) => setTimeout(r, 100));
        }
        throw new Error('the console issued no report');
      })();
      const [json] = await Promise.all([
        page.waitForEvent('download'),
        section.getByRole('button', { name: `Download ${newest} as signed JSON` }).click(),
      ]);
      expect(json.suggestedFilename()).toBe(`hipaa-report-acme-${newest}.json`);
      const saved = JSON.parse(await readFile(await json.path(), 'utf8'));
      expect(checkSignedReport(saved, publicKey)).toMatchObject({ ok: true, report: { id: newest } });
      const [pdf] = await Promise.all([
        page.waitForEvent('download'),
        section.getByRole('button', { name: `Download ${newest} as PDF` }).click(),
      ]);
      expect(pdf.suggestedFilename()).toBe(`hipaa-report-acme-${newest}.pdf`);
      expect((await readFile(await pdf.path())).subarray(0, 5).toString()).toBe('%PDF-');
      await expectNoAxeViolations(page);
      expect(browser.problems).toEqual([]);
    } finally {
      await browser.close();
    }
  });
});
