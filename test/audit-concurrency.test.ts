/**
 * Two Ward processes appending to one control database at once keep one gapless chain per org.
 * They share Ward's keys (the keystore's root key and the signing key), as every process of one
 * Ward must: the signing key signs checkpoints and seals each write (audit/seal.ts).
 */
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startWardProcess, type WardProcess } from './support/process.js';
import { startTestWard, type TestWard } from './support/ward.js';

let a: TestWard;
let b: WardProcess;
let bHome: string;

beforeAll(async () => {
  a = await startTestWard();
  bHome = await mkdtemp(join(tmpdir(), 'ward-b-'));
  await cp(join(a.home, 'keys'), join(bHome, 'keys'), { recursive: true, preserveTimestamps: true });
  const socket = join(a.home, 'control', 'run');
  b = await startWardProcess({
    WARD_HOME: bHome,
    WARD_DATABASE_URL: `postgresql://ward_app@/ward?host=${socket}`,
    WARD_DATABASE_OWNER_URL: `postgresql://ward_owner@/ward?host=${socket}`,
  });
});

afterAll(async () => {
  await b?.kill('SIGTERM');
  await a?.stop();
  await rm(bHome, { recursive: true, force: true });
});

it('keeps one gapless, verifiable chain while both processes record changes at once', async () => {
  const alice = await a.user('alice@acme.test');
  await a.request('POST', '/api/v1/orgs', { token: alice, body: { name: 'acme' } });
  const patch = (url: string, i: number) =>
    fetch(`${url}/api/v1/orgs/acme`, {
      method: 'PATCH',
      headers: { authorization: `Bearer ${alice}`, 'content-type': 'application/json' },
      body: JSON.stringify({ settings: { legal_name: `Acme ${i}` } }),
    }).then((r) => r.status);
  const statuses = await Promise.all(Array.from({ length: 200 }, (_, i) => patch(i % 2 ? a.url : b.url, i)));
  expect(statuses.every((s) => s === 200)).toBe(true);

  const report = (await a.request('GET', '/api/v1/orgs/acme/audit-events/verify', { token: alice })).body;
  expect(report).toMatchObject({ ok: true, events: 201, first_bad_seq: null });
  const all: number[] = [];
  for (let cursor: string | null = null; ; ) {
    const page: any = (
      await a.request('GET', `/api/v1/orgs/acme/audit-events?limit=500${cursor ? `&cursor=${cursor}` : ''}`, {
        token: alice,
      })
    ).body;
    all.push(...page.events.map((e: any) => e.seq));
    cursor = page.next_cursor;
    if (!cursor) break;
  }
  expect(all.sort((x, y) => x - y)).toEqual(Array.from({ length: 201 }, (_, i) => i + 1));
});
