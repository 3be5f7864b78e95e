/**
 * A real Ward for scenario tests: its own $WARD_HOME under /tmp, its own control cluster, an
 * ephemeral port on 127.0.0.1, and Ward's JSON log kept in a file so tests can check what it says
 * (and what it must never say). Stopped by `stop()`, which every test file calls in afterAll.
 */
import { createWriteStream } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, type WardConfig } from '../../src/config/config.js';
import { createLogger } from '../../src/lib/logger.js';
import { type RunningWard, startWard } from '../../src/server/ward.js';

export interface Reply<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

export interface TestWard {
  url: string;
  home: string;
  ward: RunningWard;
  adminPassword: string;
  logFile: string;
  request<T = any>(
    method: string,
    path: string,
    opts?: { token?: string; body?: unknown; headers?: Record<string, string> },
  ): Promise<Reply<T>>;
  login(email: string, password: string): Promise<string>;
  /** Creates an account as the operator and returns a session token for it. */
  user(email: string, opts?: { name?: string; password?: string }): Promise<string>;
  adminToken(): Promise<string>;
  log(): Promise<string>;
  stop(): Promise<void>;
}

export const PASSWORD = 'correct horse battery staple';

/**
 * `opts.home`: start on an existing $WARD_HOME (a restart, or a restored copy); `stop()` then
 * leaves it for the test to remove.
 */
export async function startTestWard(
  overrides: Partial<WardConfig> = {},
  env: NodeJS.ProcessEnv = {},
  opts: { home?: string } = {},
): Promise<TestWard> {
  const home = opts.home ?? (await mkdtemp(join(tmpdir(), 'ward-t-')));
  const logFile = join(tmpdir(), `${home.split('/').pop()}.log`);
  const stream = createWriteStream(logFile);
  const config = loadConfig(
    { WARD_HOME: home, ...env },
    { port: 0, gateway_port: 0, log_level: 'info', ...overrides },
  );
  const ward = await startWard(config, createLogger('info', stream));
  const adminPassword = (await readFile(ward.home.adminPasswordFile, 'utf8')).trim();
  let admin: string | undefined;

  const t: TestWard = {
    url: ward.url,
    home,
    ward,
    adminPassword,
    logFile,
    async request(method, path, opts = {}) {
      const res = await fetch(`${ward.url}${path}`, {
        method,
        headers: {
          ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}),
          ...(opts.body !== undefined ? { 'content-type': 'application/json' } : {}),
          ...opts.headers,
        },
        body:
          opts.body === undefined
            ? undefined
            : typeof opts.body === 'string'
              ? opts.body
              : JSON.stringify(opts.body),
      });
      const text = await res.text();
      let body: unknown = text;
      try {
        body = text ? JSON.parse(text) : undefined;
      } catch {
        // not JSON: keep the text
      }
      return { status: res.status, body: body as never, headers: res.headers };
    },
    async login(email, password) {
      const r = await t.request('POST', '/api/v1/auth/login', { body: { email, password } });
      if (r.status !== 200) throw new Error(`login ${email}: ${r.status} ${JSON.stringify(r.body)}`);
      return r.body.token as string;
    },
    async adminToken() {
      admin ??= await t.login('admin@localhost', adminPassword);
      return admin;
    },
    async user(email, opts = {}) {
      const r = await t.request('POST', '/api/v1/users', {
        token: await t.adminToken(),
        body: { email, name: opts.name ?? email.split('@')[0], password: opts.password ?? PASSWORD },
      });
      if (r.status !== 201) throw new Error(`create ${email}: ${r.status} ${JSON.stringify(r.body)}`);
      return t.login(email, opts.password ?? PASSWORD);
    },
    log: () => readFile(logFile, 'utf8'),
    async stop() {
      await ward.stop();
      await new Promise((r) => stream.end(r));
      if (!opts.home) await rm(home, { recursive: true, force: true });
      await rm(logFile, { force: true });
    },
  };
  return t;
}

/** Polls `fn` until it returns a value, or fails after `ms`. */
export async function eventually<T>(fn: () => Promise<T | undefined>, ms = 30_000, every = 50): Promise<T> {
  const deadline = Date.now() + ms;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const v = await fn();
      if (v !== undefined) return v;
    } catch (err) {
      last = err;
    }
    await new Promise((r) => setTimeout(r, every));
  }
  throw new Error(`condition not met within ${ms} ms${last ? `: ${(last as Error).message}` : ''}`);
}
