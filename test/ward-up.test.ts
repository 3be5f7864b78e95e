/**
 * `ward up` as a real process, the way `npm start` runs it: first start, signals, second start.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from './support/ward.js';

const BIN = new URL('../dist/main.js', import.meta.url).pathname;
let home: string;
const port = 20000 + Math.floor(Math.random() * 5000);
const url = `http://127.0.0.1:${port}`;

function up(): { child: ChildProcess; stderr: () => string; exit: Promise<number | null> } {
  const child = spawn(process.execPath, [BIN, 'up'], {
    env: {
      ...process.env,
      WARD_HOME: home,
      WARD_PORT: String(port),
      WARD_GATEWAY_PORT: String(port + 1),
      WARD_LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (d) => (stderr += d));
  const exit = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  return { child, stderr: () => stderr, exit };
}

const healthy = () => eventually(async () => ((await fetch(`${url}/healthz`)).ok ? true : undefined), 60_000);

function postgresUnder(dir: string): number {
  const out = execFileSync('ps', ['-eo', 'args'], { encoding: 'utf8' });
  return out.split('\n').filter((l) => l.includes('postgres') && l.includes(dir)).length;
}

async function api(method: string, path: string, token?: string, body?: unknown) {
  const res = await fetch(`${url}${path}`, {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body ? { 'content-type': 'application/json' } : {}),
    },
    body: body ? JSON.stringify(body) : undefined,
  });
  return { status: res.status, body: (await res.json().catch(() => undefined)) as any };
}

beforeAll(async () => {
  home = await mkdtemp(join(tmpdir(), 'ward-up-'));
});
afterAll(async () => {
  await rm(home, { recursive: true, force: true });
});

describe('ward up', () => {
  let password: string;
  let projectId: string;

  it('first start: creates the operator, writes its password 0600 and says where', async () => {
    const w = up();
    await healthy();
    const file = join(home, 'initial-admin-password');
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect((await stat(home)).mode & 0o007).toBe(0);
    password = (await readFile(file, 'utf8')).trim();
    expect(w.stderr()).toContain(`its one-time password is in ${file}`);
    const login = await api('POST', '/api/v1/auth/login', undefined, { email: 'admin@localhost', password });
    expect(login.status).toBe(200);
    const token = login.body.token;
    await api('POST', '/api/v1/orgs', token, { name: 'acme' });
    const p = await api('POST', '/api/v1/orgs/acme/projects', token, { name: 'records', region_id: 'local' });
    projectId = p.body.id;
    await eventually(async () =>
      (await api('GET', `/api/v1/projects/${projectId}`, token)).body.status === 'running' ? true : undefined,
    );
    expect(postgresUnder(home)).toBeGreaterThanOrEqual(2);

    w.child.kill('SIGTERM');
    expect(await w.exit).toBe(0);
    expect(postgresUnder(home)).toBe(0);
  });

  it('second start reuses everything: same operator password, the project runs again', async () => {
    const w = up();
    await healthy();
    expect(w.stderr()).not.toContain('one-time password');
    const login = await api('POST', '/api/v1/auth/login', undefined, { email: 'admin@localhost', password });
    expect(login.status).toBe(200);
    const p = await eventually(async () => {
      const r = await api('GET', `/api/v1/projects/${projectId}`, login.body.token);
      return r.body.cluster?.state === 'running' ? r.body : undefined;
    });
    expect(p.status).toBe('running');
    w.child.kill('SIGINT');
    expect(await w.exit).toBe(0);
    expect(postgresUnder(home)).toBe(0);
  });

  it('after SIGKILL, the next start takes over the orphaned clusters', async () => {
    const w1 = up();
    await healthy();
    w1.child.kill('SIGKILL');
    await w1.exit;
    expect(postgresUnder(home)).toBeGreaterThanOrEqual(2);
    const w2 = up();
    await healthy();
    const login = await api('POST', '/api/v1/auth/login', undefined, { email: 'admin@localhost', password });
    await eventually(async () => {
      const r = await api('GET', `/api/v1/projects/${projectId}`, login.body.token);
      return r.body.cluster?.state === 'running' ? true : undefined;
    });
    w2.child.kill('SIGTERM');
    expect(await w2.exit).toBe(0);
    expect(postgresUnder(home)).toBe(0);
  });

  it('refuses bad settings at once, naming each', async () => {
    const child = spawn(process.execPath, [BIN, 'up'], {
      env: { ...process.env, WARD_HOME: home, WARD_PORT: 'eighty', WARD_HOST: '0.0.0.0' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const code = await new Promise((r) => child.once('exit', r));
    expect(code).toBe(2);
    expect(stderr).toMatch(/environment WARD_PORT: must be a port number from 0 to 65535/);
    expect(stderr).toMatch(/environment WARD_HOST: serving on '0\.0\.0\.0' \(beyond loopback\) needs TLS/);
  });
});
