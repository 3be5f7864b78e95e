/**
 * The audit log as people use it: sign-ins and changes recorded, filtered, paged (by the CLI too,
 * past the API's page of 500); read only by those allowed; verified; proofs and exports checked
 * offline with the CLI and the public key alone; and a change refused (503, nothing changed) when
 * its event cannot be written.
 */
import { mkdtemp, readFile, stat, writeFile } from 'node:fs/promises';
import { type AddressInfo, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyExportFile } from '../src/evidence/index.js';
import type { RequestContext } from '../src/lib/context.js';
import { runWard } from './support/cli.js';
import { eventually, PASSWORD, startTestWard, type TestWard } from './support/ward.js';

let w: TestWard;
let dir: string;
let alice: string; // owner
let dave: string; // developer
let aud: string; // auditor

const ward = (args: string[], token?: string) =>
  runWard(args, { url: w.url, configDir: dir }, { env: token ? { WARD_TOKEN: token } : {} });

beforeAll(async () => {
  w = await startTestWard({
    audit: { checkpoint_every_events: 1_000_000, checkpoint_every_seconds: 86_400 },
  });
  dir = await mkdtemp(join(tmpdir(), 'ward-audit-'));
  alice = await w.user('alice@acme.test');
  await w.request('POST', '/api/v1/orgs', { token: alice, body: { name: 'acme' } });
  for (const [email, role] of [
    ['dave@acme.test', 'developer'],
    ['aud@acme.test', 'auditor'],
  ]) {
    await w.user(email as string);
    await w.request('POST', '/api/v1/orgs/acme/members', { token: alice, body: { email, role } });
  }
  dave = await w.login('dave@acme.test', PASSWORD);
  aud = await w.login('aud@acme.test', PASSWORD);
  await w.request('POST', '/api/v1/auth/login', {
    body: { email: 'aud@acme.test', password: 'wrong password!' },
  });
  const p = await w.request('POST', '/api/v1/orgs/acme/projects', {
    token: dave,
    body: { name: 'records', region_id: 'local' },
  });
  await eventually(async () =>
    (await w.request('GET', `/api/v1/projects/${p.body.id}`, { token: dave })).body.status === 'running'
      ? true
      : undefined,
  );
  await w.request('PATCH', `/api/v1/projects/${p.body.id}`, { token: dave, body: { name: 'renamed' } });
});
afterAll(() => w?.stop());

