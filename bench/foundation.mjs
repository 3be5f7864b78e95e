#!/usr/bin/env node
// Issue 2's figures, each beside a baseline measured in the same run on this machine:
//   1. `ward up` until /healthz answers, warm (second start of an existing home)   target ≤ 5 s
//      baseline: starting a bare PostgreSQL cluster with pg_ctl and waiting for it
//   2. project create until the project answers a query                             target ≤ 3 s
//      baseline: initdb (same options) + start + first query, by hand
//   3. GET /api/v1/orgs/{org}/projects with a token, autocannon, 3 s warm-up then 10 s              target ≥ 3,000 req/s, p99 ≤ 20 ms
//      baseline: a bare Fastify route returning the same JSON, same load
// Usage: npm run build && node bench/foundation.mjs   (ROUNDS=5 DURATION=10 CONNECTIONS=20)
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import Fastify from 'fastify';
import pg from 'pg';
import { api, cleanup, fmt, operatorToken, scratchHome, startWard, stats, waitFor } from './lib.mjs';

const ROUNDS = Number(process.env.ROUNDS ?? 5);
const DURATION = Number(process.env.DURATION ?? 10);
const CONNECTIONS = Number(process.env.CONNECTIONS ?? 20);
const PORT = 18181;
const PGBIN = execFileSync('pg_config', ['--bindir'], { encoding: 'utf8' }).trim();
const asService = process.getuid() === 0 ? ['runuser', '-u', 'ward', '--'] : [];

function sh(args) {
  execFileSync(args[0], args.slice(1), { stdio: 'ignore' });
}

/** initdb + pg_ctl start + first query, by hand, as the same user Ward uses. */
async function rawCluster(measureInit) {
  const dir = mkdtempSync(join(tmpdir(), 'ward-bench-raw-'));
  sh(['chmod', '0777', dir]);
  const pw = join(dir, 'pw');
  writeFileSync(pw, 'x'.repeat(32), { mode: 0o644 });
  const data = join(dir, 'data');
  const t0 = performance.now();
  sh([
    ...asService,
    `${PGBIN}/initdb`,
    '-D',
    data,
    '-U',
    'ward_admin',
    `--pwfile=${pw}`,
    '--auth-local=trust',
    '--data-checksums',
    '--encoding=UTF8',
    '--locale=C',
  ]);
  sh([
    ...asService,
    `${PGBIN}/pg_ctl`,
    '-D',
    data,
    '-o',
    `-c listen_addresses='' -c unix_socket_directories='${dir}'`,
    '-w',
    'start',
    '-l',
    join(dir, 'log'),
  ]);
  const c = new pg.Client({ host: dir, user: 'ward_admin', database: 'postgres' });
  await c.connect();
  await c.query('SELECT 1');
  await c.end();
  const t2 = performance.now();
  sh([...asService, `${PGBIN}/pg_ctl`, '-D', data, '-m', 'fast', 'stop']);
  // Warm start of an existing cluster: the baseline for `ward up` (which starts its control cluster).
  const t3 = performance.now();
  sh([
    ...asService,
    `${PGBIN}/pg_ctl`,
    '-D',
    data,
    '-o',
    `-c listen_addresses='' -c unix_socket_directories='${dir}'`,
    '-w',
    'start',
    '-l',
    join(dir, 'log'),
  ]);
  const t4 = performance.now();
  sh([...asService, `${PGBIN}/pg_ctl`, '-D', data, '-m', 'fast', 'stop']);
  cleanup(dir);
  return measureInit ? t2 - t0 : t4 - t3;
}

async function main() {
  const home = scratchHome();
  const first = await startWard(home, PORT);
  const token = await operatorToken(first.url, home);
  await api(first.url, 'POST', '/api/v1/orgs', { token, body: { name: 'bench' } });
  await first.stop();

  // 1. warm start
  const upMs = [];
  const pgStartMs = [];
  for (let i = 0; i < ROUNDS; i++) {
    pgStartMs.push(await rawCluster(false));
    const w = await startWard(home, PORT);
    upMs.push(w.readyMs);
    await w.stop();
  }

  // 2. project create → answers a query
  const w = await startWard(home, PORT);
  const t = await operatorToken(w.url, home);
  const createMs = [];
  const rawMs = [];
  for (let i = 0; i < ROUNDS; i++) {
    rawMs.push(await rawCluster(true));
    const started = performance.now();
    const p = await api(w.url, 'POST', '/api/v1/orgs/bench/projects', {
      token: t,
      body: { name: `p${i}`, region_id: 'local' },
    });
    await waitFor(
      async () => (await api(w.url, 'GET', `/api/v1/projects/${p.id}`, { token: t })).status === 'running',
    );
    const c = new pg.Client({
      host: join(home, 'projects', p.id, 'run'),
      user: 'ward_admin',
      database: 'app',
    });
    await waitFor(async () => {
      await c.connect();
      return true;
    });
    await c.query('SELECT 1');
    createMs.push(performance.now() - started);
    await c.end();
  }

  // 3. list projects under load, against a bare Fastify route with the same body
  const listPath = '/api/v1/orgs/bench/projects';
  const body = await api(w.url, 'GET', listPath, { token: t });
  const bare = Fastify();
  bare.get(listPath, async () => body);
  // Not PORT + 1: that is where the Ward under test runs its gateway (bench/lib.mjs).
  await bare.listen({ port: 0, host: '127.0.0.1' });
  const barePort = bare.server.address().port;
  // Each target gets a 3 s warm-up first (JIT, pools, prepared statements), then the measured run.
  const load = async (url) => {
    const opts = { url, connections: CONNECTIONS, headers: { authorization: `Bearer ${t}` } };
    await autocannon({ ...opts, duration: 3 });
    return autocannon({ ...opts, duration: DURATION });
  };
  const baseline = await load(`http://127.0.0.1:${barePort}${listPath}`);
  const ward = await load(`${w.url}${listPath}`);
  await bare.close();
  await w.stop();
  cleanup(home);

  const up = stats(upMs);
  const pgs = stats(pgStartMs);
  const cr = stats(createMs);
  const raw = stats(rawMs);
  const row = (name, value, base, target) =>
    console.log(`${name.padEnd(44)} ${value.padEnd(28)} ${base.padEnd(34)} ${target}`);
  console.log(
    `# Ward foundation benchmark — ${new Date().toISOString()} — ${ROUNDS} rounds, autocannon ${CONNECTIONS} connections × ${DURATION} s`,
  );
  row('figure', 'Ward (median [min–max])', 'baseline, same run', 'target');
  row(
    'ward up → /healthz (warm)',
    `${fmt(up.median)} [${fmt(up.min)}–${fmt(up.max)}]`,
    `pg_ctl start ${fmt(pgs.median)} (×${(up.median / pgs.median).toFixed(1)})`,
    '≤ 5 s',
  );
  row(
    'project create → answers a query',
    `${fmt(cr.median)} [${fmt(cr.min)}–${fmt(cr.max)}]`,
    `initdb+start+query ${fmt(raw.median)} (×${(cr.median / raw.median).toFixed(2)})`,
    '≤ 3 s',
  );
  row(
    `GET ${listPath} (${body.projects.length} projects)`,
    `${Math.round(ward.requests.average)} req/s, p99 ${ward.latency.p99} ms`,
    `bare Fastify ${Math.round(baseline.requests.average)} req/s (×${(ward.requests.average / baseline.requests.average).toFixed(2)})`,
    '≥ 3,000 req/s, p99 ≤ 20 ms',
  );
  if (ward.non2xx) console.log(`warning: ${ward.non2xx} non-2xx answers from Ward`);
}

await main();
