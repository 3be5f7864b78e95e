/**
 * Audit sinks against real receivers: a file (verified offline afterwards), syslog over TLS
 * (RFC 5425 framing), an HTTPS webhook (HMAC-signed batches). At least once, in order, with
 * their checkpoints; a receiver that is down shows its error and lag, blocks nothing, and gets
 * everything once it is back. A file sink's checkpoints also expose a rollback of the database.
 */
import { createHmac } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import https from 'node:https';
import { join } from 'node:path';
import tls from 'node:tls';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyExportFile } from '../src/evidence/index.js';
import { makeTestCerts, type TestCerts } from './support/tls.js';
import { eventually, startTestWard, type TestWard } from './support/ward.js';

let w: TestWard;
let alice: string;
let certs: TestCerts;
const servers: { close(): void }[] = [];

beforeAll(async () => {
  certs = makeTestCerts();
  w = await startTestWard({ audit: { checkpoint_every_events: 5, checkpoint_every_seconds: 1 } });
  alice = await w.user('alice@acme.test');
  await w.request('POST', '/api/v1/orgs', { token: alice, body: { name: 'acme' } });
});
afterAll(async () => {
  for (const s of servers) s.close();
  await w?.stop();
});

const change = (i: number) =>
  w.request('PATCH', '/api/v1/orgs/acme', { token: alice, body: { settings: { legal_name: `Acme ${i}` } } });
const sinks = async () =>
  (await w.request('GET', '/api/v1/orgs/acme/audit-sinks', { token: alice })).body.sinks as any[];
const caughtUp = (name: string) =>
  eventually(async () => {
    const s = (await sinks()).find((x) => x.name === name);
    return s && s.delivered_seq === s.head_seq && s.lag_events === 0 ? s : undefined;
  }, 20_000);

describe('audit sinks', () => {
  it('refuse a webhook that is not https, with the reason', async () => {
    const r = await w.request('POST', '/api/v1/orgs/acme/audit-sinks', {
      token: alice,
      body: { name: 'plain', kind: 'webhook', url: 'http://127.0.0.1:1/hook' },
    });
    expect(r.status).toBe(400);
    expect(r.body.error.message).toBe(
      "body.url: 'http://127.0.0.1:1/hook' is not https: audit events leave Ward only over TLS",
    );
  });

  it('copy the whole chain to a file, with checkpoints, that verifies offline and proves rollback', async () => {
    for (let i = 0; i < 12; i++) await change(i);
    const created = await w.request('POST', '/api/v1/orgs/acme/audit-sinks', {
      token: alice,
      body: { name: 'siem-copy', kind: 'file' },
    });
    expect(created.status).toBe(201);
    expect(created.body.target).toBe(
      join(w.home, 'sinks', created.body.target.split('/').at(-2), 'siem-copy.jsonl'),
    );
    const sink = await caughtUp('siem-copy');
    const file = sink.target;
    const key = w.ward.services.signer.publicKeyPem;
    // Events arrive first; the checkpoint covering them follows within a second or so. Until it
    // has, the file's tail is unsigned and the offline verifier says so.
    const report = await eventually(async () => {
      const r = await verifyExportFile(file, key);
      return r.ok || r.damage !== 'unsigned' ? r : undefined;
    });
    expect(report).toMatchObject({ ok: true });
    expect(report.events).toBeGreaterThanOrEqual(sink.head_seq);

    // A delivery repeated after a crash (at least once): the cursor moves back, lines repeat.
    const su = new pg.Client({ host: join(w.home, 'control', 'run'), user: 'ward_admin', database: 'ward' });
    await su.connect();
    try {
      await su.query(
        'UPDATE ward.audit_sink_state SET delivered_seq = 3, delivered_checkpoint = 0 WHERE sink_id = $1',
        [sink.id],
      );
      await caughtUp('siem-copy');
      const lines = (await readFile(file, 'utf8'))
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l));
      expect(lines.filter((l) => l.type === 'event' && l.seq === 4)).toHaveLength(2);
      expect(await verifyExportFile(file, key)).toMatchObject({ ok: true });

      // The whole database goes back to an earlier state: the file's checkpoints still say more.
      const chain = lines[1].chain;
      await su.query('SET session_replication_role = replica');
      await su.query('DELETE FROM ward.audit_events WHERE chain_id = $1 AND seq > 5', [chain]);
      await su.query('DELETE FROM ward.audit_checkpoints WHERE chain_id = $1 AND tree_size > 5', [chain]);
      await su.query(
        'UPDATE ward.audit_chains SET last_seq = 5, last_hash = (SELECT hash FROM ward.audit_events WHERE chain_id = $1 AND seq = 5) WHERE id = $1',
        [chain],
      );
      const verify = (await w.request('GET', '/api/v1/orgs/acme/audit-events/verify', { token: alice })).body;
      expect(verify).toMatchObject({ ok: false, first_bad_seq: 6, damage: 'rolled_back' });
      expect(verify.external_checkpoints).toBeGreaterThan(0);
    } finally {
      await su.end();
    }
  });
});

