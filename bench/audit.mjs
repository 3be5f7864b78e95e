#!/usr/bin/env node
// Issue 3's figures, each beside a baseline measured in the same run on this machine:
//   1. durable appends/s, one process, ~500-byte events (EVENT_BYTES: the stored canonical record,
//      measured and printed; Ward's batched writer, CALLERS concurrent callers, 64 by default)
//                                                                       target ≥ 100,000/s
//      baselines: raw INSERTs of the same rows into a plain table, 1 row per transaction and
//      100 rows per statement, 64 connections; then the same appends with 4 × CALLERS callers
//   1b. what one writer batch costs the control database's backend (CPU, from /proc), by size:
//      the fixed part (round trip, executor start, commit and its flush) and the part per event;
//      and, once the chain holds EVENTS events, the WAL per appended event between checkpoints
//      and just after one
//   2. verification of a chain of EVENTS events (a twentieth stored one a row, as changes are; the
//      rest in the gateway's batches)                                     target ≥ 500,000 events/s
//      baseline: the SHA-256 chain over the same bodies in memory (the ceiling)
//   3. filtered list p99 over HTTP with EVENTS events in the org          target ≤ 50 ms
//      (filters by actor, action, project, outcome, since a recent time and until one ~80% of
//      the events back; 8 connections, 10 s, after a 3 s warm-up)
//   4. `ward audit export` of the EVENTS events, JSON lines and OCSF, run as the built CLI (its own
//      process, as a person runs it) writing to a file: events/s and the file's size; the JSON
//      lines file is then verified offline (verifyExportFile, what `ward audit verify --file` runs)
//                                                                       target ≥ 100,000 events/s
// Usage: npm run build && node bench/audit.mjs
//   (EVENTS=1000000 APPEND_SECONDS=10 CALLERS=64 EVENT_BYTES=500)
import { execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { closeSync, createWriteStream, openSync, readFileSync, readSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'kysely';
import pg from 'pg';
import { prepareBatch, readHead, sendBatch } from '../dist/audit/audit.store.js';
import { decodeBatch } from '../dist/audit/batch-codec.js';
import { sealerFor } from '../dist/audit/seal.js';
import { loadConfig } from '../dist/config/config.js';
import { canonicalEvent, verifyExportFile } from '../dist/evidence/index.js';
import { createLogger } from '../dist/lib/logger.js';
import { startWard } from '../dist/server/ward.js';
import {
  autocannonApart,
  BIN,
  cleanup,
  operatorToken,
  processes,
  procStat,
  ROOT,
  scratchHome,
} from './lib.mjs';

const EVENTS = Number(process.env.EVENTS ?? 1_000_000);
const CPU_ON_EXIT = join(ROOT, 'bench', 'cpu-on-exit.cjs');
const APPEND_SECONDS = Number(process.env.APPEND_SECONDS ?? 10);
const CALLERS = Number(process.env.CALLERS ?? 64);
const RAW_CONNECTIONS = 64;
const EVENT_BYTES = Number(process.env.EVENT_BYTES ?? 500);
const ACTIONS = [
  'project.create',
  'project.update',
  'org.update',
  'token.create',
  'auth.login.success',
  'db.statement',
];

function event(chain, i, pad = PAD) {
  return {
    action: ACTIONS[i % ACTIONS.length],
    chain,
    target: { type: 'project', id: `prj_${String(i % 100).padStart(16, 'a')}`, name: `project-${i % 100}` },
    details: { note: pad, n: i },
  };
}
const actor = (i) => ({
  actor: {
    type: 'user',
    id: `usr_bench${String(i % 50).padStart(11, '0')}`,
    email: `user${i % 50}@bench.test`,
    operator: false,
    token_id: 'tok_bench',
  },
  ip: '127.0.0.1',
});

/** The note that makes a typical event's stored record (its canonical JSON) EVENT_BYTES long. */
function padFor(bytes) {
  const { actor: who, ip } = actor(123_456);
  const record = canonicalEvent({
    ...event('org_aaaaaaaaaaaaaaaa', 123_456, ''),
    actor: { ...who, ip },
    seq: 123_456,
    id: 'evt_aaaaaaaaaaaaaaaa',
    time: new Date().toISOString(),
    outcome: 'success',
  });
  return 'x'.repeat(Math.max(0, bytes - record.length));
}
const PAD = padFor(EVENT_BYTES);

const HZ = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
/** CPU ticks (user + system) of a postmaster and of each of its children, by pid, from /proc. */
function cpuTicks(postmaster) {
  const ticks = new Map();
  for (const pid of processes()) {
    const p = procStat(pid);
    if (p && (pid === postmaster || p.ppid === postmaster)) ticks.set(String(pid), p.ticks);
  }
  return ticks;
}

/** CPU seconds the postmaster's processes used since `before` (processes that exited meanwhile are not counted). */
function cpuSince(postmaster, before) {
  let ticks = 0;
  for (const [pid, t] of cpuTicks(postmaster)) ticks += t - (before.get(pid) ?? 0);
  return ticks / HZ;
}

async function appendFor(audit, chain, seconds, callers = CALLERS) {
  let n = 0;
  const stop = Date.now() + seconds * 1000;
  await Promise.all(
    Array.from({ length: callers }, async (_, c) => {
      while (Date.now() < stop) {
        const i = n++;
        await audit.append(actor(i + c), [event(chain, i)]);
      }
    }),
  );
  return n;
}

/** Server CPU µs per writer batch of each size, on one connection, one batch at a time. */
async function batchCost(db, sealer, chain, sizes, eventsPerSize = 20_000) {
  const out = new Map();
  let written = 0;
  await db.connection().execute(async (c) => {
    const { pid } = (await sql`SELECT pg_backend_pid() AS pid`.execute(c)).rows[0];
    const ticks = () => procStat(pid).ticks;
    let head = await readHead(c, chain);
    for (const size of sizes) {
      const rounds = Math.max(500, Math.ceil(eventsPerSize / size));
      const t0 = ticks();
      for (let r = 0; r < rounds; r++) {
        const { actor: who, ip } = actor(written);
        const events = Array.from({ length: size }, (_, k) => ({
          ...event(chain, written + k),
          actor: { ...who, ip },
          id: `evt_${String(written + k).padStart(16, 'a')}`,
          time: new Date().toISOString(),
          outcome: 'success',
        }));
        const batch = prepareBatch(chain, head, events, sealer);
        if (!(await sendBatch(c, chain, batch)))
          throw new Error('the chain head moved during the batch-cost probe');
        head = batch.next;
        written += size;
      }
      out.set(size, (((ticks() - t0) / HZ) * 1e6) / rounds);
    }
  });
  return { perBatch: out, written };
}

async function rawInserts(socket, seconds, perStatement) {
  const pool = new pg.Pool({ host: socket, user: 'ward_admin', database: 'ward', max: RAW_CONNECTIONS });
  await pool.query(
    'CREATE TABLE IF NOT EXISTS bench_raw (chain_id text, seq bigint, id text, time timestamptz, action text, outcome text, actor_id text, project_id text, actor jsonb, target jsonb, details jsonb, body text, prev_hash bytea, hash bytea)',
  );
  const row = (i) => {
    const body = JSON.stringify({ ...event('raw', i), ...actor(i) });
    return [
      'raw',
      i,
      `evt_${i}`,
      new Date().toISOString(),
      ACTIONS[i % 6],
      'success',
      'usr_x',
      'prj_x',
      '{}',
      '{}',
      JSON.stringify({ note: PAD }),
      body,
      Buffer.alloc(32),
      createHash('sha256').update(body).digest(),
    ];
  };
  let n = 0;
  const stop = Date.now() + seconds * 1000;
  await Promise.all(
    Array.from({ length: RAW_CONNECTIONS }, async () => {
      while (Date.now() < stop) {
        const values = [];
        const params = [];
        for (let k = 0; k < perStatement; k++) {
          const r = row(n++);
          values.push(`(${r.map((_, j) => `$${params.length + j + 1}`).join(',')})`);
          params.push(...r);
        }
        await pool.query(`INSERT INTO bench_raw VALUES ${values.join(',')}`, params);
      }
    }),
  );
  await pool.query('DROP TABLE bench_raw');
  await pool.end();
  return n;
}

/** The header (first line) of an export file. */
function headerOf(file) {
  const fd = openSync(file, 'r');
  const buf = Buffer.alloc(1 << 16);
  const n = readSync(fd, buf, 0, buf.length, 0);
  closeSync(fd);
  return JSON.parse(buf.subarray(0, n).toString('utf8').split('\n')[0]);
}

/**
 * `ward audit export --org bench --format <format> -o <file>` with the built CLI in its own
 * process, timed from its start to its exit: seconds, events in the file, and its size.
 */
async function exportWithCli(url, token, home, format) {
  const file = join(home, `export.${format}.jsonl`);
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const child = spawn(
    process.execPath,
    ['--require', CPU_ON_EXIT, BIN, 'audit', 'export', '--org', 'bench', '--format', format, '-o', file],
    {
      env: { PATH: process.env.PATH, HOME: home, WARD_URL: url, WARD_TOKEN: token, WARD_CONFIG_DIR: home },
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const code = await new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', resolve);
  });
  const seconds = (performance.now() - t0) / 1000;
  const { user, system } = process.cpuUsage(c0);
  if (code !== 0) throw new Error(`ward audit export --format ${format} exited with ${code}: ${stderr}`);
  const header = headerOf(file);
  const events = header.up_to_seq - (header.anchor?.seq ?? 0);
  // Where the CPU went: Ward (this process: the COPY read, the lines, HTTPS) and the CLI.
  const cliUs = Number(/cpu-on-exit (\d+)/.exec(stderr)?.[1] ?? Number.NaN);
  return {
    file,
    seconds,
    events,
    bytes: statSync(file).size,
    wardUs: (user + system) / events,
    cliUs: cliUs / events,
  };
}

async function main() {
  const home = scratchHome();
  const config = loadConfig({ WARD_HOME: home }, { port: 0, gateway_port: 0, log_level: 'warn' });
  const ward = await startWard(config, createLogger('warn', createWriteStream('/dev/null')));
  const { audit, auditReader, checkpointer } = ward.services;
  const socket = join(home, 'control', 'run');
  const token = await operatorToken(ward.url, home);
  const org = await (
    await fetch(`${ward.url}/api/v1/orgs`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'bench' }),
    })
  ).json();

  // 1. appends
  const raw1 = await rawInserts(socket, APPEND_SECONDS, 1);
  const raw100 = await rawInserts(socket, APPEND_SECONDS, 100);
  const controlPid = Number(
    readFileSync(join(home, 'control', 'pgdata', 'postmaster.pid'), 'utf8').split('\n')[0],
  );
  const node0 = process.cpuUsage();
  const pg0 = cpuTicks(controlPid);
  const appended = await appendFor(audit, org.id, APPEND_SECONDS);
  const nodeUs = (({ user, system }) => (user + system) / appended)(process.cpuUsage(node0));
  const pgUs = (cpuSince(controlPid, pg0) * 1e6) / appended;
  const perSecond = appended / APPEND_SECONDS;
  // The same with four times the callers: each batch then holds more events, and how many a
  // batch holds is what the chain's serial turn (one batch's execution and commit at a time)
  // divides by.
  const appendedWide = await appendFor(audit, org.id, APPEND_SECONDS, 4 * CALLERS);

  // Sealed with Ward's own key, as its writer seals (the checkpointer refuses anything else).
  const cost = await batchCost(ward.services.db, sealerFor(ward.services.signer), org.id, [1, 16, 64]);

  // Fill the chain to EVENTS for the next two figures.
  const fillStart = Date.now();
  let total = appended + appendedWide + 2 + cost.written;
  // A time about 80% of the events back, for the lists bounded by `until`.
  let early = new Date().toISOString();
  // As the gateway fills it: many sessions, each appending a statement's few events at a time
  // (so batches are as large as the load makes them), and beside them one stream of changes
  // stored as changes are (20 events a transaction, a row each).
  const fillFrom = total;
  let next = total;
  await Promise.all(
    Array.from({ length: 4 * CALLERS }, async (_, c) => {
      const size = c === 0 ? 20 : 4;
      while (next < EVENTS) {
        const i = next;
        next += size;
        if (i - fillFrom < (EVENTS - fillFrom) / 5) early = new Date().toISOString();
        const specs = Array.from({ length: size }, (_, k) => event(org.id, i + k));
        if (c === 0) await audit.record(actor(i + c), specs);
        else await audit.append(actor(i + c), specs);
      }
    }),
  );
  total = next;
  await checkpointer.checkpoint(org.id, true);
  const fillSeconds = (Date.now() - fillStart) / 1000;
  // Autovacuum keeps planner statistics current and the table vacuumed under steady load; a bulk
  // fill outruns it, so do both once, as it would within a minute (and so its WAL is not counted
  // in the WAL per appended event below).
  const admin = new pg.Client({ host: socket, user: 'ward_admin', database: 'ward' });
  await admin.connect();
  await admin.query('VACUUM (ANALYZE) ward.audit_events, ward.audit_batches');
  // A batched event's stored bytes include its two hashes and its length (68 bytes).
  const { rows: sized } = await admin.query(
    `SELECT (SELECT avg(octet_length(body))::int FROM ward.audit_events WHERE chain_id = $1) AS bytes,
            (SELECT (sum(octet_length(payload)) / sum(last_seq - first_seq + 1))::int - 68
               FROM ward.audit_batches WHERE chain_id = $1) AS batched,
            (SELECT count(*)::int FROM ward.audit_events WHERE chain_id = $1) AS alone,
            (SELECT round(avg(last_seq - first_seq + 1))::int FROM ward.audit_batches WHERE chain_id = $1) AS per_batch`,
    [org.id],
  );
  // WAL per appended event with the chain full: between checkpoints, and just after one (each
  // index page an insert touches first after a checkpoint is written to the WAL whole).
  const walPerEvent = async (checkpoint) => {
    if (checkpoint) await admin.query('CHECKPOINT');
    const lsn = async () => (await admin.query('SELECT pg_current_wal_lsn() AS l')).rows[0].l;
    const from = await lsn();
    const n = await appendFor(audit, org.id, 3);
    const { rows } = await admin.query('SELECT pg_wal_lsn_diff($1, $2)::float8 AS d', [await lsn(), from]);
    return rows[0].d / n;
  };
  const walSteady = await walPerEvent(false);
  const walAfterCheckpoint = await walPerEvent(true);
  await admin.end();

  // 2. verification
  const t0 = performance.now();
  const report = await auditReader.verify(org.id);
  const verifyMs = performance.now() - t0;
  const c = new pg.Client({ host: socket, user: 'ward_admin', database: 'ward' });
  await c.connect();
  const bodies = [];
  const cur = await c.query(
    'SELECT first_seq, payload FROM ward.audit_batches WHERE chain_id = $1 ORDER BY first_seq LIMIT 2000',
    [org.id],
  );
  for (const r of cur.rows)
    for (const e of decodeBatch({ first_seq: Number(r.first_seq), payload: r.payload }))
      if (bodies.length < 200_000) bodies.push(e.body);
  await c.end();
  const h0 = performance.now();
  let prev = Buffer.alloc(32);
  for (const b of bodies) prev = createHash('sha256').update(prev).update(b).digest();
  const hashRate = bodies.length / ((performance.now() - h0) / 1000);

  // 4. export with the CLI, to a file
  const exports = {};
  for (const format of ['jsonl', 'ocsf'])
    exports[format] = await exportWithCli(ward.url, token, home, format);
  const v0 = performance.now();
  const offline = await verifyExportFile(exports.jsonl.file, ward.services.signer.publicKeyPem);
  const offlineSeconds = (performance.now() - v0) / 1000;
  for (const e of Object.values(exports)) rmSync(e.file);

  // 3. filtered list under load
  const since = encodeURIComponent(new Date(Date.now() - 3600_000).toISOString());
  const base = `/api/v1/orgs/bench/audit-events`;
  const requests = [
    { path: `${base}?action=project.update&limit=50` },
    { path: `${base}?actor=usr_bench00000000007&limit=50` },
    { path: `${base}?project=prj_aaaaaaaaaaaaaa42&limit=50` },
    { path: `${base}?action=db.*&since=${since}&limit=50` },
    { path: `${base}?outcome=success&limit=50` },
    { path: `${base}?until=${encodeURIComponent(early)}&limit=50` },
    { path: `${base}?action=org.update&until=${encodeURIComponent(early)}&limit=50` },
  ];
  const opts = { url: ward.url, connections: 8, headers: { authorization: `Bearer ${token}` }, requests };
  // The load comes from another process, as the console's requests would.
  await autocannonApart({ ...opts, duration: 3 });
  const load = await autocannonApart({ ...opts, duration: 10 });
  // Each request alone, five times: the median per filter, so a slow tail can be traced to one.
  const alone = [];
  for (const { path } of requests) {
    const times = [];
    for (let k = 0; k < 5; k++) {
      const t = performance.now();
      const res = await fetch(`${ward.url}${path}`, { headers: { authorization: `Bearer ${token}` } });
      await res.arrayBuffer();
      times.push(performance.now() - t);
    }
    alone.push({ path: decodeURIComponent(path.slice(base.length)), ms: times.sort((a, b) => a - b)[2] });
  }
  await ward.stop();
  cleanup(home);

  const row = (a, b, c2, d) => console.log(`${a.padEnd(40)} ${b.padEnd(30)} ${c2.padEnd(44)} ${d}`);
  console.log(
    `# Ward audit benchmark — ${new Date().toISOString()} — ${EVENTS.toLocaleString('en')} events, ${sized[0].batched} bytes each on average (the stored canonical record); ${sized[0].alone.toLocaleString('en')} stored alone (${sized[0].bytes} B), the rest in batches of ${sized[0].per_batch} on average`,
  );
  row('figure', 'Ward', 'baseline, same run', 'target');
  row(
    `durable appends/s (${CALLERS} callers)`,
    `${Math.round(perSecond).toLocaleString('en')}/s`,
    `raw INSERT 1/tx ${Math.round(raw1 / APPEND_SECONDS).toLocaleString('en')}/s, 100/stmt ${Math.round(raw100 / APPEND_SECONDS).toLocaleString('en')}/s (×${(perSecond / (raw100 / APPEND_SECONDS)).toFixed(2)})`,
    '≥ 100,000/s',
  );
  row(
    `durable appends/s (${4 * CALLERS} callers)`,
    `${Math.round(appendedWide / APPEND_SECONDS).toLocaleString('en')}/s`,
    '-',
    '≥ 100,000/s',
  );
  row('  CPU per appended event', `Ward ${nodeUs.toFixed(1)} µs, PostgreSQL ${pgUs.toFixed(1)} µs`, '-', '-');
  // The line through the smallest and the largest batch: its slope per event, its intercept per batch.
  const sizes = [...cost.perBatch.keys()];
  const [small, large] = [sizes[0], sizes[sizes.length - 1]];
  const one = cost.perBatch.get(small);
  const perEvent = (cost.perBatch.get(large) - one) / (large - small);
  row(
    '  server CPU per writer batch',
    [...cost.perBatch].map(([n, us]) => `${n}: ${Math.round(us)} µs`).join(', '),
    `≈ ${Math.round(one - small * perEvent)} µs a batch + ${perEvent.toFixed(1)} µs an event`,
    '-',
  );
  row(
    '  WAL per appended event, chain full',
    `${Math.round(walSteady)} B; just after a CHECKPOINT ${Math.round(walAfterCheckpoint)} B`,
    '-',
    '-',
  );
  row(
    `verification of ${report.events.toLocaleString('en')} events`,
    `${Math.round(report.events / (verifyMs / 1000)).toLocaleString('en')} events/s (${(verifyMs / 1000).toFixed(2)} s)`,
    `SHA-256 chain in memory ${Math.round(hashRate).toLocaleString('en')}/s`,
    '≥ 500,000 events/s',
  );
  row(
    'filtered list over HTTP, p99',
    `${load.latency.p99} ms (p50 ${load.latency.p50} ms, ${Math.round(load.requests.average)} req/s)`,
    '-',
    '≤ 50 ms',
  );
  for (const a of alone)
    row(`  alone: ${a.path.slice(0, 34)}`, `${a.ms.toFixed(1)} ms (median of 5)`, '-', '-');
  for (const [format, e] of Object.entries(exports))
    row(
      `ward audit export --format ${format}`,
      `${Math.round(e.events / e.seconds).toLocaleString('en')} events/s (${e.seconds.toFixed(2)} s)`,
      `${e.events.toLocaleString('en')} events, ${(e.bytes / 2 ** 20).toFixed(1)} MiB (${Math.round(e.bytes / e.events)} B an event); CPU µs an event: Ward ${e.wardUs.toFixed(1)}, CLI ${e.cliUs.toFixed(1)}`,
      '≥ 100,000 events/s',
    );
  row(
    '  offline check of the jsonl export',
    `${Math.round(offline.events / offlineSeconds).toLocaleString('en')} events/s (${offlineSeconds.toFixed(2)} s)`,
    '-',
    '-',
  );
  console.log(
    `(export verifies offline: ok=${offline.ok}${offline.ok ? '' : ` ${offline.damage} at ${offline.first_bad_seq}: ${offline.detail}`})`,
  );
  console.log(
    `(filling to ${EVENTS.toLocaleString('en')} took ${fillSeconds.toFixed(1)} s; verify ok=${report.ok}; non-2xx=${load.non2xx})`,
  );
}

await main();
