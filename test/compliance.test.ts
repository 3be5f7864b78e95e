/**
 * The compliance center's own rules, through the API and the built `ward` binary against a real
 * Ward: every control of the catalog in the posture with scores that follow from the states;
 * attesting with a document (kept sealed, given back byte for byte), the review date passing and
 * the control failing, its change audited and sent to the org's alert webhook, and recovering;
 * decisions on addressable specifications, refused where the rule allows none, and expiring;
 * the day's snapshot; who may read and who may change. The live checks have their own tests
 * (compliance-people, compliance-data).
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CATALOG } from '../src/compliance/catalog.js';
import { failsWith, runWard } from './support/cli.js';
import { enableHipaa, eventsOf, mfaUser, startHipaaWard } from './support/hipaa.js';
import { filesContaining } from './support/scan.js';
import { eventually, type TestWard } from './support/ward.js';
import { startWebhook, type Webhook } from './support/webhook.js';

let w: TestWard;
let owner: string;
let auditor: string;
let developer: string;
let orgId: string;
let hook: Webhook;
let dir: string;

const day = (offsetDays: number) => new Date(Date.now() + offsetDays * 86_400_000).toISOString().slice(0, 10);
const posture = async (token = owner) => {
  const r = await w.request('GET', '/api/v1/orgs/acme/compliance', { token });
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return r.body;
};
const control = (p: any, id: string) => p.controls.find((c: any) => c.id === id);
const attest = (body: Record<string, unknown>, token = owner) =>
  w.request('POST', '/api/v1/orgs/acme/compliance/attestations', {
    token,
    body: {
      control: 'risk-analysis',
      statement: 'the annual risk analysis, approved by the board',
      file_name: 'risk-analysis.txt',
      content_type: 'text/plain',
      content_base64: Buffer.from('risk analysis 2026').toString('base64'),
      review_by: day(180),
      ...body,
    },
  });
const decide = (body: Record<string, unknown>, token = owner) =>
  w.request('POST', '/api/v1/orgs/acme/compliance/decisions', { token, body });
const ward = (token: string, ...args: string[]) =>
  runWard(args, { url: w.url, configDir: dir }, { env: { WARD_TOKEN: token } });

/** What the scores must be for these states: met is anything but failing; 100 only when all are. */
function expectedScores(controls: { kind: string; state: string }[]) {
  const share = (kind: string) => {
    const of = controls.filter((c) => c.kind === kind);
    return Math.floor((100 * of.filter((c) => c.state !== 'failing').length) / of.length);
  };
  return { required_score: share('required'), addressable_score: share('addressable') };
}

