/**
 * The break-glass read of a statement's raw text, against a real Ward and real clients through
 * the gateway: an owner opens the exact text of a statement (also one whose text an earlier
 * event carried, even across a clock that stepped back, and an extended-protocol one, whose Parse
 * text is all there is), with a reason
 * that is recorded and a read event that never holds the text; other roles are refused and the
 * refusal is recorded; bad requests get a message that says what to fix; `ward audit
 * statement-text` prints the text; once the project's key is destroyed the text is gone for good.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { inTransaction } from '../src/db/pool.js';
import { call, events } from './support/access.js';
import { failsWith, runWard } from './support/cli.js';
import { credentials, pgConfig, projectWithPeople } from './support/gateway.js';
import { eventually, startTestWard, type TestWard } from './support/ward.js';

const ORG = 'acme-text';
const RAW = "SELECT 'Jane Doe 1980-02-03' AS patient";
const PARSED = 'SELECT $1::text AS ssn';
const BOUND = '123-45-6789';
const REASON = 'incident INC-7: which patient row did the job read?';

let w: TestWard;
let project: Awaited<ReturnType<typeof projectWithPeople>>;
/** The db.statement events of the session, oldest first, as the API lists them. */
let statements: { id: string; details: Record<string, unknown> }[];

const owner = () => project.tokens.owner ?? '';
const textPath = (id: string) => `/api/v1/orgs/${ORG}/audit-events/${id}/statement-text`;
const read = (token: string, id: string, reason = REASON) =>
  call(w, 'POST', textPath(id), { token, body: { reason } });

beforeAll(async () => {
  w = await startTestWard();
  project = await projectWithPeople(w, ORG, 'records');
  const c = new pg.Client(pgConfig(await credentials(w, owner(), project.projectId)));
  await c.connect();
  try {
    await c.query(RAW);
    // A named statement: parsed once, so its second run's event refers to the first's text.
    for (let i = 0; i < 2; i++) await c.query({ name: 'ssn', text: PARSED, values: [BOUND] });
  } finally {
    await c.end();
  }
  statements = await eventually(async () => {
    const r = await call(w, 'GET', `/api/v1/orgs/${ORG}/audit-events?action=db.statement&limit=20`, {
      token: owner(),
    });
    const found = (r.body.events as { id: string; details: Record<string, unknown> }[]).filter(
      (e) => e.details.statement !== undefined && e.details.command === 'SELECT',
    );
    return found.length === 3 ? found.reverse() : undefined;
  });
});
afterAll(() => w?.stop());

