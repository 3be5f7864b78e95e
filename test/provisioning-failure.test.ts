/**
 * A project whose cluster cannot be created ends `failed` with a reason the user can act on, and
 * leaves nothing behind. The failure is real: the projects directory is a 10 MB tmpfs, too small
 * for initdb, which runs out of space halfway through writing the cluster.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { eventually, startTestWard, type TestWard } from './support/ward.js';

let w: TestWard;
let mountpoint: string;

beforeAll(async () => {
  // The mount must exist before Ward prepares $WARD_HOME, so Ward gets a fresh home inside one.
  const home = await mkdtemp(join(tmpdir(), 'ward-full-'));
  mountpoint = join(home, 'projects');
  mkdirSync(mountpoint);
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=10M,mode=0710', 'tmpfs', mountpoint]);
  w = await startTestWard({}, { WARD_HOME: home });
});

afterAll(async () => {
  await w?.stop().catch(() => undefined);
  execFileSync('umount', ['--lazy', mountpoint]);
});

it('ends failed with the cause and what to do, and removes the half-made cluster', async () => {
  const alice = await w.user('alice@acme.test');
  await w.request('POST', '/api/v1/orgs', { token: alice, body: { name: 'acme' } });
  const created = await w.request('POST', '/api/v1/orgs/acme/projects', {
    token: alice,
    body: { name: 'big', region_id: 'local' },
  });
  expect(created.status).toBe(201);
  const failed = await eventually(async () => {
    const p = (await w.request('GET', `/api/v1/projects/${created.body.id}`, { token: alice })).body;
    return p.status === 'failed' ? p : undefined;
  });
  expect(failed.status_reason).toMatch(/^creating the database cluster failed: .*No space left on device/);
  expect(failed.status_reason).toMatch(/check the disk space/);
  expect(readdirSync(mountpoint)).toEqual([]);

  // A failed project can be deleted, freeing its name.
  const del = await w.request('DELETE', `/api/v1/projects/${created.body.id}`, { token: alice });
  expect(del.body.status).toBe('deleted');
});
