#!/usr/bin/env node
// Issue 4's figures: pgbench through Ward's gateway (client TLS, durable audit) beside baselines
// measured in the same run on this machine.
//   baselines  ../shared/bench/peers.sh: direct (TCP), direct with TLS, PgBouncer (transaction pool)
//              with client TLS, on its own throw-away cluster; and, on Ward's own project cluster,
//              pgbench straight to its Unix socket (no gateway, no TLS)
//   Ward       `ward up` on a scratch home, a project, pgbench -i through the gateway, then the same
//              matrix through the gateway with sslmode=require and sync (durable) audit delivery; one
//              more select-only run with async delivery to measure its crash window
// Printed per run: TPS, latency, ratios to direct / direct-TLS / PgBouncer-TLS, the Ward process's CPU
// (gateway, audit writer, everything in that Node process) and the control database's CPU (audit
// commits) per statement, from /proc. TPC-B-like transactions are 7 statements, select-only 1.
// With STAGES=1 (the default) Ward runs under V8's sampling profiler (--cpu-prof, 1 ms; a few
// percent of overhead), and a second table splits each gateway run's Ward µs per statement by
// stage: relay, normalize, seal, hash, store, net_tls, gc, other (bench/stages.mjs).
// Usage: npm run build && node bench/gateway.mjs
//   DURATION=15 SCALE=20 CLIENTS="8 32" MODES="simple extended" SCRIPTS="select tpcb" PEERS=1 STAGES=1
//   PROFILE_OUT=ward.cpuprofile keeps the V8 profile of the run
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  api,
  cleanup,
  cpuSeconds,
  operatorToken,
  postmaster,
  scratchHome,
  startWard,
  waitFor,
} from './lib.mjs';
import { monotonicUs, readProfile, STAGES, stageShares } from './stages.mjs';

const DURATION = Number(process.env.DURATION ?? 15);
const SCALE = Number(process.env.SCALE ?? 20);
const CLIENTS = (process.env.CLIENTS ?? '8 32').split(/\s+/).filter(Boolean);
const MODES = (process.env.MODES ?? 'simple extended').split(/\s+/).filter(Boolean);
const SCRIPTS = (process.env.SCRIPTS ?? 'select tpcb').split(/\s+/).filter(Boolean);
const PEERS = process.env.PEERS !== '0';
const PROFILE = process.env.STAGES !== '0';
const PEERS_SH = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'shared', 'bench', 'peers.sh');
const STATEMENTS = { select: 1, tpcb: 7 };
const log = (line) => process.stderr.write(`[${new Date().toISOString().slice(11, 19)}] ${line}\n`);

function pgbench(env, args) {
  const r = spawnSync('pgbench', args, {
    env: { ...process.env, ...env },
    encoding: 'utf8',
    maxBuffer: 64 << 20,
  });
  const out = `${r.stdout}${r.stderr}`;
  const tps = Number(/^tps = ([\d.]+)/m.exec(out)?.[1] ?? Number.NaN);
  const lat = Number(/^latency average = ([\d.]+)/m.exec(out)?.[1] ?? Number.NaN);
  const tx = Number(/number of transactions actually processed: (\d+)/.exec(out)?.[1] ?? 0);
  if (r.status !== 0 || Number.isNaN(tps))
    log(
      `pgbench failed: ${out
        .split('\n')
        .filter((l) => /error|FATAL/i.test(l))
        .slice(0, 2)
        .join(' ')}`,
    );
  return { tps, lat, tx };
}

const matrixArgs = (mode, script, clients) => [
  '-M',
  mode,
  ...(script === 'select' ? ['-S'] : []),
  '-c',
  clients,
  '-j',
  '2',
  '-T',
  String(DURATION),
  '-n',
];

function peers() {
  if (!PEERS) return [];
  const results = join(mkdtempSync(join(tmpdir(), 'ward-bench-peers-')), 'peers.tsv');
  log('peers.sh: direct, direct-tls, pgbouncer-tx-tls');
  const r = spawnSync('bash', [PEERS_SH], {
    env: {
      ...process.env,
      DURATION: String(DURATION),
      SCALE: String(SCALE),
      CLIENTS: CLIENTS.join(' '),
      MODES: MODES.join(' '),
      SCRIPTS: SCRIPTS.join(' '),
      CONFIGS: 'direct direct-tls pgbouncer-tx-tls',
      RECHECK_DIRECT: '0',
      RESULTS: results,
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  if (r.status !== 0) log(`peers.sh exited ${r.status}`);
  const rows = readFileSync(results, 'utf8')
    .trim()
    .split('\n')
    .map((l) => l.split('\t'));
  rmSync(dirname(results), { recursive: true, force: true });
  return rows.map(([config, mode, script, clients, tps, lat, , proxyUs]) => ({
    config,
    mode,
    script,
    clients,
    tps: Number(tps),
    lat: Number(lat),
    proxyUs,
  }));
}

async function metricValue(url, name, labels) {
  const text = await (await fetch(`${url}/metrics`)).text();
  const out = new Map();
  for (const line of text.split('\n')) {
    if (!line.startsWith(name) || !line.includes(labels)) continue;
    const m = /le="([^"]+)"[^}]*\} (\S+)$/.exec(line);
    if (m) out.set(m[1], Number(m[2]));
    const c = /_count\{[^}]*\} ([\d.e+-]+)$/.exec(line);
    if (c) out.set('count', Number(c[1]));
  }
  return out;
}

