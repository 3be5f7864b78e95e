/**
 * HIPAA project deletion and the org's keys against a real Ward: the export confirmation, the
 * grace period (seconds here) and undelete, then destruction of the cluster, crypto-shredding of
 * the project's keys (nothing encrypted under them reads back) and a signed certificate of
 * destruction; key rotation without downtime; turning HIPAA off once no HIPAA project remains.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifySignature } from '../src/lib/signing.js';
import { enableHipaa, eventsOf, mfaUser, startHipaaWard } from './support/hipaa.js';
import { pdfText } from './support/pdf-text.js';
import { sql } from './support/project-db.js';
import { eventually, type TestWard } from './support/ward.js';

let w: TestWard;
let alice: string; // owner
let adam: string; // admin
let dave: string; // developer
let acme: string;

const running = (id: string) =>
  eventually(async () => {
    const p = (await w.request('GET', `/api/v1/projects/${id}`, { token: alice })).body;
    if (p.status === 'failed') throw new Error(p.status_reason);
    return p.status === 'running' && p.cluster?.state === 'running' ? p : undefined;
  });

async function createProject(name: string) {
  const r = await w.request('POST', '/api/v1/orgs/acme/projects', {
    token: alice,
    body: { name, region_id: 'local-hipaa' },
  });
  expect(r.status).toBe(201);
  return running(r.body.id);
}

beforeAll(async () => {
  w = await startHipaaWard('3s');
  alice = await mfaUser(w, 'alice@acme.test');
  adam = await mfaUser(w, 'adam@acme.test');
  dave = await mfaUser(w, 'dave@acme.test');
  acme = (await w.request('POST', '/api/v1/orgs', { token: alice, body: { name: 'acme' } })).body.id;
  for (const [email, role] of [
    ['adam@acme.test', 'admin'],
    ['dave@acme.test', 'developer'],
  ])
    await w.request('POST', '/api/v1/orgs/acme/members', { token: alice, body: { email, role } });
  await enableHipaa(w, 'acme', alice);
});
afterAll(() => w?.stop());

describe('keys', () => {
  it('rotate the org key without downtime: project keys re-wrapped while they are in use, audited', async () => {
    const live = await createProject('live');
    const { keys } = w.ward.services;
    const scope = { type: 'project' as const, projectId: live.id, orgId: acme };
    const before = await keys.encrypt(scope, 'role password before', 'role-password');

    const denied = await w.request('POST', '/api/v1/orgs/acme/keys/rotate', { token: dave });
    expect(denied.status).toBe(403);
    expect((await eventsOf(w, acme, 'key.rotate')).pop()).toMatchObject({ outcome: 'denied' });

    // Readers and writers keep going, with cold caches, while the rotation commits.
    let stop = false;
    const failures: unknown[] = [];
    const work = (async () => {
      let n = 0;
      while (!stop) {
        try {
          keys.forget();
          const sealed = await keys.encrypt(scope, `secret ${n}`, 'role-password');
          expect((await keys.decrypt(sealed, 'role-password')).toString()).toBe(`secret ${n}`);
          expect((await keys.decrypt(before, 'role-password')).toString()).toBe('role password before');
        } catch (err) {
          failures.push(err);
        }
        n++;
      }
      return n;
    })();
    const r = await w.request('POST', '/api/v1/orgs/acme/keys/rotate', { token: alice });
    await new Promise((res) => setTimeout(res, 100));
    stop = true;
    expect(await work).toBeGreaterThan(1);
    expect(failures).toEqual([]);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ org_id: acme, key_id: expect.stringMatching(/^key_/), rewrapped: 1 });

    const listed = (await w.request('GET', '/api/v1/orgs/acme/keys', { token: adam })).body;
    expect(listed.org_keys.map((k: any) => k.state)).toEqual(['retired', 'active']);
    expect(listed.project_keys).toEqual([
      expect.objectContaining({ project_name: 'live', state: 'active', wrapped_by: r.body.key_id }),
    ]);
    expect((await eventsOf(w, acme, 'key.rotate')).pop()).toMatchObject({
      outcome: 'success',
      details: { new_key_id: r.body.key_id, rewrapped: 1 },
    });
    const after = (await w.request('GET', `/api/v1/projects/${live.id}`, { token: alice })).body;
    expect(after.cluster.pid).toBe(live.cluster.pid);
    expect((await w.request('GET', '/api/v1/orgs/acme/keys', { token: dave })).status).toBe(403);
  });
});

describe('deleting a HIPAA project', () => {
  let records: any;
  let sealed: Buffer;

  beforeAll(async () => {
    records = await createProject('records');
    await sql(w, records.id, "CREATE TABLE notes (body text); INSERT INTO notes VALUES ('kept')");
    sealed = await w.ward.services.keys.encrypt(
      { type: 'project', projectId: records.id, orgId: acme },
      'pgbackrest repository passphrase',
      'backup',
    );
  });

  it('needs the owner and the audit-log export confirmation; refusals are audited', async () => {
    const none = await w.request('DELETE', `/api/v1/projects/${records.id}`, { token: alice });
    expect(none.status).toBe(400);
    expect(none.body.error.message).toMatch(
      /^'records' is a HIPAA project: confirm that its audit log was exported before deleting it \("audit_log_exported": true; ward project delete --audit-log-exported\)/,
    );
    const no = await w.request('DELETE', `/api/v1/projects/${records.id}`, {
      token: alice,
      body: { audit_log_exported: false },
    });
    expect(no.status).toBe(400);
    const byAdmin = await w.request('DELETE', `/api/v1/projects/${records.id}`, {
      token: adam,
      body: { audit_log_exported: true },
    });
    expect(byAdmin.status).toBe(403);
    const refused = (await eventsOf(w, acme, 'project.delete')).filter((e) => e.outcome !== 'success');
    expect(refused.map((e) => e.outcome)).toEqual(['failure', 'failure', 'denied']);
    expect(refused[0]?.details).toMatchObject({ audit_log_exported: false, error: { code: 'invalid' } });
    expect((await w.request('GET', `/api/v1/projects/${records.id}`, { token: alice })).body.status).toBe(
      'running',
    );
  });

  it('keeps it recoverable for the grace period: cluster stopped, data kept; undelete brings it back', async () => {
    const r = await w.request('DELETE', `/api/v1/projects/${records.id}`, {
      token: alice,
      body: { audit_log_exported: true },
    });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ status: 'pending_deletion', cluster: null });
    const left = Date.parse(r.body.deletion.purge_after) - Date.now();
    expect(left).toBeGreaterThan(1000);
    expect(left).toBeLessThanOrEqual(3000);
    expect(existsSync(w.ward.services.dataplane.layout(records.id).root)).toBe(true);
    expect(w.ward.services.dataplane.health(records.id)?.state ?? 'stopped').toBe('stopped');
    expect((await eventsOf(w, acme, 'project.delete')).pop()).toMatchObject({
      outcome: 'success',
      details: { audit_log_exported: true, purge_after: r.body.deletion.purge_after },
    });
    const rename = await w.request('PATCH', `/api/v1/projects/${records.id}`, {
      token: alice,
      body: { name: 'renamed' },
    });
    expect(rename.status).toBe(409);
    const again = await w.request('DELETE', `/api/v1/projects/${records.id}`, {
      token: alice,
      body: { audit_log_exported: true },
    });
    expect(again.body.error.message).toMatch(
      /already deleted and will be destroyed after .*ward project undelete keeps it/,
    );
    const off = await w.request('PUT', '/api/v1/orgs/acme/hipaa', { token: alice, body: { enabled: false } });
    expect(off.body.error.message).toMatch(/records \(deleted; destroyed after /);

    const back = await w.request('POST', `/api/v1/projects/${records.id}/undelete`, { token: adam });
    expect(back.status).toBe(200);
    expect(back.body).toMatchObject({ status: 'running', deletion: null });
    await running(records.id);
    expect(await sql(w, records.id, 'SELECT body FROM notes')).toEqual([{ body: 'kept' }]);
    expect((await eventsOf(w, acme, 'project.undelete')).pop()).toMatchObject({ outcome: 'success' });
    const twice = await w.request('POST', `/api/v1/projects/${records.id}/undelete`, { token: adam });
    expect(twice.status).toBe(409);
    expect(twice.body.error.message).toMatch(
      /is not deleted \(status running\); there is nothing to undelete/,
    );
  });

  it('then destroys the cluster, shreds its keys and issues a signed certificate of destruction', async () => {
    const r = await w.request('DELETE', `/api/v1/projects/${records.id}`, {
      token: alice,
      body: { audit_log_exported: true },
    });
    expect(r.body.status).toBe('pending_deletion');
    await eventually(async () =>
      (await w.request('GET', `/api/v1/projects/${records.id}`, { token: alice })).status === 404
        ? true
        : undefined,
    );
    expect(existsSync(join(w.home, 'projects', records.id))).toBe(false);
    expect(existsSync(join(w.home, 'encrypted', records.id))).toBe(false);

    // Crypto-shredding: what was encrypted under the project's key cannot be read back, ever.
    const { keys } = w.ward.services;
    await expect(keys.decrypt(sealed, 'backup')).rejects.toThrow(/destroyed .*crypto-shredded/);
    keys.forget();
    await expect(keys.decrypt(sealed, 'backup')).rejects.toThrow(/crypto-shredded/);
    const projectKeys = (
      await w.request('GET', '/api/v1/orgs/acme/keys', { token: alice })
    ).body.project_keys.filter((k: any) => k.project_name === 'records');
    expect(projectKeys.length).toBeGreaterThan(0);
    expect(projectKeys.every((k: any) => k.state === 'destroyed' && k.destroyed_at)).toBe(true);

    const { certificates } = (await w.request('GET', '/api/v1/orgs/acme/certificates', { token: alice }))
      .body;
    expect(certificates).toEqual([
      expect.objectContaining({ project_id: records.id, project_name: 'records' }),
    ]);
    const cert = (await w.request('GET', `/api/v1/orgs/acme/certificates/${records.id}`, { token: alice }))
      .body;
    expect(cert.id).toBe(certificates[0].id);
    expect(cert.key_id).toBe(w.ward.services.signer.keyId);
    const signature = Buffer.from(cert.signature, 'base64');
    expect(verifySignature(cert.public_key, cert.document, signature)).toBe(true);
    expect(verifySignature(cert.public_key, cert.document.replace('records', 'recordz'), signature)).toBe(
      false,
    );
    expect(cert.certificate).toMatchObject({
      type: 'ward.certificate-of-destruction',
      organization: { id: acme, name: 'acme', legal_name: 'acme Health Inc.' },
      project: { id: records.id, name: 'records', region_id: 'local-hipaa', audit_log_level: 'hipaa' },
      deletion: { audit_log_export_confirmed: true, requested_by: { email: 'alice@acme.test' } },
      destruction: { keys: { ids: projectKeys.map((k: any) => k.id) } },
    });

    const pdf = await fetch(`${w.url}/api/v1/orgs/acme/certificates/${cert.id}.pdf`, {
      headers: { authorization: `Bearer ${alice}` },
    });
    expect(pdf.headers.get('content-type')).toBe('application/pdf');
    const text = pdfText(Buffer.from(await pdf.arrayBuffer()));
    for (const s of ['Certificate of Destruction', records.id, cert.id, cert.signature])
      expect(text).toContain(s);
    expect(
      (await w.request('GET', `/api/v1/orgs/acme/certificates/${cert.id}`, { token: dave })).status,
    ).toBe(403);

    const purge = (await eventsOf(w, acme, 'project.purge')).pop();
    expect(purge).toMatchObject({
      outcome: 'success',
      actor: { type: 'system' },
      details: { certificate_id: cert.id, key_ids: cert.certificate.destruction.keys.ids },
    });
    expect((await eventsOf(w, acme, 'key.destroy')).pop()?.details).toEqual({
      key_ids: cert.certificate.destruction.keys.ids,
    });
    // The project's audit events stay.
    expect((await eventsOf(w, acme, 'project.create')).some((e) => (e.target as any).id === records.id)).toBe(
      true,
    );
    expect(
      (await w.request('POST', `/api/v1/projects/${records.id}/undelete`, { token: alice })).status,
    ).toBe(404);
  });

  it('lets HIPAA be turned off once no HIPAA project remains, and on again with the executed BAA', async () => {
    const live = (await w.request('GET', '/api/v1/orgs/acme/projects', { token: alice })).body.projects[0];
    await w.request('DELETE', `/api/v1/projects/${live.id}`, {
      token: alice,
      body: { audit_log_exported: true },
    });
    await eventually(async () =>
      (await w.request('GET', '/api/v1/orgs/acme/certificates', { token: alice })).body.certificates
        .length === 2
        ? true
        : undefined,
    );
    const off = await w.request('PUT', '/api/v1/orgs/acme/hipaa', { token: alice, body: { enabled: false } });
    expect(off.status).toBe(200);
    expect(off.body).toMatchObject({ enabled: false, hipaa_projects: [] });
    const on = await w.request('PUT', '/api/v1/orgs/acme/hipaa', { token: alice, body: { enabled: true } });
    expect(on.status).toBe(200);
    expect(on.body.enabled).toBe(true);
    expect((await eventsOf(w, acme, 'hipaa.disable')).pop()?.outcome).toBe('success');
  });
});
