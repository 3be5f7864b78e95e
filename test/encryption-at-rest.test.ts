/**
 * Encryption at rest that Ward does and proves, against a real Ward: a HIPAA project's directory is
 * encrypted by the kernel (fscrypt) under a key derived from the project's own key; the region
 * shows `verified` from the kernel's answer; a distinctive value written through the gateway is
 * nowhere in clear on the backing image (while an unencrypted project's files do hold it, so the
 * search can find what is there); a restart brings the project back; deletion locks the
 * directory (unreadable to root) and the purge shreds the key it was derived from.
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runWard } from './support/cli.js';
import { credentials, pgConfig, runningProject } from './support/gateway.js';
import { BUSINESS_ASSOCIATE, enableHipaa, mfaUser } from './support/hipaa.js';
import { sql } from './support/project-db.js';
import { fileContains, filesContaining } from './support/scan.js';
import { eventually, startTestWard, type TestWard } from './support/ward.js';

const MARKER = `PHI-MARKER-${randomBytes(8).toString('hex')}`;
const settings = {
  business_associate: BUSINESS_ASSOCIATE,
  hipaa_deletion_grace: '3s' as unknown as number,
  // Small, so that reading the whole image back is quick.
  encrypted_volume_gb: 1,
};

let w: TestWard;
let home: string;
let alice: string;
let records: string;

/** Writes MARKER into project `id` through the gateway, then forces it to disk. */
async function writeMarker(id: string) {
  const c = new pg.Client(pgConfig(await credentials(w, alice, id)));
  await c.connect();
  await c.query('CREATE TABLE patients (mrn text PRIMARY KEY, name text)');
  await c.query('INSERT INTO patients VALUES ($1, $2)', ['MRN-00042', MARKER]);
  await c.end();
  await sql(w, id, 'CHECKPOINT');
}

const regionStatus = async () =>
  (await w.request('GET', '/api/v1/regions', { token: alice })).body.regions.find(
    (r: any) => r.id === 'local-hipaa',
  ).storage_encryption_status;

beforeAll(async () => {
  home = await mkdtemp(join(tmpdir(), 'ward-t-'));
  w = await startTestWard(settings, {}, { home });
  alice = await mfaUser(w, 'alice@acme.test');
  await w.request('POST', '/api/v1/orgs', { token: alice, body: { name: 'acme' } });
  await enableHipaa(w, 'acme', alice);
}, 120_000);
afterAll(async () => {
  await w?.stop();
  await rm(home, { recursive: true, force: true });
});

describe('encryption at rest (fscrypt, per-project keys)', () => {
  it('encrypts a HIPAA project in the default HIPAA region and shows it verified from the kernel', async () => {
    expect(await regionStatus()).toMatchObject({
      state: 'declared',
      detail: expect.stringMatching(/^fscrypt, per-project keys: each new project's directory is encrypted/),
    });
    records = await runningProject(w, alice, 'acme', 'records', 'local-hipaa');
    const p = (await w.request('GET', `/api/v1/projects/${records}`, { token: alice })).body;
    expect(p.encryption).toEqual({
      kind: 'fscrypt',
      unlocked: true,
      detail: expect.stringMatching(
        /^fscrypt v2 policy \(AES-256-XTS contents, AES-256-CTS names\), its own key [0-9a-f]{8}…, unlocked$/,
      ),
    });
    expect(w.ward.services.dataplane.layout(records).root).toBe(join(home, 'encrypted', records));
    await eventually(async () => ((await regionStatus()).state === 'verified' ? true : undefined), 10_000);
    expect((await regionStatus()).detail).toMatch(
      /^fscrypt, per-project keys: the kernel reports an fscrypt policy on all 1 project directory, each with its own key \(fscrypt v2 policy \(AES-256-XTS contents, AES-256-CTS names\)\); .*encrypted\.img \(ext4 with fscrypt\) is mounted at /,
    );
    const shown = await runWard(
      ['project', 'show', records],
      { url: w.url, configDir: home },
      { env: { WARD_TOKEN: alice } },
    );
    expect(shown.code).toBe(0);
    expect(shown.stdout).toMatch(/encryption at rest\s+fscrypt: fscrypt v2 policy \(AES-256-XTS contents/);
  });

  it('keeps what is written through the gateway out of the backing image; an unencrypted project shows the search works', async () => {
    await writeMarker(records);
    const ledger = await runningProject(w, alice, 'acme', 'ledger', 'local');
    const plainProject = (await w.request('GET', `/api/v1/projects/${ledger}`, { token: alice })).body;
    expect(plainProject.encryption).toMatchObject({ kind: 'none' });
    await writeMarker(ledger);
    expect((await filesContaining(join(home, 'projects', ledger), MARKER)).length).toBeGreaterThan(0);
    // Through the mounted, unlocked directory the value is there; on the image's blocks it is not.
    expect((await filesContaining(join(home, 'encrypted', records), MARKER)).length).toBeGreaterThan(0);
    expect(await fileContains(join(home, 'encrypted.img'), MARKER)).toBe(false);
    expect(await fileContains(join(home, 'encrypted.img'), 'MRN-00042')).toBe(false);
  });

  it('comes back after a restart of Ward: the volume is mounted again and the directory unlocked', async () => {
    await w.stop();
    expect(await readdir(join(home, 'encrypted'))).toEqual([]);
    w = await startTestWard(settings, {}, { home });
    await eventually(async () =>
      w.ward.services.dataplane.health(records)?.state === 'running' ? true : undefined,
    );
    expect(await sql(w, records, 'SELECT name FROM patients')).toEqual([{ name: MARKER }]);
    const p = (await w.request('GET', `/api/v1/projects/${records}`, { token: alice })).body;
    expect(p.encryption).toMatchObject({ kind: 'fscrypt', unlocked: true });
  });

  it('locks a deleted project (unreadable, to root too), and the purge shreds the key it came from', async () => {
    const r = await w.request('DELETE', `/api/v1/projects/${records}`, {
      token: alice,
      body: { audit_log_exported: true },
    });
    expect(r.body.status).toBe('pending_deletion');
    const root = join(home, 'encrypted', records);
    const names = await readdir(root);
    expect(names).toHaveLength(2);
    expect(names.some((n) => n === 'pgdata' || n === 'run')).toBe(false);
    const data = join(root, names.find((n) => !n.startsWith('.')) as string);
    // Tests run as root: the kernel refuses root too without the key.
    expect(process.getuid?.()).toBe(0);
    for (const entry of await readdir(data)) {
      const err = await readFile(join(data, entry)).then(
        () => undefined,
        (e: Error) => e,
      );
      expect(err?.message).toMatch(/ENOKEY|error -126|EISDIR/);
    }
    const status = (await w.request('GET', `/api/v1/projects/${records}`, { token: alice })).body;
    expect(status.encryption).toMatchObject({ kind: 'fscrypt', unlocked: false });

    await eventually(async () =>
      (await w.request('GET', `/api/v1/projects/${records}`, { token: alice })).status === 404
        ? true
        : undefined,
    );
    expect(existsSync(root)).toBe(false);
    const acme = (await w.request('GET', '/api/v1/orgs/acme', { token: alice })).body.id;
    w.ward.services.keys.forget();
    await expect(
      w.ward.services.keys.derive(
        { type: 'project', projectId: records, orgId: acme },
        `fscrypt:${records}`,
        64,
      ),
    ).rejects.toThrow(/destroyed .*crypto-shredded/);
    expect(await fileContains(join(home, 'encrypted.img'), MARKER)).toBe(false);
  });
});