describe('recording', () => {
  it('keeps sign-ins and changes with actor, address, time, action, target and outcome', async () => {
    const { events } = (await w.request('GET', '/api/v1/orgs/acme/audit-events?limit=100', { token: aud }))
      .body;
    const actions = events.map((e: any) => `${e.action}:${e.outcome}`);
    expect(actions).toEqual(
      expect.arrayContaining([
        'org.create:success',
        'org.member.add:success',
        'auth.login.success:success',
        'project.create:success',
        'project.provision:success',
        'project.update:denied',
      ]),
    );
    const create = events.find((e: any) => e.action === 'project.create');
    expect(create.actor).toMatchObject({ type: 'user', email: 'dave@acme.test', ip: '127.0.0.1' });
    expect(create.target).toMatchObject({ type: 'project', name: 'records' });
    expect(Date.parse(create.time)).toBeGreaterThan(Date.now() - 60_000);
    const denied = events.find((e: any) => e.action === 'project.update');
    expect(denied.details.error.message).toMatch(/needs the owner or admin role/);
    expect(events.map((e: any) => e.seq)).toEqual([...events.map((e: any) => e.seq)].sort((a, b) => b - a));
  });

  it("keeps failed sign-ins in the operator log, and a member's in their org's too", async () => {
    const admin = await w.adminToken();
    const { events } = (
      await w.request('GET', '/api/v1/operator/audit-events?action=auth.login.failure', { token: admin })
    ).body;
    expect(events[0]).toMatchObject({
      action: 'auth.login.failure',
      outcome: 'denied',
      details: { email: 'aud@acme.test', reason: 'bad_credentials' },
    });
    const own = (
      await w.request('GET', '/api/v1/orgs/acme/audit-events?action=auth.login.failure', { token: alice })
    ).body.events;
    expect(own.map((e: any) => [e.outcome, e.details.email, e.details.reason])).toEqual([
      ['denied', 'aud@acme.test', 'bad_credentials'],
    ]);
  });

  it('filters by actor, action (and prefix), project, outcome and time, and pages with a cursor', async () => {
    const get = async (q: string) =>
      (await w.request('GET', `/api/v1/orgs/acme/audit-events?${q}`, { token: alice })).body;
    expect(
      (await get('actor=dave@acme.test')).events.every((e: any) => e.actor.email === 'dave@acme.test'),
    ).toBe(true);
    expect(
      (await get('action=project.*')).events
        .map((e: any) => e.action)
        .every((a: string) => a.startsWith('project.')),
    ).toBe(true);
    // The developer's rename was refused, so the project is still 'records'.
    const byProject = (await get('project=records')).events.map((e: any) => e.action);
    expect(byProject).toEqual(
      expect.arrayContaining(['project.create', 'project.provision', 'project.update']),
    );
    expect(byProject).not.toContain('org.create');
    expect((await get('outcome=denied')).events.map((e: any) => e.action)).toEqual([
      'project.update',
      'auth.login.failure',
    ]);
    expect(
      (await get(`since=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`)).events,
    ).toEqual([]);
    const first = await get('limit=2');
    const second = await get(`limit=2&cursor=${first.next_cursor}`);
    expect(second.events[0].seq).toBe(first.events[1].seq - 1);
    expect(
      (await w.request('GET', '/api/v1/orgs/acme/audit-events?action=DROP TABLE', { token: alice })).status,
    ).toBe(400);
  });
});

describe('who may read', () => {
  it('owners and auditors yes; developers no; other orgs and the operator log 404/403', async () => {
    expect((await w.request('GET', '/api/v1/orgs/acme/audit-events', { token: aud })).status).toBe(200);
    const dev = await w.request('GET', '/api/v1/orgs/acme/audit-events', { token: dave });
    expect(dev.status).toBe(403);
    expect(dev.body.error.message).toMatch(
      /reading the organization's audit log needs the owner or admin or auditor role/,
    );
    const bob = await w.user('bob@globex.test');
    expect((await w.request('GET', '/api/v1/orgs/acme/audit-events/verify', { token: bob })).status).toBe(
      404,
    );
    expect((await w.request('GET', '/api/v1/operator/audit-events', { token: alice })).status).toBe(403);
    expect((await w.request('GET', '/api/v1/audit/public-key')).body.public_key).toMatch(/BEGIN PUBLIC KEY/);
  });
});