describe('audit sinks over the network', () => {
  beforeAll(async () => {
    // A fresh org, so the chain is intact for these tests.
    await w.request('POST', '/api/v1/orgs', { token: alice, body: { name: 'globex' } });
  });
  const changeG = (i: number) =>
    w.request('PATCH', '/api/v1/orgs/globex', {
      token: alice,
      body: { settings: { legal_name: `Globex ${i}` } },
    });
  const sinksG = async () =>
    (await w.request('GET', '/api/v1/orgs/globex/audit-sinks', { token: alice })).body.sinks as any[];
  const caughtUpG = (name: string) =>
    eventually(async () => {
      const s = (await sinksG()).find((x) => x.name === name);
      return s && s.delivered_seq === s.head_seq ? s : undefined;
    }, 30_000);

  it('deliver to syslog over TLS as RFC 5424 messages with octet counting', async () => {
    const frames: string[] = [];
    const server = tls.createServer({ cert: certs.certPem, key: certs.keyPem }, (socket) => {
      let buf = '';
      socket.on('data', (d) => {
        buf += d.toString('utf8');
        for (;;) {
          const m = /^(\d+) /.exec(buf);
          if (!m) break;
          const len = Number(m[1]);
          const start = (m[0] as string).length;
          if (Buffer.byteLength(buf) < start + len) break;
          const msg = Buffer.from(buf)
            .subarray(start, start + len)
            .toString('utf8');
          frames.push(msg);
          buf = Buffer.from(buf)
            .subarray(start + len)
            .toString('utf8');
        }
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    servers.push(server);
    const port = (server.address() as { port: number }).port;
    for (let i = 0; i < 7; i++) await changeG(i);
    const created = await w.request('POST', '/api/v1/orgs/globex/audit-sinks', {
      token: alice,
      body: { name: 'syslog', kind: 'syslog', host: '127.0.0.1', port, ca_pem: certs.caPem, format: 'ocsf' },
    });
    expect(created.status).toBe(201);
    const sink = await caughtUpG('syslog');
    await eventually(async () =>
      frames.length >= sink.head_seq && frames.some((f) => f.includes(' checkpoint - ')) ? true : undefined,
    );
    expect(frames[0]).toMatch(/^<110>1 \d{4}-\d\d-\d\dT[\d:.]+Z \S+ ward \d+ org\.create - \{/);
    const records = frames.map((f) => JSON.parse(f.slice(f.indexOf(' - ') + 3)));
    const seqs = records.filter((r) => r.class_uid).map((r) => r.unmapped.ward.seq);
    expect(seqs).toEqual(Array.from({ length: sink.head_seq }, (_, i) => i + 1));
    expect(records.some((r) => r.type === 'checkpoint')).toBe(true);
  });

  it('deliver HMAC-signed batches to an HTTPS webhook; when it is down, show the error and lag, block nothing, and catch up without a gap', async () => {
    let up = false;
    const bodies: { raw: string; sig: string; delivery: string }[] = [];
    const server = https.createServer({ cert: certs.certPem, key: certs.keyPem }, (req, res) => {
      let raw = '';
      req.on('data', (d) => (raw += d));
      req.on('end', () => {
        if (!up) {
          res.writeHead(503).end();
          return;
        }
        bodies.push({
          raw,
          sig: String(req.headers['x-ward-signature']),
          delivery: String(req.headers['x-ward-delivery']),
        });
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    servers.push(server);
    const url = `https://127.0.0.1:${(server.address() as { port: number }).port}/ward`;
    const created = await w.request('POST', '/api/v1/orgs/globex/audit-sinks', {
      token: alice,
      body: { name: 'hook', kind: 'webhook', url, ca_pem: certs.caPem },
    });
    expect(created.status).toBe(201);
    const secret = created.body.secret as string;
    expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/);

    const failing = await eventually(async () =>
      (await sinksG()).find((s) => s.name === 'hook' && s.last_error),
    );
    expect(failing.last_error).toBe('the webhook answered 503');
    const started = Date.now();
    for (let i = 100; i < 110; i++) expect((await changeG(i)).status).toBe(200);
    expect(Date.now() - started).toBeLessThan(5_000);
    const lagging = (await sinksG()).find((s) => s.name === 'hook');
    expect(lagging.lag_events).toBeGreaterThan(0);
    expect(lagging.attempts).toBeGreaterThan(0);

    up = true;
    const done = await caughtUpG('hook');
    expect(done.last_error).toBeNull();
    const events = new Map<number, any>();
    let checkpoints = 0;
    for (const b of bodies) {
      const t = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(b.sig);
      expect(t).not.toBeNull();
      expect(createHmac('sha256', secret).update(`${t?.[1]}.${b.raw}`).digest('hex')).toBe(t?.[2]);
      const batch = JSON.parse(b.raw);
      for (const e of batch.events) events.set(e.seq, e);
      checkpoints += batch.checkpoints.length;
    }
    expect([...events.keys()].sort((a, b) => a - b)).toEqual(
      Array.from({ length: done.head_seq }, (_, i) => i + 1),
    );
    expect(checkpoints).toBeGreaterThan(0);
    // Each delivered event carries what proves it: its record and hash.
    const e1 = events.get(1);
    expect(e1.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(e1.body).toContain('"action":"org.create"');
  });
});