beforeAll(async () => {
  w = await startHipaaWard();
  dir = await mkdtemp(join(tmpdir(), 'ward-compliance-'));
  owner = await mfaUser(w, 'owner@acme.test');
  auditor = await mfaUser(w, 'auditor@acme.test');
  developer = await mfaUser(w, 'dev@acme.test');
  const created = await w.request('POST', '/api/v1/orgs', { token: owner, body: { name: 'acme' } });
  orgId = created.body.id;
  for (const [email, role] of [
    ['auditor@acme.test', 'auditor'],
    ['dev@acme.test', 'developer'],
  ])
    expect(
      (await w.request('POST', '/api/v1/orgs/acme/members', { token: owner, body: { email, role } })).status,
    ).toBe(201);
  await enableHipaa(w, 'acme', owner);
  hook = await startWebhook();
  expect(
    (await w.request('PUT', '/api/v1/orgs/acme/alert-webhook', { token: owner, body: { url: hook.url } }))
      .status,
  ).toBe(200);
});
afterAll(async () => {
  await w?.stop();
  await hook?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('the posture', () => {
  it('lists every control of the catalog with its citation, kind and state, and scores that follow from them', async () => {
    const p = await posture();
    expect(p.controls.map((c: any) => c.citation)).toEqual(CATALOG.map((c) => c.citation));
    expect(p).toMatchObject(expectedScores(p.controls));
    expect(p.required_met).toBe(false);
    expect(p.failing_required).toContain('risk-analysis');
    const risk = control(p, 'risk-analysis');
    expect(risk).toMatchObject({
      kind: 'required',
      responsibility: 'customer',
      check: 'attestation',
      state: 'failing',
    });
    expect(risk.message).toContain('ward compliance attest --control risk-analysis');
  });

  it('keeps a snapshot of the day for the history', async () => {
    const p = await posture();
    const today = p.history.at(-1);
    expect(today).toEqual({
      day: p.checked_at.slice(0, 10),
      required_score: p.required_score,
      addressable_score: p.addressable_score,
      required_met: p.required_met,
    });
  });

  it('is for owners, admins, auditors and the operator; not for developers', async () => {
    expect((await w.request('GET', '/api/v1/orgs/acme/compliance', { token: auditor })).status).toBe(200);
    expect(
      (await w.request('GET', '/api/v1/orgs/acme/compliance', { token: await w.adminToken() })).status,
    ).toBe(200);
    expect((await w.request('GET', '/api/v1/orgs/acme/compliance', { token: developer })).status).toBe(403);
  });
});

describe('attestations', () => {
  let attestationId: string;

  it('attest a control with a document kept sealed, and the required score rises by that control', async () => {
    const before = await posture();
    const secret = `finding-${Date.now()}-unguessable`;
    const r = await attest({ content_base64: Buffer.from(`Risk analysis. ${secret}`).toString('base64') });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    attestationId = r.body.id;
    const after = await posture();
    expect(control(after, 'risk-analysis')).toMatchObject({ state: 'attested' });
    expect(control(after, 'risk-analysis').attestation).toMatchObject({
      id: attestationId,
      file_name: 'risk-analysis.txt',
      review_by: day(180),
    });
    const required = before.controls.filter((c: any) => c.kind === 'required');
    const metBefore = required.filter((c: any) => c.state !== 'failing').length;
    expect(after.required_score).toBe(Math.floor((100 * (metBefore + 1)) / required.length));

    const doc = await fetch(`${w.url}/api/v1/orgs/acme/compliance/attestations/${attestationId}`, {
      headers: { authorization: `Bearer ${auditor}` },
    });
    expect(doc.status).toBe(200);
    const bytes = Buffer.from(await doc.arrayBuffer());
    expect(bytes.toString()).toBe(`Risk analysis. ${secret}`);
    expect(doc.headers.get('x-ward-sha256')).toBe(r.body.sha256);
    expect(await filesContaining(join(w.home, 'control'), secret)).toEqual([]);
  });

  it('refuses what cannot be attested, with a message that says what to fix', async () => {
    const unreal = await attest({ review_by: '2027-02-30' });
    expect(unreal.status).toBe(400);
    expect(unreal.body.error.message).toMatch(/not a day of the calendar/);
    const past = await attest({ review_by: day(-1) });
    expect(past.status).toBe(400);
    expect(past.body.error.message).toMatch(/review date must be .* after today/);
    const live = await attest({ control: 'automatic-logoff' });
    expect(live.status).toBe(400);
    expect(live.body.error.message).toMatch(/checked by Ward itself/);
    const unknown = await attest({ control: 'no-such-control' });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.message).toMatch(/no control 'no-such-control'/);
    expect((await attest({}, auditor)).status).toBe(403);
  });

  it('fails the control once its review date passes: the change is audited and alerted, and so is the recovery', async () => {
    await w.ward.services.db
      .updateTable('compliance_attestations')
      .set({ review_by: day(-1) })
      .where('id', '=', attestationId)
      .execute();
    const p = await posture();
    expect(control(p, 'risk-analysis').state).toBe('failing');
    expect(control(p, 'risk-analysis').message).toContain(`review date ${day(-1)} has passed`);
    const changes = await eventsOf(w, orgId, 'compliance.control.change');
    expect(changes.at(-1)).toMatchObject({
      outcome: 'failure',
      actor: { type: 'system' },
      target: { type: 'compliance_control', id: 'risk-analysis' },
      details: { control_id: 'risk-analysis', kind: 'required', from: 'attested', to: 'failing' },
    });
    const failing = await eventually(async () =>
      hook.bodies.find((b) => b.alert === 'compliance.control.failing' && b.control === 'risk-analysis'),
    );
    expect(failing).toMatchObject({ org_id: orgId, citation: '164.308(a)(1)(ii)(A)', state: 'failing' });
    expect(failing.message).toContain('has passed');

    expect((await attest({})).status).toBe(201);
    const again = await posture();
    expect(control(again, 'risk-analysis')).toMatchObject({ state: 'attested', previous_state: 'failing' });
    await eventually(async () =>
      hook.bodies.find((b) => b.alert === 'compliance.control.recovered' && b.control === 'risk-analysis'),
    );
  });
});

describe("a control's audit events", () => {
  it('are listed by target, in the API and the CLI; a target needs an action', async () => {
    const r = await w.request(
      'GET',
      '/api/v1/orgs/acme/audit-events?action=compliance.*&target=risk-analysis',
      {
        token: auditor,
      },
    );
    expect(r.status).toBe(200);
    const actions = r.body.events.map((e: any) => e.action);
    expect(actions).toContain('compliance.attest');
    expect(actions).toContain('compliance.control.change');
    expect(r.body.events.every((e: any) => e.target.id === 'risk-analysis')).toBe(true);
    const all = await w.request('GET', '/api/v1/orgs/acme/audit-events?action=compliance.*', {
      token: auditor,
    });
    expect(all.body.events.some((e: any) => e.target.id !== 'risk-analysis')).toBe(true);
    const bare = await w.request('GET', '/api/v1/orgs/acme/audit-events?target=risk-analysis', {
      token: auditor,
    });
    expect(bare.status).toBe(400);
    expect(bare.body.error.message).toMatch(/needs an action/);
    const cli = await ward(
      auditor,
      'audit',
      'list',
      '--org',
      'acme',
      '--action',
      'compliance.*',
      '--target',
      'risk-analysis',
      '--json',
    );
    expect(cli.code, cli.stderr).toBe(0);
    expect(JSON.parse(cli.stdout).map((e: any) => e.id)).toEqual(r.body.events.map((e: any) => e.id));
  });
});

describe('decisions on addressable specifications', () => {
  it('record an alternative measure, which the control then shows', async () => {
    const r = await decide({
      control: 'encryption-at-rest',
      decision: 'alternative',
      rationale: 'the hosts use self-encrypting drives (AES-256) managed by the data centre',
    });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    const c = control(await posture(), 'encryption-at-rest');
    expect(c.state).toBe('alternative');
    expect(c.decision).toMatchObject({ decision: 'alternative', in_force: true });
    expect(new Date(c.decision.expires_at).getTime() - Date.now()).toBeGreaterThan(364 * 86_400_000);
    const [event] = (await eventsOf(w, orgId, 'compliance.decide')).slice(-1);
    expect(event?.details).toMatchObject({ control_id: 'encryption-at-rest', decision: 'alternative' });
  });

  it('are refused for required specifications and for "does not apply" where it always applies', async () => {
    const required = await decide({
      control: 'audit-controls',
      decision: 'alternative',
      rationale: 'we review paper logs every week instead',
    });
    expect(required.status).toBe(400);
    expect(required.body.error.message).toMatch(/is required/);
    const always = await decide({
      control: 'automatic-logoff',
      decision: 'not_applicable',
      rationale: 'we do not think this applies to us at all',
    });
    expect(always.status).toBe(400);
    const short = await decide({ control: 'automatic-logoff', decision: 'alternative', rationale: 'no' });
    expect(short.status).toBe(400);
    expect(short.body.error.message).toMatch(/20 characters/);
  });

  it('"does not apply" is accepted where the rule applies to some entities only', async () => {
    const r = await decide({
      control: 'clearinghouse-isolation',
      decision: 'not_applicable',
      rationale: 'acme is a provider, not a health care clearinghouse',
    });
    expect(r.status).toBe(201);
    expect(control(await posture(), 'clearinghouse-isolation').state).toBe('not_applicable');
  });

  it('expire after 12 months: the control is decided again by its check or attestation', async () => {
    await w.ward.services.db
      .updateTable('compliance_decisions')
      .set({ expires_at: new Date(Date.now() - 1000) })
      .where('control_id', '=', 'clearinghouse-isolation')
      .execute();
    const c = control(await posture(), 'clearinghouse-isolation');
    expect(c.decision.in_force).toBe(false);
    expect(c.state).toBe('failing');
  });
});

describe('ward compliance', () => {
  it('status prints the scores and failing controls, and exits 1 while a required control fails', async () => {
    const p = await posture();
    const r = await ward(owner, 'compliance', 'status', '--org', 'acme');
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain(`HIPAA Required ${p.required_score}% · Addressable ${p.addressable_score}%`);
    expect(r.stdout).toContain('[clearinghouse-isolation]');
  });

  it('controls lists them, filtered by state', async () => {
    const r = await ward(auditor, 'compliance', 'controls', '--org', 'acme', '--state', 'attested', '--json');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).map((c: any) => c.id)).toEqual(['risk-analysis']);
    failsWith(
      await ward(auditor, 'compliance', 'controls', '--org', 'acme', '--state', 'green'),
      /--state must be one of/,
    );
  });

  it('attest, decide and document do what the API does', async () => {
    const file = join(dir, 'sanctions.txt');
    await writeFile(file, 'Sanction policy v3');
    const attested = await ward(
      owner,
      'compliance',
      'attest',
      '--org',
      'acme',
      '--control',
      'sanction-policy',
      '--file',
      file,
      '--review-by',
      day(365),
    );
    expect(attested.code, attested.stderr).toBe(0);
    const id = /\((att_[a-z0-9]+),/.exec(attested.stdout)?.[1] ?? '';
    expect(control(await posture(), 'sanction-policy').state).toBe('attested');
    const out = join(dir, 'back.txt');
    expect((await ward(auditor, 'compliance', 'document', id, '--org', 'acme', '--out', out)).code).toBe(0);
    expect(await readFile(out, 'utf8')).toBe('Sanction policy v3');

    const decided = await ward(
      owner,
      'compliance',
      'decide',
      '--org',
      'acme',
      '--control',
      'clearinghouse-isolation',
      '--decision',
      'not_applicable',
      '--rationale',
      'acme is a provider, not a clearinghouse',
    );
    expect(decided.code, decided.stderr).toBe(0);
    expect(control(await posture(), 'clearinghouse-isolation').state).toBe('not_applicable');
    failsWith(
      await ward(
        owner,
        'compliance',
        'decide',
        '--org',
        'acme',
        '--control',
        'audit-controls',
        '--decision',
        'alternative',
        '--rationale',
        'paper logs reviewed weekly instead',
      ),
      /is required/,
    );
    failsWith(
      await ward(
        auditor,
        'compliance',
        'attest',
        '--org',
        'acme',
        '--control',
        'sanction-policy',
        '--file',
        file,
        '--review-by',
        day(30),
      ),
      /.+/,
    );
  });
});
