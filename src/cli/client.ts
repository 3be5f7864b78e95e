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
}

export async function connect(opts: { url?: string; anonymous?: boolean } = {}): Promise<Api> {
  const saved = await readLogin();
  const url = (opts.url || process.env.WARD_URL || saved?.url || defaultUrl()).replace(/\/+$/, '');
  const token =
    process.env.WARD_TOKEN || (saved && saved.url.replace(/\/+$/, '') === url ? saved.token : undefined);
  if (!token && !opts.anonymous)
    throw new CliError(`not signed in to ${url}: run \`ward login\` (or set WARD_TOKEN)`);
  return {
    url,
    async request<T>(method: string, path: string, body?: unknown): Promise<T> {
      let res: Response;
      try {
        res = await fetch(`${url}${path}`, {
          method,
          headers: {
            ...(token && !opts.anonymous ? { authorization: `Bearer ${token}` } : {}),
            ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
          },
          body: body !== undefined ? JSON.stringify(body) : undefined,
        });
      } catch (err) {
        const cause = (err as { cause?: { code?: string } }).cause?.code ?? (err as Error).message;
        throw new CliError(`cannot reach Ward at ${url} (${cause}); is \`ward up\` running?`);
      }
      const text = await res.text();
      const parsed = text ? safeJson(text) : undefined;
      if (!res.ok) {
        const message =
          (parsed as { error?: { message?: string } } | undefined)?.error?.message ??
          `${res.status} ${res.statusText}`;
        throw new CliError(message);
      }
      return parsed as T;
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
