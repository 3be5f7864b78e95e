/**
 * @module witness/witness.test
 * The witness over real HTTP on 127.0.0.1, against a real log made here: RFC 6962 trees over
 * random leaves and Ed25519-signed checkpoints. Every status tlog-witness names, the monitoring
 * extension, what survives a restart, and a thousand racing submissions to one log.
 */
import { generateKeyPairSync, type KeyObject, randomBytes, sign } from 'node:crypto';
import { appendFileSync, chmodSync, copyFileSync, readFileSync, statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { httpsRequest, makeTestCerts } from '../../test/support/tls.js';
import { consistencyProof, leafHash, treeRoot } from '../evidence/merkle.js';
import {
  addCheckpointRequest,
  COSIGNATURE_V1,
  checkpointBody,
  cosignatureTime,
  ED25519,
  encodeVkey,
  formatNote,
  type NoteSignature,
  type NoteVerifier,
  noteSignedBy,
  parseNote,
  parseSignatureLine,
  parseVkey,
  rawEd25519,
  signNote,
  verifierFor,
} from '../evidence/note.js';
import { type RunningWitness, startWitness, type WitnessOptions } from './index.js';

const NOW = 1_750_000_000;

// ---- a log -------------------------------------------------------------------------------------

interface Signer {
  verifier: NoteVerifier;
  privateKey: KeyObject;
}

function signer(origin: string): Signer {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  return { verifier: verifierFor(origin, ED25519, rawEd25519(publicKey)), privateKey };
}

const sigBy = (body: string, s: Signer): NoteSignature =>
  signNote(body, s.verifier, (data) => sign(null, data, s.privateKey));

class TestLog {
  readonly key: Signer;
  readonly vkey: string;
  readonly leaves: Buffer[];

  constructor(
    readonly origin: string,
    size = 256,
    leaves?: Buffer[],
    key?: Signer,
  ) {
    this.key = key ?? signer(origin);
    this.vkey = encodeVkey(this.key.verifier);
    this.leaves = leaves ?? Array.from({ length: size }, () => leafHash(randomBytes(32)));
  }

  /** The same log with leaf `index` replaced: a fork from `index` on. */
  fork(index: number): TestLog {
    const leaves = [...this.leaves];
    leaves[index] = leafHash(randomBytes(32));
    return new TestLog(this.origin, 0, leaves, this.key);
  }

  root(size: number): Buffer {
    return treeRoot(this.leaves.slice(0, size));
  }

  proof(from: number, to: number): Buffer[] {
    return from === 0 || from === to ? [] : consistencyProof(this.leaves, from, to);
  }

  body(size: number): string {
    return checkpointBody({ origin: this.origin, size, root: this.root(size) });
  }

  note(size: number, signers: Signer[] = [this.key]): string {
    const body = this.body(size);
    return formatNote({ body, signatures: signers.map((s) => sigBy(body, s)) });
  }

  /** The add-checkpoint body growing from `from` to `to`. */
  request(from: number, to: number): string {
    return addCheckpointRequest(from, this.proof(from, to), this.note(to));
  }
}

// ---- HTTP --------------------------------------------------------------------------------------

interface Reply {
  status: number;
  type: string | undefined;
  body: string;
}

const agent = new Agent({ keepAlive: true, maxSockets: 128 });

function call(url: string, method = 'GET', body?: string): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, agent }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => {
        text += d;
      });
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, type: res.headers['content-type'], body: text }),
      );
    });
    req.on('error', reject);
    req.end(body);
  });
}

const submit = (w: RunningWitness, body: string) => call(`${w.url}/add-checkpoint`, 'POST', body);

// ---- set-up ------------------------------------------------------------------------------------

const dirs: string[] = [];
const running: RunningWitness[] = [];

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'ward-witness-'));
  dirs.push(dir);
  return join(dir, 'data');
}

async function start(opts: Partial<WitnessOptions> & { logs: string[] }): Promise<RunningWitness> {
  const w = await startWitness({ listen: '127.0.0.1:0', dataDir: await tempDir(), now: () => NOW, ...opts });
  running.push(w);
  return w;
}

