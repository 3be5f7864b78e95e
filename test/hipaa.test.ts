/**
 * HIPAA enablement against a real Ward, through the API: the plan gate, the BAA (render, sign,
 * countersign, PDF), enabling and disabling HIPAA, HIPAA projects and regions, and every refusal
 * the issue lists, each with a clear message and an audit event.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256Hex } from '../src/hipaa/baa-template.js';
import { inspectDisk, judge } from '../src/regions/storage-encryption.js';
import { BUSINESS_ASSOCIATE, eventsOf, mfaUser, startHipaaWard } from './support/hipaa.js';
import { pdfText } from './support/pdf-text.js';
import { eventually, type TestWard } from './support/ward.js';

let w: TestWard;
let admin: string;
let alice: string; // owner of acme
let adam: string; // admin of acme
let bob: string; // owner of globex
let acme: string;

beforeAll(async () => {
  w = await startHipaaWard();
  admin = await w.adminToken();
  alice = await mfaUser(w, 'alice@acme.test', 'Alice Smith');
  adam = await mfaUser(w, 'adam@acme.test');
  bob = await w.user('bob@globex.test');
  acme = (await w.request('POST', '/api/v1/orgs', { token: alice, body: { name: 'acme' } })).body.id;
  await w.request('POST', '/api/v1/orgs/acme/members', {
    token: alice,
    body: { email: 'adam@acme.test', role: 'admin' },
  });
  await w.request('POST', '/api/v1/orgs', { token: bob, body: { name: 'globex' } });
});
afterAll(() => w?.stop());

/** The last refusal of `action` in acme's chain. */
async function refusal(action: string) {
  const all = await eventsOf(w, acme, action);
  const last = all.filter((e) => e.outcome !== 'success').pop();
  return { outcome: last?.outcome, message: (last?.details as any)?.error?.message as string };
}

