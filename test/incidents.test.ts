/**
 * Incidents against a real Ward (real PostgreSQL): an admin records an incident citing an audit
 * event, records who knew when (the discovery date is derived), affected counts per State, the
 * risk assessment, law-enforcement holds (refused without their documentation, a written letter
 * sealed and read back, deadlines moved), drafts notices (a late schedule needs a reason), cannot
 * mark one sent while 164.404(c) content is missing or a hold is in force, renders its letter,
 * and issues an evidence packet whose JSON verifies offline (and fails with one changed byte).
 * Auditors read, members may not, outsiders see nothing; every step is audited and on the timeline.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkIncidentPacket } from '../src/evidence/index.js';
import { addDays } from '../src/incidents/index.js';
import { eventsOf } from './support/hipaa.js';
import { pdfText } from './support/pdf-text.js';
import { startTestWard, type TestWard } from './support/ward.js';

let w: TestWard;
let orgId: string;
let publicKey: string;
const t: Record<string, string> = {};
const today = new Date().toISOString().slice(0, 10);
const discovered = addDays(today, -20);
const base = '/api/v1/orgs/acme/incidents';

async function ok<T = any>(method: string, path: string, token: string, body?: unknown): Promise<T> {
  const r = await w.request(method, path, { token, body });
  if (r.status >= 300) throw new Error(`${method} ${path}: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
}
async function refused(
  method: string,
  path: string,
  token: string,
  body: unknown,
  status: number,
  message: RegExp,
) {
  const r = await w.request(method, path, { token, body });
  expect(r.status, JSON.stringify(r.body)).toBe(status);
  expect(r.body.error.message).toMatch(message);
}
async function pdf(path: string, token: string): Promise<string> {
  const res = await fetch(`${w.url}${path}`, { headers: { authorization: `Bearer ${token}` } });
  expect(res.status).toBe(200);
  const bytes = Buffer.from(await res.arrayBuffer());
  expect(bytes.subarray(0, 5).toString()).toBe('%PDF-');
  return pdfText(bytes).replace(/\s+/g, ' ');
}

const COMPLETE = {
  description: 'A workstation with a copy of the appointments table was stolen from the clinic.',
  phi_types: ['names', 'dates of service', 'diagnosis codes'],
  steps: 'Review the statements you receive from your health plan and report anything unusual.',
  org_actions: 'We reported the theft to the police, reset every credential and encrypted all workstations.',
  contact: { toll_free: '1-800-555-0100', email: 'privacy@acme.test' },
};

beforeAll(async () => {
  w = await startTestWard();
  for (const who of ['owner', 'admin', 'auditor', 'member', 'outsider'])
    t[who] = await w.user(`${who}@acme.test`, { name: who });
  orgId = (await ok('POST', '/api/v1/orgs', t.owner as string, { name: 'acme' })).id;
  for (const role of ['admin', 'auditor', 'member'])
    await ok('POST', '/api/v1/orgs/acme/members', t.owner as string, { email: `${role}@acme.test`, role });
  publicKey = (
    (await fetch(`${w.url}/api/v1/audit/public-key`).then((r) => r.json())) as { public_key: string }
  ).public_key;
}, 120_000);
afterAll(() => w?.stop());

describe('an incident from record to evidence packet', () => {
  let id: string;
  let cited: string;

  it('is recorded by an admin, citing an audit event, with an owner who is a member', async () => {
    const events = await ok('GET', '/api/v1/orgs/acme/audit-events?limit=5', t.admin as string);
    cited = events.events[0].id;
    await refused(
      'POST',
      base,
      t.admin as string,
      { title: 'x', reported_by: 'y', owner: 'outsider@acme.test' },
      400,
      /must be a member/,
    );
    await refused(
      'POST',
      base,
      t.admin as string,
      { title: 'x', reported_by: 'y', sources: [{ type: 'audit_event', id: 'evt_aaaaaaaaaaaaaaaa' }] },
      400,
      /not an audit event of 'acme'/,
    );
    const i = await ok('POST', base, t.admin as string, {
      title: 'Stolen workstation',
      summary: 'A workstation was taken from the front desk.',
      occurred_from: addDays(today, -25),
      reported_by: 'Front desk',
      owner: 'admin@acme.test',
      sources: [{ type: 'audit_event', id: cited }],
    });
    id = i.id;
    expect(i).toMatchObject({
      status: 'open',
      owner: { email: 'admin@acme.test' },
      audit_events: [{ id: cited }],
    });
    expect(i.discovery.discovered_on).toBeNull();
    expect(i.timeline).toHaveLength(1);
  });

  it('is read by auditors, refused to members, invisible to outsiders', async () => {
    expect((await ok('GET', base, t.auditor as string)).incidents[0]).toMatchObject({
      id,
      determination: 'breach',
    });
    await refused('GET', `${base}/${id}`, t.member as string, undefined, 403, /./);
    await refused('PATCH', `${base}/${id}`, t.auditor as string, { status: 'assessing' }, 403, /./);
    await refused('GET', `${base}/${id}`, t.outsider as string, undefined, 404, /no organization/);
    const denied = await eventsOf(w, orgId, 'incident.update');
    expect(denied.at(-1)).toMatchObject({ outcome: 'denied' });
  });

  it('derives the discovery date from who knew when, leaving out the person who committed it', async () => {
    await ok('POST', `${base}/${id}/knowledge`, t.admin as string, {
      person: 'Eve (took it)',
      relation: 'workforce',
      known_on: addDays(today, -25),
      committed_breach: true,
    });
    let i = await ok('POST', `${base}/${id}/knowledge`, t.admin as string, {
      person: 'Bob',
      relation: 'workforce',
      known_on: addDays(today, -18),
    });
    expect(i.discovery.discovered_on).toBe(addDays(today, -18));
    i = await ok('POST', `${base}/${id}/knowledge`, t.admin as string, {
      person: 'Agent Ann',
      relation: 'agent',
      known_on: discovered,
      basis: 'should_have_known',
    });
    expect(i.discovery).toMatchObject({ discovered_on: discovered, by: 'Agent Ann' });
    await refused(
      'POST',
      `${base}/${id}/knowledge`,
      t.admin as string,
      { person: 'X', relation: 'workforce', known_on: '2027-02-30' },
      400,
      /real date/,
    );
  });

  it('computes the obligations from affected counts per State', async () => {
    await ok('PATCH', `${base}/${id}`, t.admin as string, {
      status: 'assessing',
      affected: {
        by_state: { MA: 501, NH: 20 },
        insufficient_contact: 12,
        deceased: 1,
        misuse_imminent: false,
      },
    });
    const o = await ok('GET', `${base}/${id}/obligations`, t.auditor as string);
    const ids = o.obligations.map((x: { id: string }) => x.id);
    expect(ids).toEqual(['individuals', 'substitute', 'next_of_kin', 'media:MA', 'secretary']);
    const individuals = o.obligations[0];
    expect(individuals).toMatchObject({
      deadline: addDays(discovered, 60),
      days_left: 40,
      citation: '164.404(b), (d)(1)',
    });
    expect(o.obligations[1].citation).toBe('164.404(d)(2)(ii)');
    expect(o).toMatchObject({ discovered_on: discovered, affected_total: 521, determination: 'breach' });
  });

  it('records the risk assessment and its determination', async () => {
    const i = await ok('PUT', `${base}/${id}/assessment`, t.admin as string, {
      factors: {
        nature: {
          finding: 'names and diagnoses',
          evidence: 'table schema',
          supports_low_probability: false,
          identifiers: ['name'],
          reidentification: 'high',
        },
      },
      unsecured: true,
    });
    expect(i.determination.determination).toBe('breach');
    expect(i.determination.open).toContain('factor recipient: finding and evidence');
  });

  it('refuses holds without their documentation and moves deadlines with a written one', async () => {
    await refused(
      'POST',
      `${base}/${id}/holds`,
      t.admin as string,
      { kind: 'oral', stated_on: today, agency: 'City police', statement: 'hold off' },
      400,
      /official_name/,
    );
    await refused(
      'POST',
      `${base}/${id}/holds`,
      t.admin as string,
      { kind: 'written', stated_on: today, agency: 'FBI', statement: 'hold', until: addDays(today, 60) },
      400,
      /document/,
    );
    const letter = Buffer.from('FBI letter: delay notification until further notice');
    const i = await ok('POST', `${base}/${id}/holds`, t.admin as string, {
      kind: 'written',
      stated_on: addDays(today, -1),
      until: addDays(today, 60),
      agency: 'FBI',
      official_name: 'SA Dana Scully',
      statement: 'Notice would impede an ongoing investigation.',
      document: {
        file_name: 'fbi-letter.txt',
        content_type: 'text/plain',
        content_base64: letter.toString('base64'),
      },
    });
    expect(i.hold.until).toBe(addDays(today, 60));
    expect(i.obligations[0]).toMatchObject({
      deadline: addDays(today, 61),
      ceiling: addDays(discovered, 60),
      held_until: addDays(today, 60),
    });
    const res = await fetch(`${w.url}${base}/${id}/holds/${i.holds[0].id}/document`, {
      headers: { authorization: `Bearer ${t.auditor}` },
    });
    expect(Buffer.from(await res.arrayBuffer())).toEqual(letter);
    const row = await w.ward.services.db
      .selectFrom('incident_holds')
      .select('document')
      .executeTakeFirstOrThrow();
    expect(row.document?.includes(letter)).toBe(false);
  });

  it('refuses to mark a notice sent while content is missing, or while a hold is in force', async () => {
    const n = await ok('POST', `${base}/${id}/notices`, t.admin as string, { kind: 'individual' });
    expect(n.content).toMatchObject({ discovery_date: discovered, breach_date: addDays(today, -25) });
    await refused(
      'POST',
      `${base}/${id}/notices/${n.id}/sent`,
      t.admin as string,
      { via: 'mail' },
      400,
      /description.*phi_types.*steps.*org_actions.*contact/,
    );
    await ok('PATCH', `${base}/${id}/notices/${n.id}`, t.admin as string, { content: COMPLETE });
    await refused(
      'POST',
      `${base}/${id}/notices/${n.id}/sent`,
      t.admin as string,
      { via: 'mail' },
      409,
      /held by law enforcement/,
    );
  });
});

describe('notices without a hold', () => {
  let id: string;
  beforeAll(async () => {
    id = (
      await ok('POST', base, t.owner as string, {
        title: 'Misdirected e-mail',
        reported_by: 'Privacy officer',
      })
    ).id;
    await ok('POST', `${base}/${id}/knowledge`, t.owner as string, {
      person: 'Pat',
      relation: 'workforce',
      known_on: discovered,
    });
    await ok('PATCH', `${base}/${id}`, t.owner as string, { affected: { by_state: { MA: 3 } } });
  });

  it('needs a reason for a schedule later than it could be sent, and flags it', async () => {
    await refused(
      'POST',
      `${base}/${id}/notices`,
      t.owner as string,
      { kind: 'individual', scheduled_on: addDays(today, 5) },
      400,
      /delay_reason/,
    );
    const n = await ok('POST', `${base}/${id}/notices`, t.owner as string, {
      kind: 'individual',
      scheduled_on: addDays(today, 5),
      delay_reason: 'the mail house prints on Mondays',
      content: COMPLETE,
    });
    expect(n).toMatchObject({ delayed: true, late: false, could_send_on: today, missing: [] });
  });

  it('marks a complete notice sent with when and how, renders its letter, and meets the obligation', async () => {
    const n = await ok('POST', `${base}/${id}/notices`, t.owner as string, {
      kind: 'individual',
      content: COMPLETE,
    });
    const sent = await ok('POST', `${base}/${id}/notices/${n.id}/sent`, t.owner as string, { via: 'mail' });
    expect(sent).toMatchObject({ sent_via: 'mail' });
    await refused(
      'POST',
      `${base}/${id}/notices/${n.id}/sent`,
      t.owner as string,
      { via: 'mail' },
      409,
      /already marked sent/,
    );
    const text = await pdf(`${base}/${id}/notices/${n.id}.pdf`, t.auditor as string);
    expect(text).toContain('What happened');
    expect(text).toContain('1-800-555-0100');
    const o = await ok('GET', `${base}/${id}/obligations`, t.owner as string);
    expect(o.obligations.find((x: { id: string }) => x.id === 'individuals').met).toBe(true);
    expect(o.obligations.find((x: { id: string }) => x.id === 'secretary_annual')).toBeDefined();
    const sends = await eventsOf(w, orgId, 'incident.notice.send');
    expect(sends.map((e) => e.outcome).slice(-2)).toEqual(['success', 'failure']);
    expect(sends.at(-2)).toMatchObject({
      outcome: 'success',
      details: { via: 'mail', kind: 'individual' },
    });
  });
});

describe('the evidence packet', () => {
  it('is signed JSON plus a PDF, with inclusion proofs, verifiable offline', async () => {
    const list = (await ok('GET', base, t.owner as string)).incidents;
    const id = list.find((i: { title: string }) => i.title === 'Stolen workstation').id;
    const proof = await ok(
      'GET',
      `${base}/${id}/events/${(await ok('GET', `${base}/${id}`, t.owner as string)).audit_events[0].id}/proof`,
      t.auditor as string,
    );
    expect(proof.format).toBe('ward-audit-inclusion-proof/v1');
    const p = await ok('POST', `${base}/${id}/packets`, t.admin as string);
    const file = await ok('GET', `${base}/${id}/packets/${p.id}.json`, t.auditor as string);
    const check = checkIncidentPacket(file, publicKey);
    expect(check).toMatchObject({
      ok: true,
      pinned: true,
      proofs: 1,
      packet: { id: p.id, incident: { id } },
    });
    if (!check.ok) return;
    expect(check.packet.law_enforcement_documents).toHaveLength(1);
    const tampered = { ...file, document: file.document.replace('Stolen workstation', 'Stolen workstatioN') };
    expect(checkIncidentPacket(tampered, publicKey)).toMatchObject({
      ok: false,
      problem: expect.stringMatching(/changed after Ward signed/),
    });
    const text = await pdf(`${base}/${id}/packets/${p.id}.pdf`, t.auditor as string);
    expect(text).toContain('Incident evidence packet');
    expect(text).toContain('ward incident verify-packet');
    const i = await ok('GET', `${base}/${id}`, t.auditor as string);
    expect(i.packets[0].id).toBe(p.id);
    expect(i.timeline.map((e: { action: string }) => e.action)).toEqual([
      'incident.create',
      'incident.knowledge.add',
      'incident.knowledge.add',
      'incident.knowledge.add',
      'incident.update',
      'incident.assess',
      'incident.hold.add',
      'incident.notice.draft',
      'incident.notice.update',
      'incident.packet',
    ]);
    for (const action of ['incident.create', 'incident.assess', 'incident.hold.add', 'incident.packet'])
      expect((await eventsOf(w, orgId, action)).some((e) => e.outcome === 'success')).toBe(true);
  });

  it("keeps the timeline and the packets append-only for Ward's own role in the database", async () => {
    const db = w.ward.services.db;
    await expect(db.deleteFrom('incident_timeline').execute()).rejects.toThrow(
      /permission denied for table incident_timeline/,
    );
    await expect(db.updateTable('incident_packets').set({ sha256: 'x' }).execute()).rejects.toThrow(
      /permission denied for table incident_packets/,
    );
  });
});