/** The upper bound of the bucket holding quantile `q`, from cumulative Prometheus buckets. */
function quantile(before, after, q) {
  const total = (after.get('count') ?? 0) - (before.get('count') ?? 0);
  for (const [le, n] of after) {
    if (le === 'count') continue;
    if (n - (before.get(le) ?? 0) >= q * total) return le === '+Inf' ? '>5' : `≤${Number(le) * 1000}`;
  }
  return '-';
}

/** The p50 and p99 bucket bounds (ms) of a histogram between two scrapes, as `p50/p99`. */
const p50p99 = (before, after) => `${quantile(before, after, 0.5)}/${quantile(before, after, 0.99)}`;

async function main() {
  const peerRows = peers();
  const home = scratchHome();
  const port = 18300 + Math.floor(Math.random() * 500);
  const profileDir = mkdtempSync(join(tmpdir(), 'ward-bench-prof-'));
  if (PROFILE)
    process.env.WARD_NODE_ARGS = `${process.env.WARD_NODE_ARGS ?? ''} --cpu-prof --cpu-prof-dir=${profileDir}`;
  const ward = await startWard(home, port, { WARD_GATEWAY_PORT: String(port + 1) });
  const rows = [];
  /** The gateway runs' time windows, for the profile's stage split. */
  const windows = [];
  const timed = (name, run) => {
    const fromUs = monotonicUs();
    const result = run();
    windows.push({ name, fromUs, toUs: monotonicUs() });
    return result;
  };
  let crash = '-';
  try {
    const token = await operatorToken(ward.url, home);
    await api(ward.url, 'POST', '/api/v1/orgs', { token, body: { name: 'bench' } });
    const project = await api(ward.url, 'POST', '/api/v1/orgs/bench/projects', {
      token,
      body: { name: 'bench', region_id: 'local' },
    });
    await waitFor(
      async () =>
        (await api(ward.url, 'GET', `/api/v1/projects/${project.id}`, { token })).status === 'running',
      120_000,
      100,
    );
    const creds = async () => {
      const c = await api(ward.url, 'POST', `/api/v1/projects/${project.id}/credentials`, {
        token,
        body: { ttl_minutes: 60 },
      });
      return {
        PGHOST: c.host,
        PGPORT: String(c.port),
        PGUSER: c.user,
        PGPASSWORD: c.password,
        PGDATABASE: c.database,
        PGSSLMODE: 'require',
      };
    };
    log(`pgbench -i -s ${SCALE} through the gateway`);
    spawnSync('pgbench', ['-i', '-q', '-s', String(SCALE)], {
      env: { ...process.env, ...(await creds()) },
      stdio: 'ignore',
    });
    const controlPid = postmaster(join(home, 'control', 'pgdata'));
    const projectDir = join(home, 'projects', project.id);
    const direct = {
      PGHOST: join(projectDir, 'run'),
      PGUSER: 'ward_admin',
      PGDATABASE: 'app',
      PGSSLMODE: 'disable',
    };
    for (const script of SCRIPTS)
      for (const mode of MODES)
        for (const clients of CLIENTS) {
          log(`ward-project-direct ${mode} ${script} -c ${clients}`);
          const d = pgbench(direct, matrixArgs(mode, script, clients));
          rows.push({ config: 'ward-project-direct', mode, script, clients, ...d });
          const env = await creds();
          const waits0 = await metricValue(ward.url, 'ward_gateway_audit_wait_seconds', 'delivery="sync"');
          const w0 = cpuSeconds(ward.pid);
          const c0 = cpuSeconds(controlPid, true);
          log(`gateway-tls-sync ${mode} ${script} -c ${clients}`);
          const g = timed(`gateway-tls-sync ${mode} ${script} ${clients}`, () =>
            pgbench(env, matrixArgs(mode, script, clients)),
          );
          const statements = g.tx * STATEMENTS[script];
          const waits1 = await metricValue(ward.url, 'ward_gateway_audit_wait_seconds', 'delivery="sync"');
          rows.push({
            config: 'gateway-tls-sync',
            mode,
            script,
            clients,
            ...g,
            gatewayUs: ((cpuSeconds(ward.pid) - w0) * 1e6) / statements,
            controlUs: ((cpuSeconds(controlPid, true) - c0) * 1e6) / statements,
            auditWait: p50p99(waits0, waits1),
          });
        }
    await api(ward.url, 'PATCH', `/api/v1/projects/${project.id}`, {
      token,
      body: { settings: { audit_delivery: 'async' } },
    });
    const label = 'delivery="async"';
    const before = await metricValue(ward.url, 'ward_gateway_audit_wait_seconds', label);
    const env = await creds();
    const w0 = cpuSeconds(ward.pid);
    log('gateway-tls-async simple select -c 32');
    const a = timed('gateway-tls-async simple select 32', () =>
      pgbench(env, matrixArgs('simple', 'select', '32')),
    );
    const gatewayUs = ((cpuSeconds(ward.pid) - w0) * 1e6) / a.tx;
    const after = await metricValue(ward.url, 'ward_gateway_audit_wait_seconds', label);
    const wait = p50p99(before, after);
    rows.push({
      config: 'gateway-tls-async',
      mode: 'simple',
      script: 'select',
      clients: '32',
      ...a,
      gatewayUs,
      auditWait: wait,
    });
    const [p50, p99] = wait.split('/');
    crash = `p50 ${p50} ms, p99 ${p99} ms, max ${quantile(before, after, 1)} ms`;
  } finally {
    await ward.stop();
    cleanup(home);
  }
  // Written by Ward as it exits.
  const profile = PROFILE ? readProfile(profileDir) : undefined;
  const shares = profile ? stageShares(profile, windows) : undefined;
  // PROFILE_OUT=file keeps the profile (open it in Chrome DevTools' Performance panel).
  if (profile && process.env.PROFILE_OUT) writeFileSync(process.env.PROFILE_OUT, JSON.stringify(profile));
  rmSync(profileDir, { recursive: true, force: true });

  const all = [...peerRows, ...rows];
  const find = (config, r) =>
    all.find(
      (x) => x.config === config && x.mode === r.mode && x.script === r.script && x.clients === r.clients,
    );
  const ratio = (r, config) => {
    const base = find(config, r);
    return base && base.tps > 0 ? (r.tps / base.tps).toFixed(2) : '-';
  };
  const fmt = (v, d = 1) => (typeof v === 'number' && Number.isFinite(v) ? v.toFixed(d) : '-');
  console.log(
    `# Ward gateway benchmark — ${new Date().toISOString()} — pgbench scale ${SCALE}, ${DURATION} s per run, -j 2, ${readdirSync('/sys/devices/system/cpu').filter((d) => /^cpu\d+$/.test(d)).length} CPUs`,
  );
  console.log(
    '# vs_direct / vs_direct_tls / vs_pgb_tls: TPS ratio to peers.sh rows of the same mode, script and clients (their own cluster, TCP)',
  );
  console.log(
    '# vs_same: TPS ratio to pgbench straight to the same Ward project cluster (Unix socket, no TLS, no gateway)',
  );
  console.log(
    '# ward_us/stmt: CPU of the whole Ward Node process per statement; control_us/stmt: control database (audit commits)',
  );
  console.log(
    '# audit_wait_ms: p50/p99 bucket bounds of the time from statement events handed to the audit log to their commit (what a sync reply waits for)',
  );
  const head = [
    'config',
    'mode',
    'script',
    'cli',
    'tps',
    'lat_ms',
    'vs_direct',
    'vs_direct_tls',
    'vs_pgb_tls',
    'vs_same',
    'ward_us/stmt',
    'control_us/stmt',
    'proxy_us/tx',
    'audit_wait_ms',
  ];
  const widths = [20, 9, 7, 4, 9, 8, 10, 14, 11, 8, 13, 16, 12, 14];
  const line = (cells) => console.log(cells.map((c, i) => String(c).padEnd(widths[i])).join(' '));
  line(head);
  for (const r of all)
    line([
      r.config,
      r.mode,
      r.script,
      r.clients,
      fmt(r.tps, 0),
      fmt(r.lat, 3),
      ratio(r, 'direct'),
      ratio(r, 'direct-tls'),
      ratio(r, 'pgbouncer-tx-tls'),
      r.config.startsWith('gateway') ? ratio(r, 'ward-project-direct') : '-',
      fmt(r.gatewayUs),
      fmt(r.controlUs),
      r.proxyUs ?? '-',
      r.auditWait ?? '-',
    ]);
  console.log(
    `# async delivery crash window (statement events handed to the audit log → committed): ${crash}`,
  );
  if (!shares) return;
  console.log(
    "# Ward µs per statement by stage: ward_us/stmt split by the CPU profile's samples in each run (bench/stages.mjs); net_tls is Node's socket, stream and TLS code (encryption included), whoever called it",
  );
  console.log(['run'.padEnd(40), ...STAGES.map((st) => st.padStart(10))].join(''));
  for (const r of rows.filter((x) => x.config.startsWith('gateway'))) {
    const share = shares.get(`${r.config} ${r.mode} ${r.script} ${r.clients}`);
    if (!share) continue;
    console.log(
      [
        `${r.config} ${r.mode} ${r.script} -c ${r.clients}`.padEnd(40),
        ...STAGES.map((st) => fmt((share.get(st) ?? 0) * r.gatewayUs).padStart(10)),
      ].join(''),
    );
  }
}

await main();