afterEach(async () => {
  await Promise.all(running.splice(0).map((w) => w.stop()));
});

afterAll(async () => {
  agent.destroy();
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

const witnessKey = (dataDir: string) =>
  parseVkey(readFileSync(join(dataDir, 'witness.vkey'), 'utf8'), COSIGNATURE_V1);

/** The cosignature's time when `line` is a valid cosignature of `body` by the witness. */
function cosignedAt(line: string, body: string, v: NoteVerifier): number | undefined {
  expect(line.endsWith('\n') && line.indexOf('\n') === line.length - 1).toBe(true);
  return cosignatureTime(body, parseSignatureLine(line.slice(0, -1)), v);
}

// ---- the protocol ------------------------------------------------------------------------------

describe('add-checkpoint', () => {
  const log = new TestLog('ward.example/audit/org-1');
  const other = new TestLog('ward.example/audit/org-2');

  it('cosigns a first checkpoint (old 0) with a line that verifies against witness.vkey at the time given', async () => {
    const dataDir = await tempDir();
    const w = await start({ dataDir, logs: [log.vkey, other.vkey] });
    const reply = await submit(w, log.request(0, 10));
    expect(reply.status).toBe(200);
    expect(reply.type).toMatch(/^text\/plain/);
    const v = witnessKey(dataDir);
    expect(encodeVkey(v)).toBe(w.vkey);
    expect(cosignedAt(reply.body, log.body(10), v)).toBe(NOW);
    expect(cosignedAt(reply.body, log.body(11), v)).toBeUndefined();
  });

  it('answers each refusal with the status tlog-witness names', async () => {
    const w = await start({ logs: [log.vkey, other.vkey] });
    expect((await submit(w, log.request(0, 10))).status).toBe(200);
    expect((await submit(w, log.request(10, 37))).status).toBe(200);

    const unknown = new TestLog('ward.example/audit/org-3');
    expect((await submit(w, unknown.request(0, 5))).status).toBe(404);

    // Same origin, another key: its signature is ignored, so none verifies.
    const impostor = signer(log.origin);
    expect(
      (await submit(w, addCheckpointRequest(37, log.proof(37, 40), log.note(40, [impostor])))).status,
    ).toBe(403);
    // A valid signature from an unknown key beside a bad one by the trusted key.
    const body = log.body(40);
    const forged = { ...sigBy(body, log.key), signature: randomBytes(64) };
    const mixed = formatNote({ body, signatures: [sigBy(body, impostor), forged] });
    expect((await submit(w, addCheckpointRequest(37, log.proof(37, 40), mixed))).status).toBe(403);

    expect((await submit(w, addCheckpointRequest(41, [], log.note(40)))).status).toBe(400);

    const stale = await submit(w, log.request(10, 40));
    expect(stale).toEqual({ status: 409, type: 'text/x.tlog.size', body: '37\n' });

    const tampered = log.proof(37, 40);
    const flipped = Buffer.from(tampered[0] as Buffer);
    flipped[0] = (flipped[0] as number) ^ 1;
    tampered[0] = flipped;
    expect((await submit(w, addCheckpointRequest(37, tampered, log.note(40)))).status).toBe(422);
    const fork = log.fork(20);
    expect((await submit(w, fork.request(37, 40))).status).toBe(422);
    expect((await submit(w, addCheckpointRequest(37, log.proof(37, 40).slice(1), log.note(40)))).status).toBe(
      422,
    );

    expect(await submit(w, fork.request(37, 37))).toEqual({
      status: 409,
      type: 'text/x.tlog.size',
      body: '37\n',
    });

    // Nothing refused moved the state; an honest resubmission of 37 is cosigned again.
    expect((await submit(w, log.request(37, 37))).status).toBe(200);
    expect((await submit(w, log.request(37, 40))).status).toBe(200);
    // Each log has its own state.
    expect((await submit(w, other.request(0, 3))).status).toBe(200);
  });

  it('refuses malformed bodies with 400', async () => {
    const w = await start({ logs: [log.vkey] });
    const note = log.note(10);
    const line = () => `${randomBytes(32).toString('base64')}\n`;
    for (const body of [
      `old 0\n${note.replace('\n\n', '\n')}`,
      `old 0\n${note}`,
      `old 5\n${line().repeat(64)}\n${note}`,
      `old 5\n${line().slice(0, -2)}!\n\n${note}`,
      `old 00\n\n${note}`,
      `old 0\n${line()}\n${note}`,
      `old 0\n\n${log.origin}\n10\nnot-a-root\n\n${note.slice(note.indexOf('\u2014'))}`,
      `old 0\n\n${'x'.repeat(64 * 1024)}`,
    ])
      expect((await submit(w, body)).status, body.slice(0, 60)).toBe(400);
    const reply = await submit(w, `old 0\n${note}`);
    expect(reply.body.trimEnd()).not.toContain('\n');
    expect((await submit(w, log.request(0, 10))).status).toBe(200);
  });

  it('cosigns an empty log only with the empty tree root', async () => {
    const w = await start({ logs: [log.vkey] });
    expect((await submit(w, log.request(0, 0))).status).toBe(200);
    const body = checkpointBody({ origin: log.origin, size: 0, root: randomBytes(32) });
    const bogus = formatNote({ body, signatures: [sigBy(body, log.key)] });
    expect(await submit(w, addCheckpointRequest(0, [], bogus))).toMatchObject({ status: 409, body: '0\n' });
    expect((await call(`${w.url}/checkpoint?origin=${encodeURIComponent(log.origin)}`)).status).toBe(404);
  });
});

describe('start', () => {
  const log = new TestLog('ward.example/audit/org-1');

  it('refuses to serve off loopback without TLS, and to run without a trusted log', async () => {
    await expect(
      startWitness({ listen: '0.0.0.0:0', dataDir: await tempDir(), logs: [log.vkey] }),
    ).rejects.toThrow(/without TLS: pass tls/);
    await expect(startWitness({ listen: '127.0.0.1:0', dataDir: await tempDir(), logs: [] })).rejects.toThrow(
      /trusts no log/,
    );
    await expect(
      startWitness({ listen: 'localhost', dataDir: await tempDir(), logs: [log.vkey] }),
    ).rejects.toThrow(/host:port/);
  });

  it('serves HTTPS with the certificate given', async () => {
    const certs = makeTestCerts();
    dirs.push(dirname(certs.caFile));
    const w = await start({ logs: [log.vkey], tls: { certPem: certs.certPem, keyPem: certs.keyPem } });
    expect(w.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const reply = await httpsRequest(`${w.url}/`, { ca: certs.caPem });
    expect(reply.status).toBe(200);
    expect(JSON.parse(reply.body)).toEqual({ name: w.name, vkey: w.vkey, logs: [log.origin] });
  });

  it('keeps its key 0600, its name, and one witness per data directory', async () => {
    const dataDir = await tempDir();
    const w = await start({ dataDir, logs: [log.vkey] });
    expect(w.name).toMatch(/^witness-[0-9a-f]{8}$/);
    expect(statSync(join(dataDir, 'witness.key')).mode & 0o777).toBe(0o600);
    expect(statSync(dataDir).mode & 0o777).toBe(0o700);
    await expect(startWitness({ listen: '127.0.0.1:0', dataDir, logs: [log.vkey] })).rejects.toThrow(
      /another witness/,
    );
    await w.stop();
    await expect(
      startWitness({ listen: '127.0.0.1:0', dataDir, logs: [log.vkey], name: 'renamed' }),
    ).rejects.toThrow(new RegExp(`named '${w.name}'`));
    chmodSync(join(dataDir, 'witness.key'), 0o644);
    await expect(start({ dataDir, logs: [log.vkey] })).rejects.toThrow(/chmod 600/);
    chmodSync(join(dataDir, 'witness.key'), 0o600);
    const again = await start({ dataDir, logs: [log.vkey] });
    expect([again.name, again.vkey]).toEqual([w.name, w.vkey]);
  });
});

// ---- what it remembers -------------------------------------------------------------------------

describe('state', () => {
  const log = new TestLog('ward.example/audit/org-1');

  it('serves the latest checkpoint with both signatures, and the history oldest first', async () => {
    const dataDir = await tempDir();
    let now = NOW;
    const w = await start({ dataDir, logs: [log.vkey], name: 'customer.example/witness', now: () => now++ });
    for (const [from, to] of [
      [0, 5],
      [5, 17],
      [17, 17],
      [17, 64],
    ] as const)
      expect((await submit(w, log.request(from, to))).status).toBe(200);
    const q = `?origin=${encodeURIComponent(log.origin)}`;
    const cp = await call(`${w.url}/checkpoint${q}`);
    expect([cp.status, cp.type]).toEqual([200, 'text/plain; charset=utf-8']);
    const note = parseNote(cp.body);
    expect(note.body).toBe(log.body(64));
    expect(noteSignedBy(note, log.key.verifier)).toBe(true);
    const v = witnessKey(dataDir);
    expect(
      note.signatures.map((s) => cosignatureTime(note.body, s, v)).filter((t) => t !== undefined),
    ).toEqual([NOW + 3]);

    const history = await call(`${w.url}/history${q}`);
    expect(history.type).toBe('application/x-ndjson');
    expect(
      history.body
        .split('\n')
        .slice(0, -1)
        .map((l) => JSON.parse(l)),
    ).toEqual(
      [5, 17, 64].map((size, i) => ({
        size,
        root: log.root(size).toString('base64'),
        timestamp: NOW + (i === 2 ? 3 : i),
      })),
    );
    expect((await call(`${w.url}/checkpoint?origin=nobody`)).status).toBe(404);
    expect((await call(`${w.url}/history?origin=nobody`)).body).toBe('');
    expect((await call(`${w.url}/checkpoint`)).status).toBe(400);
    expect((await call(`${w.url}/add-checkpoint`)).status).toBe(405);
    expect(JSON.parse((await call(`${w.url}/`)).body)).toEqual({
      name: 'customer.example/witness',
      vkey: w.vkey,
      logs: [log.origin],
    });
  });

  it('survives a restart: the same size, and a fork at an old size still refused', async () => {
    const dataDir = await tempDir();
    const first = await start({ dataDir, logs: [log.vkey] });
    expect((await submit(first, log.request(0, 30))).status).toBe(200);
    expect((await submit(first, log.request(30, 100))).status).toBe(200);
    const before = await call(`${first.url}/checkpoint?origin=${encodeURIComponent(log.origin)}`);
    await first.stop();

    const w = await start({ dataDir, logs: [log.vkey] });
    expect(await call(`${w.url}/checkpoint?origin=${encodeURIComponent(log.origin)}`)).toEqual(before);
    expect(await submit(w, log.request(30, 120))).toMatchObject({ status: 409, body: '100\n' });
    const fork = log.fork(10);
    expect(await submit(w, fork.request(0, 30))).toMatchObject({ status: 409, body: '100\n' });
    expect(await submit(w, fork.request(100, 100))).toMatchObject({ status: 409, body: '100\n' });
    expect((await submit(w, fork.request(100, 120))).status).toBe(422);
    expect((await submit(w, log.request(100, 120))).status).toBe(200);
  });

  it('takes history over state.json after a crash between them, and drops a torn last line', async () => {
    const dataDir = await tempDir();
    const first = await start({ dataDir, logs: [log.vkey] });
    expect((await submit(first, log.request(0, 8))).status).toBe(200);
    copyFileSync(join(dataDir, 'state.json'), join(dataDir, 'state.old'));
    expect((await submit(first, log.request(8, 50))).status).toBe(200);
    await first.stop();
    // The crash: history.jsonl has 50, state.json was not yet replaced, and a third append was cut.
    copyFileSync(join(dataDir, 'state.old'), join(dataDir, 'state.json'));
    appendFileSync(join(dataDir, 'history.jsonl'), '{"origin":"ward.exa');

    const w = await start({ dataDir, logs: [log.vkey] });
    expect(await submit(w, log.request(8, 60))).toMatchObject({ status: 409, body: '50\n' });
    expect(readFileSync(join(dataDir, 'history.jsonl'), 'utf8').endsWith('}\n')).toBe(true);
    expect(JSON.parse(readFileSync(join(dataDir, 'state.json'), 'utf8'))[log.origin].size).toBe(50);
    expect((await submit(w, log.request(50, 60))).status).toBe(200);
  });
});

// ---- races -------------------------------------------------------------------------------------

describe('a thousand concurrent submissions to one log', () => {
  const log = new TestLog('ward.example/audit/busy', 300);
  const fork = log.fork(90);
  const sizes = [0, 3, 17, 40, 64, 89, 90, 91, 120, 128, 160, 200, 233, 256, 299, 300];
  let w: RunningWitness;
  let dataDir: string;

  beforeAll(async () => {
    dataDir = await tempDir();
    w = await startWitness({ listen: '127.0.0.1:0', dataDir, logs: [log.vkey], now: () => NOW });
  });
  afterAll(async () => {
    await w.stop();
  });

  it('never rolls back, never cosigns two roots for a size, and answers only from what it stored', async () => {
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(Math.random() * xs.length)] as T;
    const requests = Array.from({ length: 1000 }, (_, i) => {
      const to = pick(sizes.slice(1));
      const before = sizes.filter((s) => s < to);
      // Most believe the previous size (honest growth); some are stale; some equal; some forks.
      const from = i % 5 === 0 ? pick(before) : i % 7 === 0 ? to : (before.at(-1) as number);
      const source = i % 3 === 0 ? fork : log;
      return { source, to, body: source.request(from, to) };
    });
    // One honest checkpoint first: were the storm's first winner a jump to the log's end (a stale
    // 0 → 300), nothing could extend it and the history would hold one entry by chance.
    expect((await submit(w, log.request(0, 3))).status).toBe(200);
    const replies = await Promise.all(requests.map((r) => submit(w, r.body)));
    const statuses = new Set(replies.map((r) => r.status));
    expect([...statuses].every((s) => [200, 409, 422].includes(s))).toBe(true);
    expect(statuses).toContain(200);
    expect(statuses).toContain(409);

    const q = `?origin=${encodeURIComponent(log.origin)}`;
    const served = (await call(`${w.url}/history${q}`)).body;
    const history = served
      .split('\n')
      .slice(0, -1)
      .map((l) => JSON.parse(l) as { size: number; root: string });
    const onDisk = readFileSync(join(dataDir, 'history.jsonl'), 'utf8')
      .split('\n')
      .slice(0, -1)
      .map((l) => JSON.parse(l));
    expect(onDisk.map(({ size, root, timestamp }) => ({ size, root, timestamp }))).toEqual(
      history.map((h) => ({ ...h })),
    );
    expect(history.length).toBeGreaterThan(1);
    for (let i = 1; i < history.length; i++)
      expect((history[i] as { size: number }).size).toBeGreaterThan(
        (history[i - 1] as { size: number }).size,
      );
    // One history: past the fork point, all entries come from the honest log or all from the fork.
    const from = history.map((h) =>
      h.root === log.root(h.size).toString('base64')
        ? 'log'
        : h.root === fork.root(h.size).toString('base64')
          ? 'fork'
          : '?',
    );
    expect(from).not.toContain('?');
    expect(
      new Set(from.filter((_, i) => (history[i] as { size: number }).size > 90)).size,
    ).toBeLessThanOrEqual(1);

    const v = witnessKey(dataDir);
    const cosigned = new Set(history.map((h) => `${h.size} ${h.root}`));
    replies.forEach((reply, i) => {
      if (reply.status !== 200) return;
      const { source, to } = requests[i] as (typeof requests)[number];
      expect(cosignedAt(reply.body, source.body(to), v)).toBe(NOW);
      expect(cosigned.has(`${to} ${source.root(to).toString('base64')}`)).toBe(true);
    });

    const last = history.at(-1) as { size: number; root: string };
    const state = JSON.parse(readFileSync(join(dataDir, 'state.json'), 'utf8'))[log.origin];
    expect({ size: state.size, root: state.root }).toEqual({ size: last.size, root: last.root });
    const latest = parseNote((await call(`${w.url}/checkpoint${q}`)).body);
    expect(latest.body).toBe(
      checkpointBody({ origin: log.origin, size: last.size, root: Buffer.from(last.root, 'base64') }),
    );
  });
});
