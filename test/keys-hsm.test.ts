/**
 * Customer-managed root keys against a real Ward and a real SoftHSM2 token: an enterprise HIPAA
 * org moves the root of its key hierarchy into its HSM (refused for another plan, a module the
 * operator does not allow, a wrong PIN, an unknown token or key); its org keys are re-wrapped by
 * the HSM key and what was encrypted before still reads; a restart reopens the HSM with the sealed
 * PIN; disabling the key in the token stops the org's running project, the gateway refuses
 * sessions naming the key, an audit event and an alert are recorded; a restart meanwhile keeps the
 * project stopped; the key restored starts it again; `key.unwrap` is recorded in batches with
 * counts; DELETE moves the org back to Ward's own root key.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Creds, credentials, pgConfig } from './support/gateway.js';
import { BUSINESS_ASSOCIATE, enableHipaa, eventsOf, mfaUser } from './support/hipaa.js';
import { sql } from './support/project-db.js';
import { type SoftHsm, type SoftToken, startSoftHsm } from './support/softhsm.js';
import { eventually, startTestWard, type TestWard } from './support/ward.js';
import { startWebhook, type Webhook } from './support/webhook.js';

const PIN = 'acme-pin-27182818';
const KEYSTORE = 'pkcs11:token=acme;object=ward-root';

let hsm: SoftHsm;
let token: SoftToken;
let home: string;
let w: TestWard;
let alice: string;
let acme: string;
let records: string;
let sealed: Buffer;
let hook: Webhook;

const settings = () => ({
  business_associate: BUSINESS_ASSOCIATE,
  hsm_modules: [hsm.modulePath],
  hsm_poll_every: '1s' as unknown as number,
  encrypted_volume_gb: 1,
});

const start = async () => {
  w = await startTestWard(settings(), {}, { home });
};

const project = async (id = records) =>
  (await w.request('GET', `/api/v1/projects/${id}`, { token: alice })).body;
const running = () =>
  eventually(async () => {
    const p = await project();
    if (p.status === 'failed') throw new Error(p.status_reason);
    return p.status === 'running' && p.cluster?.state === 'running' ? p : undefined;
  }, 40_000);
const setHsm = (org: string, body: Record<string, unknown>) =>
  w.request('PUT', `/api/v1/orgs/${org}/keys/hsm`, {
    token: alice,
    body: { module: hsm.modulePath, token: 'acme', key_label: 'ward-root', pin: PIN, ...body },
  });
const readBack = async () => {
  w.ward.services.keys.forget();
  return (await w.ward.services.keys.decrypt(sealed, 'backup')).toString();
};

async function connect(creds: Creds): Promise<pg.Client> {
  const c = new pg.Client(pgConfig(creds));
  await c.connect();
  return c;
}

beforeAll(async () => {
  hsm = await startSoftHsm();
  token = hsm.createToken({ label: 'acme', pin: PIN });
  token.generateKey('ward-root');
  hook = await startWebhook();
  home = await mkdtemp(join(tmpdir(), 'ward-t-'));
  await start();
  alice = await mfaUser(w, 'alice@acme.test');
  acme = (await w.request('POST', '/api/v1/orgs', { token: alice, body: { name: 'acme' } })).body.id;
  await w.request('POST', '/api/v1/orgs', { token: alice, body: { name: 'plain' } });
  await enableHipaa(w, 'acme', alice);
  await w.request('PUT', '/api/v1/orgs/acme/alert-webhook', { token: alice, body: { url: hook.url } });
  const r = await w.request('POST', '/api/v1/orgs/acme/projects', {
    token: alice,
    body: { name: 'records', region_id: 'local-hipaa' },
  });
  expect(r.status).toBe(201);
  records = r.body.id;
  await running();
  await sql(w, records, "CREATE TABLE notes (body text); INSERT INTO notes VALUES ('kept')");
  sealed = await w.ward.services.keys.encrypt(
    { type: 'project', projectId: records, orgId: acme },
    'pgbackrest passphrase',
    'backup',
  );
}, 120_000);

afterAll(async () => {
  await w?.stop();
  await hook?.close();
  if (home) await rm(home, { recursive: true, force: true });
  await hsm?.stop();
});

describe('setting up the HSM', () => {
  it('is refused, with a message saying what to fix, for another plan, a module not allowed, a wrong PIN, an unknown token or key', async () => {
    const plain = await setHsm('plain', {});
    expect(plain.status).toBe(403);
    expect(plain.body.error.message).toMatch(/needs the enterprise plan; 'plain' is on the basic plan/);

    const libc = await setHsm('acme', { module: '/usr/lib/x86_64-linux-gnu/libc.so.6' });
    expect(libc.status).toBe(400);
    expect(libc.body.error.message).toMatch(
      /^PKCS#11 module \/usr\/lib\/x86_64-linux-gnu\/libc.so.6 is not one this Ward allows \(ward.yaml hsm_modules: /,
    );

    const wrongPin = await setHsm('acme', { pin: 'guess-31415926' });
    expect(wrongPin.status).toBe(400);
    expect(wrongPin.body.error.message).toMatch(/the PIN for token "acme" is wrong \(CKR_PIN_INCORRECT\)/);
    expect(JSON.stringify(wrongPin.body)).not.toContain('31415926');

    const noToken = await setHsm('acme', { token: 'nope' });
    expect(noToken.status).toBe(400);
    expect(noToken.body.error.message).toMatch(
      /no token labelled "nope" is present .*tokens present: "acme"/,
    );

    const noKey = await setHsm('acme', { key_label: 'absent' });
    expect(noKey.status).toBe(400);
    expect(noKey.body.error.message).toMatch(/^there is no key "absent" on token "acme"/);

    const refusals = (await eventsOf(w, acme, 'key.hsm.set')).map((e) => e.outcome);
    expect(refusals).toEqual(['failure', 'failure', 'failure', 'failure']);
    expect((await w.request('GET', '/api/v1/orgs/acme/keys/hsm', { token: alice })).body).toMatchObject({
      root: 'ward',
      keystore_id: 'file:root',
      hsm: null,
    });
  });

  it('re-wraps the org keys, active and retired, under the HSM key in one audited change; data encrypted before still reads', async () => {
    expect((await w.request('POST', '/api/v1/orgs/acme/keys/rotate', { token: alice })).status).toBe(200);
    const r = await setHsm('acme', {});
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({
      org_id: acme,
      root: 'hsm',
      keystore_id: KEYSTORE,
      rewrapped: 2,
      hsm: {
        module: hsm.modulePath,
        token: 'acme',
        key_label: 'ward-root',
        state: 'available',
        reason: null,
      },
    });
    const listed = (await w.request('GET', '/api/v1/orgs/acme/keys', { token: alice })).body;
    expect(listed.org_keys.map((k: any) => [k.state, k.wrapped_by])).toEqual([
      ['retired', KEYSTORE],
      ['active', KEYSTORE],
    ]);
    expect(listed.project_keys[0].wrapped_by).toBe(listed.org_keys[1].id);
    const [event] = (await eventsOf(w, acme, 'key.hsm.set')).filter((e) => e.outcome === 'success');
    expect(event?.details).toEqual({
      module: hsm.modulePath,
      token: 'acme',
      key_label: 'ward-root',
      keystore_id: KEYSTORE,
      previous_root: 'file:root',
      rewrapped: 2,
    });
    expect(await readBack()).toBe('pgbackrest passphrase');
    expect(await sql(w, records, 'SELECT body FROM notes')).toEqual([{ body: 'kept' }]);
    const pinRow = await w.ward.services.db.selectFrom('org_root_keys').selectAll().executeTakeFirstOrThrow();
    expect(pinRow.pin_sealed.toString('latin1')).not.toContain(PIN);
    expect(await w.log()).not.toContain(PIN);
  });

  it('records each minute of HSM unwraps as one key.unwrap event with a count', async () => {
    await w.ward.services.rootKeys.uses.flush();
    for (let i = 0; i < 3; i++) await readBack();
    await w.ward.services.rootKeys.uses.flush();
    const events = await eventsOf(w, acme, 'key.unwrap');
    expect(events.at(-1)?.details).toMatchObject({ keystore_id: KEYSTORE, count: 3 });
  });
});

describe('the HSM over restarts and revocation', () => {
  let creds: Creds;

  it('reopens the HSM after a restart with the sealed PIN; unwraps counted before stop are written', async () => {
    await readBack();
    const before = (await eventsOf(w, acme, 'key.unwrap')).length;
    await w.stop();
    await start();
    expect((await eventsOf(w, acme, 'key.unwrap')).slice(before, before + 1)[0]?.details).toMatchObject({
      count: 1,
    });
    await running();
    expect(await readBack()).toBe('pgbackrest passphrase');
    creds = await credentials(w, alice, records);
    const c = await connect(creds);
    expect((await c.query('SELECT 42 AS answer')).rows).toEqual([{ answer: 42 }]);
    await c.end();
  }, 60_000);

  it('stops the project when the key is disabled, refuses sessions naming the key, audits and alerts', async () => {
    // A deleted HIPAA project (recoverable for 7 days) cannot come back while the key is away.
    const spare = (
      await w.request('POST', '/api/v1/orgs/acme/projects', {
        token: alice,
        body: { name: 'spare', region_id: 'local-hipaa' },
      })
    ).body.id;
    await eventually(async () => ((await project(spare)).status === 'running' ? true : undefined));
    const gone = await w.request('DELETE', `/api/v1/projects/${spare}`, {
      token: alice,
      body: { audit_log_exported: true },
    });
    expect(gone.body.status).toBe('pending_deletion');
    const disabledAt = Date.now();
    token.disableKey('ward-root', 'flags');
    const p = await eventually(async () => {
      const now = await project();
      return now.status === 'suspended' ? now : undefined;
    }, 20_000);
    expect(Date.now() - disabledAt).toBeLessThan(10_000);
    expect(p.status_reason).toMatch(
      /^the root key of 'acme' \(key "ward-root" on token "acme"\) is unavailable: Key "ward-root" on token "acme" may not encrypt or decrypt/,
    );
    expect(p.cluster).toBeNull();
    await eventually(async () => (w.ward.services.dataplane.health(records) ? undefined : true));
    expect(w.ward.services.keys.cachedFor(acme)).toBe(false);
    const refused = await connect(creds).catch((err: Error) => err);
    expect(refused).toBeInstanceOf(Error);
    expect((refused as Error).message).toMatch(
      /^project 'records' is not accepting connections: the root key of 'acme' \(key "ward-root" on token "acme"\) is unavailable/,
    );
    const another = await w.request('POST', '/api/v1/orgs/acme/projects', {
      token: alice,
      body: { name: 'later', region_id: 'local-hipaa' },
    });
    expect(another.status).toBe(409);
    expect(another.body.error.message).toMatch(
      /is unavailable: .* Projects can be created once it is usable\.$/,
    );
    const back = await w.request('POST', `/api/v1/projects/${spare}/undelete`, { token: alice });
    expect(back.status).toBe(409);
    expect(back.body.error.message).toMatch(
      /is unavailable: .* 'spare' can be undeleted once it is usable\.$/,
    );
    expect((await eventsOf(w, acme, 'project.undelete')).at(-1)).toMatchObject({ outcome: 'failure' });
    const [event] = await eventsOf(w, acme, 'key.hsm.unavailable');
    expect(event?.details).toMatchObject({ keystore_id: KEYSTORE, projects_stopped: [records] });
    const alert = await eventually(async () => hook.bodies.find((a) => a.alert === 'key.hsm.unavailable'));
    expect(alert).toMatchObject({
      org_id: acme,
      key: 'key "ward-root" on token "acme"',
      projects_stopped: ['records'],
    });
    expect((await w.request('GET', '/api/v1/orgs/acme/keys/hsm', { token: alice })).body.hsm).toMatchObject({
      state: 'unavailable',
      reason: expect.stringMatching(/may not encrypt or decrypt/),
    });
  }, 40_000);

  it('keeps the project stopped across a restart while the key is unavailable, and starts it when the key is back', async () => {
    await w.stop();
    await start();
    expect((await project()).status).toBe('suspended');
    expect(w.ward.services.dataplane.health(records)).toBeUndefined();
    const removeRefused = await w.request('DELETE', '/api/v1/orgs/acme/keys/hsm', { token: alice });
    expect(removeRefused.status).toBe(409);
    expect(removeRefused.body.error.message).toMatch(
      /is unavailable.*only be moved back .* while the HSM key is usable/,
    );

    token.restoreKey('ward-root');
    await running();
    const c = await connect(await credentials(w, alice, records));
    expect((await c.query('SELECT 42 AS answer')).rows).toEqual([{ answer: 42 }]);
    await c.end();
    expect(await sql(w, records, 'SELECT body FROM notes')).toEqual([{ body: 'kept' }]);
    const [event] = await eventsOf(w, acme, 'key.hsm.available');
    expect(event?.details).toMatchObject({ keystore_id: KEYSTORE, projects_started: ['records'] });
    await eventually(async () => hook.bodies.find((a) => a.alert === 'key.hsm.available'));
  }, 60_000);

  it('takes a new PIN while the stored one is refused (not retried), and starts the project with it', async () => {
    const inUse = await setHsm('acme', {});
    expect(inUse.status).toBe(409);
    expect(inUse.body.error.message).toMatch(/is in use; set it again only to give Ward a new PIN/);
    const stale = await w.ward.services.keys.encrypt(
      { type: 'system' },
      'stale-pin-0000',
      `ward-hsm-pin:${acme}`,
    );
    await w.ward.services.db.updateTable('org_root_keys').set({ pin_sealed: stale }).execute();
    await w.stop();
    await start();
    const p = await project();
    expect(p.status).toBe('suspended');
    expect(p.status_reason).toMatch(/the PIN for token "acme" is wrong .* Ward does not try this PIN again/);
    expect((await eventsOf(w, acme, 'key.hsm.unavailable')).length).toBe(2);

    const wrong = await setHsm('acme', { pin: 'still-wrong-1' });
    expect(wrong.status).toBe(400);
    expect(wrong.body.error.message).toMatch(/the PIN for token "acme" is wrong/);
    const renewed = await setHsm('acme', {});
    expect(renewed.status).toBe(200);
    expect(renewed.body).toMatchObject({
      root: 'hsm',
      rewrapped: 0,
      hsm: { state: 'available', reason: null },
    });
    await running();
  }, 60_000);

  it('moves the org back to Ward’s own root key', async () => {
    const r = await w.request('DELETE', '/api/v1/orgs/acme/keys/hsm', { token: alice });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ root: 'ward', keystore_id: 'file:root', hsm: null, rewrapped: 2 });
    const listed = (await w.request('GET', '/api/v1/orgs/acme/keys', { token: alice })).body;
    expect(listed.org_keys.map((k: any) => k.wrapped_by)).toEqual(['file:root', 'file:root']);
    const removals = await eventsOf(w, acme, 'key.hsm.remove');
    expect(removals.map((e) => e.outcome)).toEqual(['failure', 'success']);
    expect(removals[1]?.details).toEqual({
      keystore_id: KEYSTORE,
      rewrapped: 2,
    });
    // The HSM is no longer needed: the data reads with the key disabled.
    token.disableKey('ward-root', 'flags');
    expect(await readBack()).toBe('pgbackrest passphrase');
    token.restoreKey('ward-root');
  });

  it('keeps an org with its root key in an HSM on the enterprise plan until the key is moved back', async () => {
    const other = hsm.createToken({ label: 'plain', pin: PIN });
    other.generateKey('ward-root');
    const admin = await w.adminToken();
    const plan = (to: string) =>
      w.request('PATCH', '/api/v1/orgs/plain', { token: admin, body: { plan: to } });
    expect((await plan('enterprise')).status).toBe(200);
    expect((await setHsm('plain', { token: 'plain' })).status).toBe(200);
    const down = await plan('basic');
    expect(down.status).toBe(409);
    expect(down.body.error.message).toMatch(
      /^'plain' keeps its root key in its own HSM, which needs the enterprise plan; an owner moves it back to Ward's root key first \(ward keys hsm remove --org plain\)/,
    );
    expect((await w.request('DELETE', '/api/v1/orgs/plain/keys/hsm', { token: alice })).status).toBe(200);
    expect((await plan('basic')).status).toBe(200);
  });
});
