// Shared helpers for Ward's benchmarks: start `ward up` as a child process on a scratch home, wait
// for it, talk to its API, stop it. Benchmarks run against the built dist/ (npm run build).
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const BIN = join(ROOT, 'dist', 'main.js');

export function scratchHome(prefix = 'ward-bench-') {
  return mkdtempSync(join(tmpdir(), prefix));
}

export async function waitFor(fn, timeoutMs = 60_000, everyMs = 5) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
    } catch {}
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** Starts `ward up`; resolves once /healthz answers 200, with the time that took. */
export async function startWard(home, port, extraEnv = {}) {
  const started = performance.now();
  const child = spawn(
    process.execPath,
    [...(process.env.WARD_NODE_ARGS ?? '').split(' ').filter(Boolean), BIN, 'up'],
    {
      env: {
        ...process.env,
        WARD_HOME: home,
        WARD_PORT: String(port),
        WARD_GATEWAY_PORT: String(port + 1),
        WARD_LOG_LEVEL: 'warn',
        ...extraEnv,
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const url = `http://127.0.0.1:${port}`;
  await waitFor(async () => {
    if (child.exitCode !== null) throw new Error(`ward up exited: ${stderr}`);
    return (await fetch(`${url}/healthz`)).status === 200;
  });
  return {
    url,
    pid: child.pid,
    readyMs: performance.now() - started,
    async stop() {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    },
  };
}

export async function api(url, method, path, { token, body } = {}) {
  const res = await fetch(`${url}${path}`, {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body ? { 'content-type': 'application/json' } : {}),
    },
    body: body ? JSON.stringify(body) : undefined,
  });
  const json = await res.json().catch(() => undefined);
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}

export async function operatorToken(url, home) {
  const password = readFileSync(join(home, 'initial-admin-password'), 'utf8').trim();
  return (await api(url, 'POST', '/api/v1/auth/login', { body: { email: 'admin@localhost', password } }))
    .token;
}

export function stats(samples) {
  const s = [...samples].sort((a, b) => a - b);
  const q = (p) => s[Math.min(s.length - 1, Math.floor(p * s.length))];
  return { min: s[0], median: q(0.5), max: s[s.length - 1], n: s.length };
}

export const fmt = (ms) => `${(ms / 1000).toFixed(2)} s`;

export function cleanup(home) {
  rmSync(home, { recursive: true, force: true });
}

/**
 * A process's parent, its own CPU ticks (user + system) and those of its reaped children
 * (cutime + cstime), from /proc/<pid>/stat; undefined once it is gone.
 */
export function procStat(pid) {
  let stat;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return { ppid: Number(f[1]), ticks: Number(f[11]) + Number(f[12]), reaped: Number(f[13]) + Number(f[14]) };
}

/** The pids of every process now running. */
export const processes = () =>
  readdirSync('/proc')
    .filter((e) => /^\d+$/.test(e))
    .map(Number);

const HZ = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());

/**
 * CPU seconds (user + system) of `pid`, and with `tree` of its children too: those alive now,
 * and (through `pid`'s cutime and cstime) those that exited and were reaped, so a backend that
 * ends during a run moves its time from one term to the other instead of taking it away.
 */
export function cpuSeconds(pid, tree = false) {
  let ticks = 0;
  for (const entry of tree ? processes() : [pid]) {
    const p = procStat(entry);
    if (!p) continue;
    if (entry === pid) ticks += p.ticks + (tree ? p.reaped : 0);
    else if (p.ppid === pid) ticks += p.ticks;
  }
  return ticks / HZ;
}

/** The postmaster's pid of the PostgreSQL cluster in `dataDir`. */
export const postmaster = (dataDir) =>
  Number(readFileSync(join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);

/**
 * `autocannon(opts)` run in a process of its own, as a browser or a script loads Ward from
 * outside, for benchmarks that start Ward in their own process: there, the load generator's work
 * (reading every response) shared Ward's one thread and was counted in Ward's latency.
 */
export function autocannonApart(opts) {
  const script = `import autocannon from 'autocannon';
    process.stdout.write(JSON.stringify(await autocannon(JSON.parse(process.env.AUTOCANNON_OPTS))));`;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
      cwd: ROOT,
      env: { ...process.env, AUTOCANNON_OPTS: JSON.stringify(opts) },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
    });
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`autocannon exited with ${code}`)),
    );
  });
}