describe('verification, proofs and exports', () => {
  it('verifies the chain through the API and the CLI', async () => {
    const r = (await w.request('GET', '/api/v1/orgs/acme/audit-events/verify', { token: aud })).body;
    expect(r).toMatchObject({ ok: true, first_bad_seq: null, damage: null });
    expect(r.events).toBeGreaterThan(5);
    const cli = await ward(['audit', 'verify', '--org', 'acme'], aud);
    expect(cli.code).toBe(0);
    expect(cli.stdout).toMatch(/^OK: chain org_[a-z2-7]{16}: \d+ events and \d+ checkpoints checked\n$/);
  });

  it('proves an event and checks the proof offline with the public key; a changed proof fails', async () => {
    const { events } = (
      await w.request('GET', '/api/v1/orgs/acme/audit-events?action=project.create', { token: aud })
    ).body;
    const proofFile = join(dir, 'proof.json');
    const keyFile = join(dir, 'ward.pem');
    // No --org: the CLI finds the event's chain among the logs the auditor may read.
    expect((await ward(['audit', 'prove', events[0].id, '-o', proofFile], aud)).code).toBe(0);
    await writeFile(keyFile, (await ward(['audit', 'public-key'])).stdout);
    const ok = await ward(['audit', 'check-proof', proofFile, '--public-key', keyFile]);
    expect(ok.stdout).toMatch(
      new RegExp(`^OK: event ${events[0].seq} \\(project\\.create, ${events[0].id}\\) is in chain org_`),
    );
    const proof = JSON.parse(await readFile(proofFile, 'utf8'));
    proof.event.body = proof.event.body.replace('records', 'recordz');
    await writeFile(proofFile, JSON.stringify(proof));
    const bad = await ward(['audit', 'check-proof', proofFile, '--public-key', keyFile]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toBe("ward: proof does not hold: the event's record does not match its hash\n");
  });

  it('exports as JSON lines and OCSF, both verifiable offline; a changed export is caught', async () => {
    const keyFile = join(dir, 'ward.pem');
    for (const format of ['jsonl', 'ocsf']) {
      const file = join(dir, `export.${format}`);
      const exp = await ward(['audit', 'export', '--org', 'acme', '--format', format, '-o', file], aud);
      expect(exp.code, exp.stderr).toBe(0);
      const lines = (await readFile(file, 'utf8'))
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l));
      expect(lines[0]).toMatchObject({
        type: 'header',
        format: 'ward-audit-export/v1',
        event_format: format,
      });
      expect(lines[lines.length - 1].type).toBe('checkpoint');
      if (format === 'ocsf')
        expect(lines[1]).toMatchObject({
          class_uid: expect.any(Number),
          metadata: { product: { name: 'Ward' } },
          unmapped: { ward: { seq: 1 } },
        });
      const ok = await ward(['audit', 'verify', '--file', file, '--public-key', keyFile]);
      expect(ok.stdout, ok.stderr).toMatch(
        /^OK: chain org_[a-z2-7]{16}: \d+ events and \d+ checkpoints checked\n$/,
      );
    }
    // A refusal or an unreachable Ward is one plain line, and no file is left behind.
    const missing = join(dir, 'nothing.jsonl');
    const refused = await ward(['audit', 'export', '--org', 'no-such-org', '-o', missing], aud);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/^ward: .*no-such-org.*\n$/);
    await expect(stat(missing)).rejects.toThrow();
    // A port nothing listens on: one just given up.
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise((resolve) => closed.close(resolve));
    const down = await runWard(
      ['audit', 'export', '--org', 'acme', '-o', missing],
      { url: `http://127.0.0.1:${port}`, configDir: dir },
      { env: { WARD_TOKEN: aud } },
    );
    expect(down.code).toBe(1);
    expect(down.stderr).toBe(
      `ward: cannot reach Ward at http://127.0.0.1:${port} (ECONNREFUSED); is \`ward up\` running?\n`,
    );
    const file = join(dir, 'export.jsonl');
    await writeFile(file, (await readFile(file, 'utf8')).replace('"org.create', '"org.delete'));
    const bad = await ward(['audit', 'verify', '--file', file, '--public-key', keyFile]);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toMatch(
      /^DAMAGED: chain org_[a-z2-7]{16}: first bad seq 1 \(modified\): event 1 no longer matches its hash\n$/,
    );
    const { events } = (
      await w.request('GET', '/api/v1/orgs/acme/audit-events?action=audit.export', { token: aud })
    ).body;
    expect(events.map((e: any) => e.details.format).sort()).toEqual(['jsonl', 'ocsf']);
  });

  it('refuses an export offline unless it holds its whole range and a signed checkpoint covers its end', async () => {
    const key = w.ward.services.signer.publicKeyPem;
    const keyFile = join(dir, 'ward-export.pem');
    await writeFile(keyFile, key);
    const text = (await w.request('GET', '/api/v1/orgs/acme/audit-events/export', { token: aud })).body;
    const lines: any[] = text
      .trim()
      .split('\n')
      .map((l: string) => JSON.parse(l));
    const upTo = lines[0].up_to_seq;
    expect(upTo).toBeGreaterThan(3);
    // The writer ends the export with the checkpoint that covers its last event.
    expect(lines.at(-1)).toMatchObject({ type: 'checkpoint', tree_size: upTo });
    expect(lines.at(-2)).toMatchObject({ type: 'event', seq: upTo });
    const file = async (name: string, ls: any[]) => {
      const path = join(dir, name);
      await writeFile(path, ls.map((l) => `${JSON.stringify(l)}\n`).join(''));
      return path;
    };
    expect(await verifyExportFile(await file('whole.jsonl', lines), key)).toMatchObject({
      ok: true,
      events: upTo,
    });

    // Its tail and last checkpoint cut off: the first missing event is named.
    const cut = lines.slice(0, lines.findIndex((l) => l.type === 'event' && l.seq === upTo - 2) + 1);
    expect(await verifyExportFile(await file('cut.jsonl', cut), key)).toMatchObject({
      ok: false,
      first_bad_seq: upTo - 1,
      damage: 'truncated',
      detail: expect.stringMatching(
        new RegExp(`^the header says the export runs to event ${upTo}, but it ends at event ${upTo - 2}: `),
      ),
    });

    // Fabricated: the same events and no checkpoint line at all.
    const fabricated = await file(
      'fabricated.jsonl',
      lines.filter((l) => l.type !== 'checkpoint'),
    );
    expect(await verifyExportFile(fabricated, key)).toMatchObject({
      ok: false,
      first_bad_seq: 1,
      damage: 'unsigned',
    });
    const cli = await ward(['audit', 'verify', '--file', fabricated, '--public-key', keyFile]);
    expect(cli.code).toBe(1);
    expect(cli.stdout).toBe(
      `DAMAGED: chain ${lines[0].chain}: first bad seq 1 (unsigned): the file holds no checkpoint signed by this key: nothing proves that events 1–${upTo} are Ward's\n`,
    );

    // The header claims more than the file holds.
    const longer = [{ ...lines[0], up_to_seq: upTo + 5 }, ...lines.slice(1)];
    expect(await verifyExportFile(await file('longer.jsonl', longer), key)).toMatchObject({
      ok: false,
      first_bad_seq: upTo + 1,
      damage: 'truncated',
    });
  });
});

