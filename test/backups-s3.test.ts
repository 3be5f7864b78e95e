/**
 * Backups in an S3-compatible bucket (`backups.repository.type: s3`) with real pgBackRest against a
 * real S3 server over HTTPS (s3rver, SigV4 with a key pair made for the run): backups and WAL land
 * in the bucket under the project's prefix and hold no cleartext; a point-in-time restore reads
 * them back onto a new timeline; the API, `ward backup list` and the console say where they are;
 * deleting the project deletes its objects; wrong credentials and a repository left in another
 * place fail with errors that say so, and no credential reaches Ward's log.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { events } from './support/access.js';
import { operationEnd, runningProject, sql, succeeded } from './support/backups.js';
import { openBrowser } from './support/browser.js';
import { runWard } from './support/cli.js';
import { cookieSession } from './support/hipaa.js';
import { startS3, type TestS3 } from './support/s3.js';
import { eventually, startTestWard, type TestWard } from './support/ward.js';

let s3: TestS3;
let w: TestWard;
let owner: string;
let records: { id: string; name: string };
const MARKER = 'patient-marker-7f3c91 born 1980-02-03';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function s3Settings() {
  return {
    type: 's3' as const,
    endpoint: s3.endpoint,
    port: s3.port,
    bucket: s3.bucket,
    region: 'us-east-1',
    prefix: '/ward',
    uri_style: 'path' as const,
    ca_file: s3.caFile,
    access_key_id: s3.accessKeyId,
    secret_access_key: s3.secretAccessKey,
  };
}

beforeAll(async () => {
  s3 = await startS3();
  w = await startTestWard({
    backups: { scheduler_tick: '1s', retry_delay: '1s', retry_limit: 0, repository: s3Settings() } as never,
  });
  owner = await w.user('owner@acme.test');
  await w.request('POST', '/api/v1/orgs', { token: owner, body: { name: 'acme' } });
  records = await runningProject(w, owner, 'acme', 'records');
  await sql(w, records.id, 'CREATE TABLE patients (id int PRIMARY KEY, note text)');
}, 180_000);

afterAll(async () => {
  await w?.stop();
  await s3?.close();
});

describe('backups in an S3 bucket', () => {
  let noted: string;

  it('backs up into the bucket under the project’s prefix, encrypted, and says where', async () => {
    await sql(w, records.id, `INSERT INTO patients VALUES (1, '${MARKER}'), (2, 'two')`);
    const op = await succeeded(w, owner, `/api/v1/projects/${records.id}/backups`);
    const keys = await s3.keys(`ward/${records.id}`);
    expect(keys).toContain(`ward/${records.id}/backup/${records.id}/backup.info`);
    expect(keys).toContain(`ward/${records.id}/archive/${records.id}/archive.info`);
    // Small files bundled: a few objects for the whole cluster, not one per file.
    const inBackup = keys.filter((k) => k.includes(`/backup/${records.id}/${op.result.backup_id}/`));
    expect(inBackup.filter((k) => /\/bundle\/\d+$/.test(k)).length).toBeGreaterThan(0);
    expect(inBackup.length).toBeLessThan(50);
    expect(
      keys.some((k) => /\/archive\/[^/]+\/15-1\/[0-9A-F]{16}\/[0-9A-F]{24}-[0-9a-f]{40}\.lz4$/.test(k)),
    ).toBe(true);
    // The row went into the bucket only as ciphertext.
    await sql(w, records.id, 'CHECKPOINT');
    expect(await s3.holds(Buffer.from(MARKER))).toBe(false);

    const list = (await w.request('GET', `/api/v1/projects/${records.id}/backups`, { token: owner })).body;
    expect(list.repository).toEqual({
      type: 's3',
      location: `s3://ward-test/ward/${records.id} at localhost:${s3.port}`,
    });
    expect(list.backups).toEqual([
      expect.objectContaining({ id: op.result.backup_id, type: 'full', encrypted: true }),
    ]);
  });

  it('restores a noted moment from the bucket: rows written before it, on a new timeline', async () => {
    await sleep(1100);
    noted = new Date().toISOString();
    await sleep(1100);
    await sql(w, records.id, "INSERT INTO patients VALUES (3, 'three')");
    const op = await succeeded(w, owner, `/api/v1/projects/${records.id}/restore`, {
      name: 'records-pitr',
      region_id: 'local',
      target_time: noted,
    });
    expect(op.result.timeline).toBeGreaterThan(1);
    const restored = op.target_project_id as string;
    expect(await sql(w, restored, 'SELECT id FROM patients ORDER BY id')).toEqual([{ id: 1 }, { id: 2 }]);
    // The new project archives into its own prefix in the same bucket.
    await eventually(
      async () => ((await s3.keys(`ward/${restored}/archive`)).length > 1 ? true : undefined),
      60_000,
    );
  });

  it('names the bucket in `ward backup list` and in the console', async () => {
    const configDir = await mkdtemp(join(tmpdir(), 'ward-cli-s3-'));
    try {
      const r = await runWard(
        ['backup', 'list', '--project', 'records', '--org', 'acme'],
        { url: w.url, configDir },
        {
          env: { WARD_TOKEN: owner },
        },
      );
      expect(r.stderr).toBe('');
      expect(r.stdout).toMatch(
        new RegExp(`^repository +s3://ward-test/ward/${records.id} at localhost:${s3.port}$`, 'm'),
      );
    } finally {
      await rm(configDir, { recursive: true, force: true });
    }
    const browser = await openBrowser(w.url);
    try {
      await browser.context.addCookies(await cookieSession(w, 'owner@acme.test'));
      await browser.page.goto(`/projects/${records.id}`);
      const section = browser.page.getByRole('region', { name: 'Backups' });
      await expect(section.getByLabel('Repository').textContent()).resolves.toBe(
        `Repository: s3://ward-test/ward/${records.id} at localhost:${s3.port}`,
      );
      expect(browser.problems).toEqual([]);
    } finally {
      await browser.close();
    }
  });

  it('stops, naming where they are, when a project’s backups are not where Ward is set to keep them', async () => {
    const p = await runningProject(w, owner, 'acme', 'moved');
    await succeeded(w, owner, `/api/v1/projects/${p.id}/backups`);
    // As if its backups had been made on Ward's disk before the operator switched to S3.
    await w.ward.services.db
      .updateTable('backup_repositories')
      .set({ storage: 'local' })
      .where('project_id', '=', p.id)
      .execute();
    const r = await w.request('POST', `/api/v1/projects/${p.id}/backups`, { token: owner });
    const op = await operationEnd(w, owner, r.body.id);
    expect(op.status).toBe('failed');
    expect(op.error).toMatch(
      /the backups of 'moved' are in the Ward server's disk, but Ward is set to keep backups in s3:\/\/ward-test\/ward at localhost:\d+; ask the operator/,
    );
    const list = (await w.request('GET', `/api/v1/projects/${p.id}/backups`, { token: owner })).body;
    expect(list.repository).toEqual({ type: 'local', location: "the Ward server's disk" });
    await w.ward.services.db
      .updateTable('backup_repositories')
      .set({ storage: `s3://ward-test/ward at localhost:${s3.port}` })
      .where('project_id', '=', p.id)
      .execute();
  });

  it('deletes the project’s objects from the bucket when the project is deleted, and audits it', async () => {
    const p = await runningProject(w, owner, 'acme', 'short-lived');
    await succeeded(w, owner, `/api/v1/projects/${p.id}/backups`);
    expect((await s3.keys(`ward/${p.id}`)).length).toBeGreaterThan(5);
    const del = await w.request('DELETE', `/api/v1/projects/${p.id}`, { token: owner });
    expect(del.status).toBe(200);
    await eventually(
      async () => ((await s3.keys(`ward/${p.id}`)).length === 0 ? true : undefined),
      20_000,
      250,
    );
    const removed = await eventually(async () =>
      (await events(w, 'backup.repository.delete')).find((e: any) => e.target.id === p.id),
    );
    expect(removed).toMatchObject({ outcome: 'success', actor: { type: 'system' } });
    // Other projects' objects are untouched.
    expect(await s3.keys(`ward/${records.id}/backup/${records.id}`)).toContain(
      `ward/${records.id}/backup/${records.id}/backup.info`,
    );
  });

  it('keeps the S3 credentials out of Ward’s log', async () => {
    const log = await w.log();
    expect(log).not.toContain(s3.secretAccessKey);
    expect(log).not.toContain(s3.accessKeyId);
  });
});

describe('credentials the bucket does not know', () => {
  // s3rver checks the access key id but not SigV4 signatures, so the wrong credential here is the id.
  it('fail the backup with the bucket’s answer and no credential in it', async () => {
    const wrong = { ...s3Settings(), access_key_id: 'WARDUNKNOWNKEY0000001' };
    const bad = await startTestWard({ backups: { retry_limit: 0, repository: wrong } as never });
    try {
      const token = await bad.user('owner@other.test');
      await bad.request('POST', '/api/v1/orgs', { token, body: { name: 'other' } });
      const p = await runningProject(bad, token, 'other', 'records');
      const r = await bad.request('POST', `/api/v1/projects/${p.id}/backups`, { token });
      const op = await operationEnd(bad, token, r.body.id);
      expect(op.status).toBe('failed');
      expect(op.error).toMatch(
        /^pgBackRest stanza-create failed: ERROR: \[039\]: HTTP request failed with 403 \(Forbidden\):.* HINT: the object store refused Ward's credentials; check backups.repository's access_key_id and secret_access_key/,
      );
      expect(op.error).not.toContain(s3.secretAccessKey);
      expect(await bad.log()).not.toContain(s3.secretAccessKey);
    } finally {
      await bad.stop();
    }
  }, 120_000);
});