describe('reading a statement’s raw text (break-glass)', () => {
  it('gives an owner the exact text, also when an earlier event of the session carried it', async () => {
    const [simple, parsed, again] = statements as [
      (typeof statements)[0],
      (typeof statements)[0],
      (typeof statements)[0],
    ];
    // What the log holds in clear has no literal; the second run refers to the first's text.
    expect(simple.details.statement).toBe('SELECT $1 AS patient');
    expect(again.details.text_id).toBe(parsed.details.text_id);
    expect(again.details.text_sealed).toBeUndefined();

    const r = await read(owner(), simple.id);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({
      event_id: simple.id,
      session_id: simple.details.session_id,
      project_id: project.projectId,
      text: RAW,
      bytes: Buffer.byteLength(RAW),
    });
    expect(r.headers['cache-control']).toBe('no-store');
    // Extended protocol: the Parse text, from the event that carried it; the bound value was never kept.
    for (const e of [parsed, again]) {
      const x = await read(owner(), e.id);
      expect(x.status).toBe(200);
      expect(x.body.text).toBe(PARSED);
      expect(JSON.stringify(x.body)).not.toContain(BOUND);
    }
  });

  it('finds the event that carried the text when the clock stepped back between them', async () => {
    const text = 'SELECT $1::text AS mrn';
    const c = new pg.Client(pgConfig(await credentials(w, owner(), project.projectId)));
    await c.connect();
    try {
      await c.query('SELECT 1');
      // The carrier is recorded with the clock half an hour back: before its own session began.
      vi.useFakeTimers({ toFake: ['Date'] });
      vi.setSystemTime(Date.now() - 30 * 60_000);
      try {
        await c.query({ name: 'mrn', text, values: ['MRN-1'] });
      } finally {
        vi.useRealTimers();
      }
      await c.query({ name: 'mrn', text, values: ['MRN-2'] });
    } finally {
      await c.end();
    }
    const runs = await eventually(async () => {
      const r = await call(w, 'GET', `/api/v1/orgs/${ORG}/audit-events?action=db.statement&limit=50`, {
        token: owner(),
      });
      const found = (
        r.body.events as { id: string; time: string; details: Record<string, unknown> }[]
      ).filter((e) => e.details.statement === text);
      return found.length === 2 ? found : undefined;
    });
    const carrier = runs.find((e) => e.details.text_sealed !== undefined);
    const repeat = runs.find((e) => e.details.text_sealed === undefined);
    expect(Date.parse(carrier?.time ?? '')).toBeLessThan(Date.parse(repeat?.time ?? '') - 20 * 60_000);
    const x = await read(owner(), repeat?.id ?? '');
    expect(x.status, JSON.stringify(x.body)).toBe(200);
    expect(x.body.text).toBe(text);
  });

  it('records each read with its reason and never the text', async () => {
    const reads = await events(w, 'db.statement.text.read');
    const ok = reads.filter((e) => e.outcome === 'success' && e.details.event_id === statements[0]?.id);
    expect(ok).toHaveLength(1);
    expect(ok[0]?.details).toMatchObject({
      reason: REASON,
      session_id: statements[0]?.details.session_id,
      text_id: statements[0]?.details.text_id,
    });
    expect(ok[0]?.actor.email).toBe(`owner@${ORG}.test`);
    expect(ok[0]?.target).toMatchObject({ type: 'project', id: project.projectId });
    expect(JSON.stringify(reads)).not.toContain('Jane');
    expect(await w.log()).not.toContain('Jane Doe');
  });

  it('refuses every other role, and records the refusal', async () => {
    const id = statements[0]?.id as string;
    for (const role of ['admin', 'auditor', 'developer', 'member']) {
      const r = await read(project.tokens[role] ?? '', id);
      expect(r.status, role).toBe(403);
      expect(r.body.error.message).toMatch(/owner/);
      expect(JSON.stringify(r.body)).not.toContain('Jane');
    }
    const denied = (await events(w, 'db.statement.text.read')).filter((e) => e.outcome === 'denied');
    expect(denied.map((e) => e.actor.email).sort()).toEqual(
      ['admin', 'auditor', 'developer', 'member'].map((r) => `${r}@${ORG}.test`).sort(),
    );
  });

  it('says what to fix: a missing reason, an event that is not a statement, an unknown event', async () => {
    const short = await read(owner(), statements[0]?.id as string, 'because');
    expect(short.status).toBe(400);
    expect(short.body.error.message).toMatch(/say why you need the raw text \(at least 10 characters\)/);

    const [connect] = (
      await call(w, 'GET', `/api/v1/orgs/${ORG}/audit-events?action=db.connect&limit=1`, {
        token: owner(),
      })
    ).body.events;
    const notStatement = await read(owner(), connect.id);
    expect(notStatement.status).toBe(400);
    expect(notStatement.body.error.message).toBe(
      `event '${connect.id}' is a db.connect event; only db.statement events have a statement text`,
    );

    const unknown = await read(owner(), 'evt_aaaaaaaaaaaaaaaa');
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.message).toMatch(/no audit event 'evt_aaaaaaaaaaaaaaaa'/);
  });

  it('ward audit statement-text prints the text; without a reason it says so in one line', async () => {
    const configDir = await mkdtemp(join(tmpdir(), 'ward-cli-text-'));
    const env = { WARD_TOKEN: owner() as string };
    const id = statements[0]?.id as string;
    const ok = await runWard(
      ['audit', 'statement-text', id, '--org', ORG, '--reason', REASON],
      {
        url: w.url,
        configDir,
      },
      { env },
    );
    expect(ok.code).toBe(0);
    expect(ok.stdout).toBe(`${RAW}\n`);
    expect(ok.stderr).toMatch(/may hold PHI; this read is in the audit log/);

    const found = await runWard(
      ['audit', 'statement-text', id, '--reason', REASON],
      { url: w.url, configDir },
      { env },
    );
    expect(found.stdout).toBe(`${RAW}\n`);

    const noReason = await runWard(
      ['audit', 'statement-text', id, '--org', ORG],
      { url: w.url, configDir },
      { env },
    );
    expect(noReason.code).not.toBe(0);
    expect(noReason.stderr.trim()).toBe("error: required option '--reason <why>' not specified");
    failsWith(
      await runWard(
        ['audit', 'statement-text', id, '--org', ORG, '--reason', 'why'],
        { url: w.url, configDir },
        { env },
      ),
      /at least 10 characters/,
    );
  });

  it('once the project’s key is destroyed, the text cannot be read by anyone', async () => {
    const { db, keys } = w.ward.services;
    await inTransaction(db, (tx) => keys.destroyProjectKeys(tx, project.projectId));
    keys.forget();
    const r = await read(owner(), statements[0]?.id as string);
    expect(r.status).toBe(404);
    expect(r.body.error.message).toMatch(/destroyed .*crypto-shredded.*cannot be read/);
    const failed = (await events(w, 'db.statement.text.read')).filter(
      (e) => e.outcome === 'failure' && e.details.event_id === statements[0]?.id,
    );
    expect(failed).toHaveLength(1);
    expect(failed[0]?.details.error.message).toMatch(/crypto-shredded/);
  });
});