describe('failing closed', () => {
  it('refuses a change with 503 and changes nothing when its event cannot be written', async () => {
    const su = new pg.Client({ host: join(w.home, 'control', 'run'), user: 'ward_admin', database: 'ward' });
    await su.connect();
    try {
      await su.query('REVOKE INSERT ON ward.audit_events FROM ward_app');
      const r = await w.request('POST', '/api/v1/orgs', { token: alice, body: { name: 'unrecorded' } });
      expect(r.status).toBe(503);
      expect(r.body.error).toEqual({
        code: 'unavailable',
        message: 'the audit log could not be written, so nothing was changed; try again shortly',
      });
      expect(
        (await su.query("SELECT count(*)::int AS n FROM ward.orgs WHERE name = 'unrecorded'")).rows[0].n,
      ).toBe(0);
    } finally {
      await su.query('GRANT INSERT ON ward.audit_events TO ward_app');
      await su.end();
    }
    expect(
      (await w.request('POST', '/api/v1/orgs', { token: alice, body: { name: 'unrecorded' } })).status,
    ).toBe(201);
  });
});

describe('the audit CLI', () => {
  it('lists with filters and relative times, and shows one event', async () => {
    const list = await ward(['audit', 'list', '--org', 'acme', '--since', '1h', '--action', 'org.*'], aud);
    expect(list.code, list.stderr).toBe(0);
    expect(list.stdout).toMatch(/│ alice@acme\.test\s+│ org\.create\s+│ success\s+│ org acme/);
    expect(list.stdout).not.toMatch(/project\.create/);
    const bad = await ward(['audit', 'list', '--org', 'acme', '--since', 'yesterday'], aud);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe(
      "ward: 'yesterday' is not a time: use 30m, 1h, 7d or an ISO time such as 2026-11-22T10:00:00Z\n",
    );
    const id = JSON.parse(
      (await ward(['audit', 'list', '--org', 'acme', '--action', 'org.create', '--json'], aud)).stdout,
    )[0].id;
    const show = await ward(['audit', 'show', id, '--org', 'acme'], aud);
    expect(show.stdout).toMatch(/^action\s+org\.create$/m);
    expect(show.stdout).toMatch(/^hash\s+[0-9a-f]{64}$/m);
    const none = await ward(['audit', 'list'], aud);
    expect(none.stderr).toBe('ward: name the chain: --org <org> (or --operator for the operator’s log)\n');
  });

  it('adds, lists, switches and removes sinks, and sets retention', async () => {
    const add = await ward(
      ['audit', 'sink', 'add', '--org', 'acme', '--name', 'copy', '--kind', 'file'],
      alice,
    );
    expect(add.stdout).toMatch(
      /^Added file sink copy \(snk_[a-z2-7]{16}\) → \/.*\/sinks\/org_[a-z2-7]{16}\/copy\.jsonl\n$/,
    );
    const id = /\((snk_[a-z2-7]{16})\)/.exec(add.stdout)?.[1] as string;
    const list = await ward(['audit', 'sink', 'list', '--org', 'acme'], alice);
    expect(list.stdout).toMatch(/│ copy\s+│ file\/json │/);
    expect((await ward(['audit', 'sink', 'disable', id, '--org', 'acme'], alice)).stdout).toBe(
      'Sink copy is disabled\n',
    );
    const http = await ward(
      [
        'audit',
        'sink',
        'add',
        '--org',
        'acme',
        '--name',
        'hook',
        '--kind',
        'webhook',
        '--url',
        'http://127.0.0.1/x',
      ],
      alice,
    );
    expect(http.code).toBe(1);
    expect(http.stderr).toMatch(/^ward: body\.url: 'http:\/\/127\.0\.0\.1\/x' is not https/);
    // Auditors see how far each copy has got; only owners and admins change sinks.
    expect((await ward(['audit', 'sink', 'list', '--org', 'acme'], aud)).stdout).toMatch(/│ copy\s+│/);
    expect(
      (await ward(['audit', 'sink', 'add', '--org', 'acme', '--name', 'x2', '--kind', 'file'], aud)).code,
    ).toBe(1);
    const byDev = await ward(['audit', 'sink', 'list', '--org', 'acme'], dave);
    expect(byDev.code).toBe(1);
    expect(byDev.stderr).toMatch(/^ward: .*(auditor|not allowed|needs)/);
    expect((await ward(['audit', 'sink', 'remove', id, '--org', 'acme'], alice)).stdout).toBe(
      `Removed sink ${id}\n`,
    );
    const ret = await ward(['org', 'set', 'acme', '--audit-retention-days', '400', '--json'], alice);
    expect(JSON.parse(ret.stdout).settings.audit_retention_days).toBe(400);
  });

  it('lists past the API page of 500 when --limit asks for more, each event once', async () => {
    const org = (await w.request('GET', '/api/v1/orgs/acme', { token: alice })).body;
    const ctx = Object.freeze({
      actor: Object.freeze({ type: 'user', id: 'usr_restarteraaaaaaa', email: 'ops@acme.test' }),
      ip: '127.0.0.1',
    }) as RequestContext;
    const restarts = Array.from({ length: 1_100 }, (_, i) => ({
      action: 'project.cluster.restart' as const,
      chain: org.id as string,
      target: { type: 'project' as const, id: 'prj_restartedaaaaaaa', name: 'records' },
      details: { reason: `exit ${i}` },
    }));
    await w.ward.services.audit.append(ctx, restarts);
    const listed = async (limit: string) => {
      const r = await ward(
        ['audit', 'list', '--org', 'acme', '--action', 'project.cluster.restart', '--limit', limit, '--json'],
        aud,
      );
      expect(r.code, r.stderr).toBe(0);
      return (JSON.parse(r.stdout) as { seq: number; details: { reason: string } }[]).map((e) => e.seq);
    };
    const all = await listed('5000');
    expect(all).toHaveLength(1_100);
    expect(new Set(all).size).toBe(1_100);
    expect([...all].sort((a, b) => b - a)).toEqual(all);
    expect(await listed('700')).toEqual(all.slice(0, 700));
    const bad = await ward(['audit', 'list', '--org', 'acme', '--limit', '0'], aud);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe("ward: --limit takes a whole number of events from 1, not '0'\n");
  });
});
