/**
 * @module cli/client
 * The CLI's connection to Ward's API: where it is (`--url`, `WARD_URL`, the saved login, or
 * http://127.0.0.1:$WARD_PORT), who you are (`WARD_TOKEN`, or the token `ward login` saved in
 * `~/.config/ward/credentials.json`, mode 0600), and requests whose failures become one line.
 */
import { mkdir, readFile, rm } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { writeFileAtomic } from '../lib/fs.js';

export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
    /** The API's machine-readable refinement, when it gave one (e.g. `mfa_required`). */
    readonly reason?: string,
  ) {
    super(message);
  }
}

export interface SavedLogin {
  url: string;
  token: string;
  email: string;
  expires_at: string;
}

export function credentialsPath(env = process.env): string {
  const base = env.WARD_CONFIG_DIR || join(env.XDG_CONFIG_HOME || join(homedir(), '.config'), 'ward');
  return join(base, 'credentials.json');
}

export async function readLogin(): Promise<SavedLogin | undefined> {
  try {
    return JSON.parse(await readFile(credentialsPath(), 'utf8')) as SavedLogin;
  } catch {
    return undefined;
  }
}

export async function saveLogin(login: SavedLogin): Promise<void> {
  const path = credentialsPath();
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  await writeFileAtomic(path, `${JSON.stringify(login, null, 2)}\n`, 0o600);
}

export async function forgetLogin(): Promise<void> {
  await rm(credentialsPath(), { force: true });
}

export function defaultUrl(env = process.env): string {
  return env.WARD_URL || `http://127.0.0.1:${env.WARD_PORT || 8080}`;
}

export interface Api {
  url: string;
  request<T>(method: string, path: string, body?: unknown): Promise<T>;
  /** The answer as a stream (exports; a POST when there is a body); fails like request() on an error status. */
  stream(path: string, body?: unknown): Promise<ReadableStream<Uint8Array>>;
}

export async function connect(opts: { url?: string; anonymous?: boolean } = {}): Promise<Api> {
  const saved = await readLogin();
  const url = (opts.url || process.env.WARD_URL || saved?.url || defaultUrl()).replace(/\/+$/, '');
  const token =
    process.env.WARD_TOKEN || (saved && saved.url.replace(/\/+$/, '') === url ? saved.token : undefined);
  if (!token && !opts.anonymous)
    throw new CliError(`not signed in to ${url}: run \`ward login\` (or set WARD_TOKEN)`);
  const headers = (json: boolean) => ({
    ...(token && !opts.anonymous ? { authorization: `Bearer ${token}` } : {}),
    ...(json ? { 'content-type': 'application/json' } : {}),
  });
  async function send(method: string, path: string, body?: unknown): Promise<Response> {
    let res: Response;
    try {
      res = await fetch(`${url}${path}`, {
        method,
        headers: headers(body !== undefined),
        body: body !== undefined ? JSON.stringify(body) : undefined,
      });
    } catch (err) {
      const cause = (err as { cause?: { code?: string } }).cause?.code ?? (err as Error).message;
      throw new CliError(`cannot reach Ward at ${url} (${cause}); is \`ward up\` running?`);
    }
    if (!res.ok) {
      const parsed = safeJson(await res.text()) as
        | { error?: { message?: string; reason?: string } }
        | undefined;
      throw new CliError(
        parsed?.error?.message ?? `${res.status} ${res.statusText}`,
        1,
        parsed?.error?.reason,
      );
    }
    return res;
  }
  return {
    url,
    async request<T>(method: string, path: string, body?: unknown): Promise<T> {
      const text = await (await send(method, path, body)).text();
      return (text ? safeJson(text) : undefined) as T;
    },
    async stream(path: string, body?: unknown) {
      const res = await send(body === undefined ? 'GET' : 'POST', path, body);
      if (!res.body) throw new CliError(`Ward sent an empty answer for ${path}`);
      return res.body;
    },
  };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
