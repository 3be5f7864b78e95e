/**
 * Retention: events older than the org keeps are removed only once a copy with its checkpoint
 * exists outside Ward; what remains still verifies (from an anchor) and still proves; HIPAA orgs
 * keep at least six years. Old events are made by running Ward's clock 40 days back while they
 * are written, so their recorded times (and hashes) really are old.
 */

import { createHash } from 'node:crypto';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { checkProof, verifyExportFile } from '../src/evidence/index.js';
import { controlConnection, superuser } from './support/control-db.js';
import { mfaUser } from './support/hipaa.js';
import { startTestWard, type TestWard } from './support/ward.js';

let w: TestWard;
let alice: string;
const DAY = 86_400_000;

beforeAll(async () => {
  w = await startTestWard({
    audit: { checkpoint_every_events: 1_000_000, checkpoint_every_seconds: 86_400 },
  });
  alice = await w.user('alice@acme.test');
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(Date.now() - 40 * DAY);
  try {
    await w.request('POST', '/api/v1/orgs', { token: alice, body: { name: 'acme' } });
    for (let i = 0; i < 10; i++)
      await w.request('PATCH', '/api/v1/orgs/acme', {
        token: alice,
        body: { settings: { legal_name: `Old ${i}` } },
      });
    const org = (await w.request('GET', '/api/v1/orgs/acme', { token: alice })).body;
    await statements(org.id, 'old');
    await w.ward.services.checkpointer.checkpoint(org.id, true);
  } finally {
    vi.useRealTimers();
  }
  const org = (await w.request('GET', '/api/v1/orgs/acme', { token: alice })).body;
  await statements(org.id, 'new');
  for (let i = 0; i < 3; i++)
    await w.request('PATCH', '/api/v1/orgs/acme', {
      token: alice,
      body: { settings: { legal_name: `New ${i}` } },
    });
});
afterAll(() => w?.stop());

const PROJECT = 'prj_retentionretentio';

/**
 * Statement events that reached subjects (accounting of access, ADR 0038), written through the
 * batch writer as the gateway writes them: a batch with its tokens in its row, one token each.
 * Each batch also gets the subject_index rows Ward wrote before migration 0079, so retention is
 * seen to remove those of an upgraded installation too.
 */
async function statements(chain: string, tag: string): Promise<void> {
  const ctx = Object.freeze({ actor: Object.freeze({ type: 'system', id: 'retention-test' }) });
  const specs = Array.from({ length: 2 }, (_, i) => {
    const tokens = createHash('sha256').update(`${tag}${i}`).digest().subarray(0, 16);
    return {
      action: 'db.statement' as const,
      chain,
      target: { type: 'project' as const, id: PROJECT, name: 'records' },
      subjectTokens: [tokens],
      details: {
        session_id: `dbs_${tag}`,
        seq: i,
        statement: 'SELECT 1',
        subjects: { named: tokens.toString('base64') },
      },
    };
  });
  await w.ward.services.audit.append(ctx as never, specs as never);
  await superuser(w, (su) =>
    su.query(
      `INSERT INTO ward.subject_index (chain_id, token, project_id, first_seq, time_from)
       SELECT b.chain_id, t, $2, b.first_seq, b.time_from FROM ward.audit_batches b, unnest(b.subject_tokens) t
        WHERE b.chain_id = $1 AND NOT EXISTS (
          SELECT 1 FROM ward.subject_index s WHERE s.chain_id = b.chain_id AND s.first_seq = b.first_seq)`,
      [chain, PROJECT],
    ),
  );
}

/** The chain's stored subject tokens, its subject_index rows, and those whose batch is not stored. */
async function indexRows(chain: string): Promise<{ tokens: number; rows: number; orphans: number }> {
  const { rows } = await superuser(w, (su) =>
    su.query(
      `SELECT (SELECT coalesce(sum(cardinality(subject_tokens)), 0)::int FROM ward.audit_batches
                WHERE chain_id = $1) AS tokens,
              count(*)::int AS rows,
              count(*) FILTER (WHERE NOT EXISTS (
                SELECT 1 FROM ward.audit_batches b
                 WHERE b.chain_id = s.chain_id AND b.first_seq = s.first_seq AND b.time_from = s.time_from))::int AS orphans
         FROM ward.subject_index s WHERE s.chain_id = $1`,
      [chain],
    ),
  );
  return rows[0];
}

