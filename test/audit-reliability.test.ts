/**
 * kill -9 Ward at random moments while 20 clients make changes, round after round. Afterwards:
 * every change a client saw succeed has its event; every event's change happened; the chains
 * verify and `seq` has no gap. Two kinds of change, in two chains: personal tokens (the operator
 * chain) and org settings (the org's chain). WARD_RELIABILITY_ROUNDS sets the number of rounds.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startWardProcess, type WardProcess } from './support/process.js';

const ROUNDS = Number(process.env.WARD_RELIABILITY_ROUNDS ?? 20);
const CLIENTS = 20;
let home: string;
let token: string;

const ackedTokens = new Set<string>();
const ackedValues = new Set<string>();

async function call(url: string, method: string, path: string, body: unknown) {
  const res = await fetch(`${url}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  await res.arrayBuffer();
  return res.status;
}

/** One client: alternate the two changes until Ward dies under it. */
async function client(url: string, round: number, c: number): Promise<void> {
  for (let i = 0; ; i++) {
    try {
      if (i % 2 === 0) {
        const name = `r${round}-c${c}-${i}`;
        if ((await call(url, 'POST', '/api/v1/tokens', { name, expires_in_days: 1 })) === 201)
          ackedTokens.add(name);
      } else {
        const value = `Acme r${round}-c${c}-${i}`;
        if ((await call(url, 'PATCH', '/api/v1/orgs/acme', { settings: { legal_name: value } })) === 200)
          ackedValues.add(value);
      }
    } catch {
      return; // connection refused or reset: Ward is gone; the outcome of this change is unknown
    }
  }
}

beforeAll(async () => {
  home = await mkdtemp(join(tmpdir(), 'ward-rel-'));
});
afterAll(async () => {
  await rm(home, { recursive: true, force: true });
});

it(`keeps every acknowledged change and only real changes across ${ROUNDS} kill -9 rounds`, async () => {
  let w: WardProcess = await startWardProcess({ WARD_HOME: home });
  const password = (await readFile(join(home, 'initial-admin-password'), 'utf8')).trim();
  const login = await fetch(`${w.url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: 'admin@localhost', password }),
  });
  token = ((await login.json()) as { token: string }).token;
  expect(await call(w.url, 'POST', '/api/v1/orgs', { name: 'acme' })).toBe(201);

  for (let round = 0; round < ROUNDS; round++) {
    if (round > 0) w = await startWardProcess({ WARD_HOME: home });
    const load = Promise.all(Array.from({ length: CLIENTS }, (_, c) => client(w.url, round, c)));
    await new Promise((r) => setTimeout(r, 150 + Math.random() * 450));
    await w.kill('SIGKILL');
    await load;
  }
  expect(ackedTokens.size + ackedValues.size).toBeGreaterThan(ROUNDS * 5);

  w = await startWardProcess({ WARD_HOME: home });
  try {
    const su = new pg.Client({ host: join(home, 'control', 'run'), user: 'ward_admin', database: 'ward' });
    await su.connect();
    try {
      const tokenEvents = (
        await su.query(
          `SELECT body::jsonb->'target'->>'id' AS id, body::jsonb->'details'->>'name' AS name FROM ward.audit_events WHERE action = 'token.create' AND outcome = 'success'`,
        )
      ).rows;
      const recordedNames = new Set(tokenEvents.map((e) => e.name));
      for (const name of ackedTokens)
        expect(recordedNames.has(name), `acknowledged token ${name} has an event`).toBe(true);
      const tokenIds = new Set(
        (await su.query('SELECT id FROM ward.tokens')).rows.map((t: { id: string }) => t.id),
      );
      for (const e of tokenEvents)
        expect(tokenIds.has(e.id), `token ${e.name} of an event exists`).toBe(true);

      const updates = (
        await su.query(
          `SELECT seq, body::jsonb->'details'->'changes'->'settings.legal_name'->>'to' AS value FROM ward.audit_events
            WHERE action = 'org.update' AND outcome = 'success' ORDER BY seq`,
        )
      ).rows;
      const recordedValues = new Set(updates.map((u) => u.value));
      for (const v of ackedValues)
        expect(recordedValues.has(v), `acknowledged change '${v}' has an event`).toBe(true);
      const org = (await su.query(`SELECT settings->>'legal_name' AS v FROM ward.orgs WHERE name = 'acme'`))
        .rows[0];
      expect(org.v).toBe(updates[updates.length - 1]?.value);

      for (const chain of (await su.query('SELECT id, last_seq FROM ward.audit_chains')).rows) {
        const seqs = (
          await su.query('SELECT seq FROM ward.audit_events WHERE chain_id = $1 ORDER BY seq', [chain.id])
        ).rows.map((r) => Number(r.seq));
        expect(seqs, `chain ${chain.id} has no gap`).toEqual(
          Array.from({ length: Number(chain.last_seq) }, (_, i) => i + 1),
        );
      }
    } finally {
      await su.end();
    }
    for (const path of ['/api/v1/operator/audit-events/verify', '/api/v1/orgs/acme/audit-events/verify']) {
      const res = await fetch(`${w.url}${path}`, { headers: { authorization: `Bearer ${token}` } });
      expect(await res.json()).toMatchObject({ ok: true, damage: null });
    }
  } finally {
    await w.kill('SIGTERM');
  }
}, 300_000);