describe('HIPAA needs the enterprise plan', () => {
  it('tells an owner on basic that enterprise is required, and records the refusal', async () => {
    const status = await w.request('GET', '/api/v1/orgs/acme/hipaa', { token: alice });
    expect(status.body).toMatchObject({
      enabled: false,
      plan: 'basic',
      required_plan: 'enterprise',
      baa: null,
    });
    expect(status.body.next_step).toMatch(/needs the enterprise plan/);
    for (const [method, path, body] of [
      ['POST', '/api/v1/orgs/acme/baa', undefined],
      ['PUT', '/api/v1/orgs/acme/hipaa', { enabled: true }],
    ] as const) {
      const r = await w.request(method, path, { token: alice, body });
      expect(r.status, path).toBe(403);
      expect(r.body.error.message).toBe(
        "HIPAA needs the enterprise plan; 'acme' is on the basic plan. The operator moves it: ward org set-plan acme enterprise",
      );
    }
    expect(await refusal('baa.request')).toMatchObject({ outcome: 'denied', message: /enterprise plan/ });
    expect(await refusal('hipaa.enable')).toMatchObject({ outcome: 'denied' });
  });

  it('renders the BAA once the operator moves the org to enterprise and the org has a legal name and address', async () => {
    expect(
      (await w.request('PATCH', '/api/v1/orgs/acme', { token: admin, body: { plan: 'enterprise' } })).status,
    ).toBe(200);
    const early = await w.request('POST', '/api/v1/orgs/acme/baa', { token: alice });
    expect(early.status).toBe(400);
    expect(early.body.error.message).toMatch(
      /'acme' has no legal name and no address yet; .*ward org set acme --legal-name/,
    );
    await w.request('PATCH', '/api/v1/orgs/acme', {
      token: alice,
      body: { settings: { legal_name: 'Acme Health, Inc.', address: '12 Main Street\nBoston, MA 02110' } },
    });
    const r = await w.request('POST', '/api/v1/orgs/acme/baa', { token: adam });
    expect(r.status).toBe(200);
    expect(r.body.template_version).toBe('v1');
    expect(r.body.document).toContain(
      'Acme Health, Inc., 12 Main Street, Boston, MA 02110 ("Covered Entity")',
    );
    expect(r.body.document).toContain(
      `${BUSINESS_ASSOCIATE.legal_name},\n${BUSINESS_ASSOCIATE.address} ("Business Associate")`,
    );
    expect(r.body.document).toContain(acme);
    expect(r.body.document).not.toMatch(/\{\{/);
    expect(r.body.document_sha256).toBe(sha256Hex(r.body.document));
    expect((await w.request('POST', '/api/v1/orgs/acme/baa', { token: adam })).body.document_sha256).toBe(
      r.body.document_sha256,
    );
  });
});

describe('the BAA', () => {
  let hash: string;
  beforeAll(async () => {
    hash = (await w.request('POST', '/api/v1/orgs/acme/baa', { token: alice })).body.document_sha256;
  });
  const sign = (token: string, body: Record<string, unknown>) =>
    w.request('POST', '/api/v1/orgs/acme/baa/sign', {
      token,
      body: { name: 'Alice Smith', title: 'CEO', ...body },
    });
  const countersign = (token: string, body: Record<string, unknown> = {}) =>
    w.request('POST', '/api/v1/orgs/acme/baa/countersign', {
      token,
      body: { document_sha256: hash, name: 'Olivia Operator', title: 'Head of Platform', ...body },
    });

  it('refuses bad signatures, each with what is missing, and audits them', async () => {
    const wrong = await sign(alice, { document_sha256: 'ab'.repeat(32), accept: true });
    expect(wrong.status).toBe(409);
    expect(wrong.body.error.message).toMatch(
      /^the document you signed \(SHA-256 abababababab…\) is not the BAA as it reads for 'acme' now \(SHA-256 [0-9a-f]{12}…, template v1\); ask for it again/,
    );
    expect(await refusal('baa.sign')).toMatchObject({
      outcome: 'failure',
      message: /is not the BAA as it reads/,
    });

    const unaccepted = await sign(alice, { document_sha256: hash });
    expect(unaccepted.status).toBe(400);
    expect(unaccepted.body.error.message).toMatch(/needs your explicit acceptance: send "accept": true/);
    expect((await sign(alice, { document_sha256: hash, accept: false })).status).toBe(400);

    const byAdmin = await sign(adam, { document_sha256: hash, accept: true });
    expect(byAdmin.status).toBe(403);
    expect(byAdmin.body.error.message).toMatch(
      /sign the BAA for the organization in 'acme' needs the owner role/,
    );
    expect(await refusal('baa.sign')).toMatchObject({ outcome: 'denied' });

    const early = await countersign(admin);
    expect(early.status).toBe(409);
    expect(early.body.error.message).toBe("'acme' has no signed BAA to countersign: its owner signs first");
    expect(await refusal('baa.countersign')).toMatchObject({ outcome: 'failure' });

    expect((await sign(alice, { document_sha256: 'not-a-hash', accept: true })).status).toBe(400);
    expect((await w.request('GET', '/api/v1/orgs/acme/hipaa', { token: alice })).body.baa).toBeNull();
  });

  it('is signed by the owner with name, title, time and address', async () => {
    const r = await sign(alice, { document_sha256: hash.toUpperCase(), accept: true });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({
      status: 'signed',
      document_sha256: hash,
      signed: {
        name: 'Alice Smith',
        title: 'CEO',
        email: 'alice@acme.test',
        ip: expect.stringMatching(/127\.0\.0\.1/),
      },
      countersigned: null,
    });
    expect(Date.now() - Date.parse(r.body.signed.at)).toBeLessThan(10_000);
    const again = await sign(alice, { document_sha256: hash, accept: true });
    expect(again.status).toBe(409);
    expect(again.body.error.message).toMatch(
      /already signed this BAA .* waits for the operator's countersignature/,
    );
    const [event] = await eventsOf(w, acme, 'baa.sign').then((e) => e.filter((x) => x.outcome === 'success'));
    expect(event?.details).toMatchObject({
      baa_id: r.body.id,
      document_sha256: hash,
      signer_name: 'Alice Smith',
    });
    expect(event?.actor).toMatchObject({
      email: 'alice@acme.test',
      ip: expect.stringMatching(/127\.0\.0\.1/),
    });
  });

  it('does not enable HIPAA before the countersignature; the PDF waits for it too', async () => {
    const r = await w.request('PUT', '/api/v1/orgs/acme/hipaa', { token: alice, body: { enabled: true } });
    expect(r.status).toBe(409);
    expect(r.body.error.message).toMatch(
      /^HIPAA is enabled once the operator countersigns the BAA Alice Smith signed on .*; it is not countersigned yet$/,
    );
    expect(await refusal('hipaa.enable')).toMatchObject({
      outcome: 'failure',
      message: /not countersigned yet/,
    });
    expect((await w.request('GET', '/api/v1/orgs/acme/baa.pdf', { token: alice })).status).toBe(409);
    const status = (await w.request('GET', '/api/v1/orgs/acme/hipaa', { token: alice })).body;
    expect(status).toMatchObject({ enabled: false, baa: { status: 'signed' } });
    expect(status.next_step).toMatch(/waits for the operator's countersignature/);
  });

  it("is listed for the operator, who alone countersigns, with the signed document's hash", async () => {
    const pending = await w.request('GET', '/api/v1/baas/pending', { token: admin });
    expect(pending.body.baas).toEqual([
      expect.objectContaining({ org_name: 'acme', status: 'signed', document_sha256: hash }),
    ]);
    expect((await w.request('GET', '/api/v1/baas/pending', { token: alice })).status).toBe(403);
    const byOwner = await countersign(alice);
    expect(byOwner.status).toBe(403);
    expect(byOwner.body.error.message).toMatch(/only the operator can countersign/);
    // Refused at the door (the route is the operator's): recorded in the operator's chain.
    const denied = await eventsOf(w, 'operator', 'access.denied');
    expect(denied.pop()).toMatchObject({
      outcome: 'denied',
      actor: { email: 'alice@acme.test' },
      details: { route: '/api/v1/orgs/:org/baa/countersign', status: 403 },
    });
    const wrong = await countersign(admin, { document_sha256: 'cd'.repeat(32) });
    expect(wrong.status).toBe(409);
    expect(wrong.body.error.message).toMatch(/has SHA-256 [0-9a-f]{12}…, not cdcdcdcdcdcd…/);
  });

  it('is executed by the countersignature, which enables HIPAA; countersigning twice is refused', async () => {
    const r = await countersign(admin);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({
      status: 'executed',
      countersigned: { name: 'Olivia Operator', title: 'Head of Platform', email: 'admin@localhost' },
    });
    const status = (await w.request('GET', '/api/v1/orgs/acme/hipaa', { token: alice })).body;
    expect(status).toMatchObject({ enabled: true, baa: { status: 'executed' }, baa_current: true });
    expect((await eventsOf(w, acme, 'hipaa.enable')).pop()).toMatchObject({
      outcome: 'success',
      details: { baa_id: r.body.id },
    });
    const twice = await countersign(admin);
    expect(twice.status).toBe(409);
    expect(twice.body.error.message).toMatch(
      /^the BAA of 'acme' is already countersigned \(by Olivia Operator on /,
    );
    expect(await refusal('baa.countersign')).toMatchObject({ message: /already countersigned/ });
    expect((await w.request('GET', '/api/v1/baas/pending', { token: admin })).body.baas).toEqual([]);
  });

  it('downloads as a PDF with both signature blocks and the document hash, for both sides', async () => {
    for (const token of [alice, admin]) {
      const res = await fetch(`${w.url}/api/v1/orgs/acme/baa.pdf`, {
        headers: { authorization: `Bearer ${token}` },
      });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('application/pdf');
      expect(res.headers.get('content-disposition')).toMatch(
        /^attachment; filename="baa-acme-baa_[a-z2-7]{16}\.pdf"$/,
      );
      const pdf = Buffer.from(await res.arrayBuffer());
      expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
      const text = pdfText(pdf);
      for (const s of [
        'Business Associate Agreement',
        'Covered Entity',
        'Alice Smith',
        'CEO',
        'Olivia Operator',
        'Head of Platform',
        'Document SHA-256',
        hash,
      ])
        expect(text, s).toContain(s);
    }
    expect((await w.request('GET', '/api/v1/orgs/acme/baa.pdf', { token: bob })).status).toBe(404);
  });

  it('keeps a HIPAA org on enterprise and says when its details no longer match the BAA', async () => {
    const r = await w.request('PATCH', '/api/v1/orgs/acme', { token: admin, body: { plan: 'scale' } });
    expect(r.status).toBe(409);
    expect(r.body.error.message).toMatch(/has HIPAA enabled, which needs the enterprise plan/);
    await w.request('PATCH', '/api/v1/orgs/acme', {
      token: alice,
      body: { settings: { address: '99 New Road, Boston' } },
    });
    expect((await w.request('GET', '/api/v1/orgs/acme/hipaa', { token: alice })).body.baa_current).toBe(
      false,
    );
    await w.request('PATCH', '/api/v1/orgs/acme', {
      token: alice,
      body: { settings: { address: '12 Main Street\nBoston, MA 02110' } },
    });
    expect((await w.request('GET', '/api/v1/orgs/acme/hipaa', { token: alice })).body.baa_current).toBe(true);
  });
});

describe('HIPAA projects and regions', () => {
  let records: any;

  it('are created in hipaa regions with audit_log_level hipaa, also through Neon’s shape', async () => {
    const plain = await w.request('POST', '/api/v1/orgs/acme/projects', {
      token: alice,
      body: { name: 'records', region_id: 'local-hipaa' },
    });
    expect(plain.status).toBe(201);
    expect(plain.body.settings.audit_log_level).toBe('hipaa');
    const neon = await w.request('POST', '/api/v1/orgs/acme/projects', {
      token: alice,
      body: { project: { name: 'claims', region_id: 'local-hipaa', settings: { audit_log_level: 'hipaa' } } },
    });
    expect(neon.status).toBe(201);
    expect(neon.body.settings.audit_log_level).toBe('hipaa');
    records = plain.body;
    for (const id of [plain.body.id, neon.body.id])
      await eventually(async () => {
        const p = (await w.request('GET', `/api/v1/projects/${id}`, { token: alice })).body;
        return p.status === 'running' ? p : undefined;
      });
  });

  it('refuses a HIPAA project in a standard region, and hipaa regions to an org without HIPAA, audited', async () => {
    const standard = await w.request('POST', '/api/v1/orgs/acme/projects', {
      token: alice,
      body: { name: 'x1', region_id: 'local', settings: { audit_log_level: 'hipaa' } },
    });
    expect(standard.status).toBe(400);
    expect(standard.body.error.message).toBe(
      "HIPAA projects run only in hipaa regions; 'local' is a standard region",
    );
    const globex = await w.request('POST', '/api/v1/orgs/globex/projects', {
      token: bob,
      body: { name: 'x2', region_id: 'local-hipaa', settings: { audit_log_level: 'standard' } },
    });
    expect(globex.status).toBe(403);
    expect(globex.body.error.message).toMatch(
      /'globex' does not have HIPAA enabled.*hipaa region 'local-hipaa'/,
    );
    const createRefusals = (await eventsOf(w, acme, 'project.create')).filter((e) => e.outcome !== 'success');
    expect(createRefusals.pop()?.details).toMatchObject({ error: { message: /run only in hipaa regions/ } });
    const globexId = (await w.request('GET', '/api/v1/orgs/globex', { token: bob })).body.id;
    expect((await eventsOf(w, globexId, 'project.create')).pop()).toMatchObject({ outcome: 'denied' });
  });

  it('keep HIPAA on: turning it off is 409 and lists them', async () => {
    const r = await w.request('PUT', '/api/v1/orgs/acme/hipaa', { token: alice, body: { enabled: false } });
    expect(r.status).toBe(409);
    expect(r.body.error.message).toMatch(
      /^'acme' has HIPAA projects, so HIPAA stays on: records \(running\), claims \(running\)\. Delete them first/,
    );
    expect((await eventsOf(w, acme, 'hipaa.disable')).pop()).toMatchObject({
      outcome: 'failure',
      details: { hipaa_projects: ['records', 'claims'] },
    });
    const status = (await w.request('GET', '/api/v1/orgs/acme/hipaa', { token: alice })).body;
    expect(status.hipaa_projects.map((p: any) => p.name)).toEqual(['records', 'claims']);
    expect(records.id).toMatch(/^prj_/);
  });

  it('show the storage encryption of each region as Ward found it, honestly', async () => {
    const { regions } = (await w.request('GET', '/api/v1/regions', { token: bob })).body;
    const dir = w.ward.home.projects;
    const disk = await inspectDisk(dir);
    const local = regions.find((r: any) => r.id === 'local');
    expect(local.storage_encryption_status).toMatchObject(judge(local.storage_encryption, dir, disk));
    expect(local.storage_encryption_status.state).toMatch(/^(verified|declared|none)$/);
    // The hipaa region declares dm-crypt, which Ward never shows as verified unless it finds it;
    // its projects' directories Ward encrypts itself, and that it verifies with the kernel.
    const hipaa = regions.find((r: any) => r.id === 'local-hipaa');
    expect(hipaa.storage_encryption).toBe('dm-crypt');
    expect(hipaa.storage_encryption_status).toMatchObject({
      state: 'verified',
      detail: expect.stringMatching(
        /^fscrypt, per-project keys: the kernel reports an fscrypt policy on all [12] project director(y|ies), each with its own key/,
      ),
    });
  });
});