describe('retention', () => {
  it('keeps events past their age until a copy with a checkpoint exists, then removes exactly those', async () => {
    const { maintenance } = w.ward.services;
    expect(
      (
        await w.request('PATCH', '/api/v1/orgs/acme', {
          token: alice,
          body: { settings: { audit_retention_days: 30 } },
        })
      ).status,
    ).toBe(200);
    expect(await maintenance.applyRetention()).toEqual({});
    const org0 = (await w.request('GET', '/api/v1/orgs/acme', { token: alice })).body;
    expect(await indexRows(org0.id)).toEqual({ tokens: 4, rows: 4, orphans: 0 });

    const exported = await w.request('GET', '/api/v1/orgs/acme/audit-events/export', { token: alice });
    expect(exported.status).toBe(200);
    const org = (await w.request('GET', '/api/v1/orgs/acme', { token: alice })).body;
    expect(await maintenance.applyRetention()).toEqual({ [org.id]: 13 });
    // The old batch went with its tokens and its subject index rows; the new one keeps its own.
    expect(await indexRows(org.id)).toEqual({ tokens: 2, rows: 2, orphans: 0 });

    const { events } = (await w.request('GET', '/api/v1/orgs/acme/audit-events?limit=500', { token: alice }))
      .body;
    expect(Math.min(...events.map((e: any) => e.seq))).toBe(14);
    const purge = events.find((e: any) => e.action === 'audit.retention.purge');
    expect(purge.details).toEqual({ removed: 13, up_to_seq: 13, keep_days: 30 });
  });

  it('leaves a chain that still verifies and proves, through the API and offline', async () => {
    const report = (await w.request('GET', '/api/v1/orgs/acme/audit-events/verify', { token: alice })).body;
    expect(report).toMatchObject({ ok: true, damage: null });
    const { events } = (
      await w.request('GET', '/api/v1/orgs/acme/audit-events?action=org.update&limit=1', { token: alice })
    ).body;
    const proof = (
      await w.request('GET', `/api/v1/orgs/acme/audit-events/${events[0].id}/proof`, { token: alice })
    ).body;
    const key = w.ward.services.signer.publicKeyPem;
    expect(checkProof(proof, key)).toMatchObject({ ok: true, event: { seq: events[0].seq } });

    const dir = await mkdtemp(join(tmpdir(), 'ward-ret-'));
    const file = join(dir, 'export.jsonl');
    await writeFile(
      file,
      (await w.request('GET', '/api/v1/orgs/acme/audit-events/export', { token: alice })).body,
    );
    // The export starts at the anchor (event 13 removed) and holds exactly what remains.
    const offline = await verifyExportFile(file, key);
    expect(offline).toMatchObject({ ok: true, events: report.events });
  });

  it('refuses less than six years for a HIPAA org, in the API and in the database', async () => {
    // Its owner signs in with a second factor, as a HIPAA org requires: without one, whether the
    // change below is judged or refused for the missing factor would hang on whether the owner's
    // token was looked up before or after HIPAA was turned on (a second's cache).
    const gina = await mfaUser(w, 'gina@globex.test');
    const globex = (await w.request('POST', '/api/v1/orgs', { token: gina, body: { name: 'globex' } })).body;
    await superuser(w, (su) =>
      su.query('UPDATE ward.orgs SET hipaa_enabled = true WHERE id = $1', [globex.id]),
    );
    const r = await w.request('PATCH', '/api/v1/orgs/globex', {
      token: gina,
      body: { settings: { audit_retention_days: 365 } },
    });
    expect(r.status).toBe(400);
    expect(r.body.error.message).toBe(
      "'globex' has HIPAA enabled, so its audit log is kept at least 2192 days (6 years); asked: 365",
    );
    expect(
      (
        await w.request('PATCH', '/api/v1/orgs/globex', {
          token: gina,
          body: { settings: { audit_retention_days: 2555 } },
        })
      ).status,
    ).toBe(200);
    const app = new pg.Client(controlConnection(w, 'ward_app'));
    await app.connect();
    try {
      await expect(app.query('SELECT ward.audit_purge($1, 365)', [globex.id])).rejects.toThrow(
        /shorter than the minimum of 2192 days/,
      );
      await expect(app.query('DELETE FROM ward.audit_anchors')).rejects.toThrow(/permission denied/);
    } finally {
      await app.end();
    }
  });
});
