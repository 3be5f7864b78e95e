/**
 * @module backups/pgbackrest/pgbackrest
 * Runs pgBackRest for one project's repository. Every option goes through the environment
 * (PGBACKREST_*; pgBackRest ignores those a command does not take), the repository passphrase
 * among them, so nothing secret is on a command line (visible in `ps`) or in a file, and no
 * configuration file is read (`--no-config`). The repository is a local folder or an S3 prefix
 * (backups/storage). pgBackRest runs as Ward's own OS user: the repositories belong to it alone;
 * the service user that runs the clusters cannot read them.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { type RepositoryLocation, repositoryEnvironment } from '../storage.js';

/** One project's repository (and, for commands that need it, its cluster). */
export interface StanzaTarget {
  projectId: string;
  repository: RepositoryLocation;
  passphrase: string;
  /** The cluster's data directory, and how its administrative role connects (the data plane's). */
  pg?: { data: string; socketDir: string; port: number; user: string };
}

export class PgBackRestError extends Error {
  constructor(
    readonly command: string,
    readonly exitCode: number | null,
    readonly detail: string,
  ) {
    super(`pgBackRest ${command} failed: ${detail}`);
    this.name = 'PgBackRestError';
  }
}

export interface RunOptions {
  /** Each line pgBackRest prints (progress at log level detail). */
  onLine?: (line: string) => void;
  /** More options, as PGBACKREST_* variables. */
  env?: Record<string, string>;
}

/**
 * The lines that say why pgBackRest failed: ERROR lines and their HINTs (not a WARN's), the signal
 * that stopped it, else the last lines; and
 * for a refused S3 request, the store's error code and message (not the request, whose headers
 * name the access key).
 */
export function failureDetail(output: string): string {
  const lines = output.split('\n').map((l) => l.replace(/^(\S+ \S+ )?P\d+ +/, '').trim());
  // A HINT belongs to the message above it: keep it only under an ERROR, not under a WARN.
  const errors: string[] = [];
  let under = '';
  for (const l of lines) {
    const level = /^([A-Z]+):/.exec(l)?.[1];
    if (level && level !== 'HINT') under = level;
    if (level === 'ERROR' || (level === 'HINT' && under === 'ERROR')) errors.push(l);
    const signal = /command end: terminated on signal \[(\w+)\]/.exec(l)?.[1];
    if (signal) errors.push(`stopped by ${signal}`);
  }
  const picked = errors.length ? errors : lines.filter(Boolean).slice(-3);
  const code = /<Error>.*?<Code>([^<]{1,100})<\/Code>/s.exec(output)?.[1];
  const message = /<Error>.*?<Message>([^<]{1,300})<\/Message>/s.exec(output)?.[1];
  if (code) picked.push(`the object store answered ${code}${message ? `: ${message}` : ''}`);
  if (/HTTP request failed with 403/.test(output))
    picked.push(
      "HINT: the object store refused Ward's credentials; check backups.repository's access_key_id and secret_access_key, and what the bucket's policy allows that key",
    );
  return picked.join(' ').replace(/\s+/g, ' ').slice(0, 2000) || 'no message';
}

export function createPgBackRest(deps: { workDir: string; processMax?: number; binary?: string }) {
  const children = new Set<ChildProcess>();
  const binary = deps.binary ?? 'pgbackrest';

  function environment(t: StanzaTarget, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
    return {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      LC_ALL: 'C',
      TZ: 'UTC',
      PGBACKREST_STANZA: t.projectId,
      ...repositoryEnvironment(t.repository),
      PGBACKREST_REPO1_CIPHER_TYPE: 'aes-256-cbc',
      PGBACKREST_REPO1_CIPHER_PASS: t.passphrase,
      PGBACKREST_LOCK_PATH: join(deps.workDir, 'lock'),
      PGBACKREST_LOG_PATH: join(deps.workDir, 'log'),
      PGBACKREST_SPOOL_PATH: join(deps.workDir, 'spool'),
      PGBACKREST_LOG_LEVEL_FILE: 'off',
      PGBACKREST_LOG_LEVEL_STDERR: 'off',
      PGBACKREST_LOG_TIMESTAMP: 'n',
      PGBACKREST_COMPRESS_TYPE: 'lz4',
      PGBACKREST_START_FAST: 'y',
      PGBACKREST_PROCESS_MAX: String(deps.processMax ?? 1),
      ...(t.pg
        ? {
            PGBACKREST_PG1_PATH: t.pg.data,
            PGBACKREST_PG1_SOCKET_PATH: t.pg.socketDir,
            PGBACKREST_PG1_PORT: String(t.pg.port),
            PGBACKREST_PG1_USER: t.pg.user,
            PGBACKREST_PG1_DATABASE: 'postgres',
          }
        : {}),
      ...extra,
    };
  }

  /** Runs `pgbackrest <command> [args]`; resolves with its output, rejects with PgBackRestError. */
  function run(
    t: StanzaTarget,
    command: string,
    args: string[] = [],
    opts: RunOptions = {},
  ): Promise<string> {
    return new Promise((resolve, reject) => {
      // Options before the command, its parameters (a WAL file's name or path) after it.
      const options = args.filter((a) => a.startsWith('--'));
      const parameters = args.filter((a) => !a.startsWith('--'));
      const child = spawn(binary, ['--no-config', ...options, command, ...parameters], {
        env: environment(t, opts.env),
        cwd: '/',
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      children.add(child);
      let output = '';
      let partial = '';
      const take = (chunk: Buffer) => {
        const text = chunk.toString('utf8');
        output += text;
        if (output.length > 1 << 20) output = output.slice(-(1 << 19));
        if (!opts.onLine) return;
        partial += text;
        const lines = partial.split('\n');
        partial = lines.pop() ?? '';
        for (const line of lines) opts.onLine(line);
      };
      child.stdout.on('data', take);
      child.stderr.on('data', take);
      child.once('error', (err) => {
        children.delete(child);
        reject(new PgBackRestError(command, null, `could not run ${binary}: ${err.message}`));
      });
      child.once('close', (code, signal) => {
        children.delete(child);
        if (code === 0) resolve(output);
        else
          reject(
            new PgBackRestError(
              command,
              code,
              signal ? `stopped by ${signal} (Ward is shutting down)` : failureDetail(output),
            ),
          );
      });
    });
  }

  /** Stops every pgBackRest process this Ward started (shutdown); their jobs are retried later. */
  function stopAll(): void {
    for (const child of children) child.kill('SIGTERM');
  }

  return { run, stopAll, running: () => children.size };
}

export type PgBackRest = ReturnType<typeof createPgBackRest>;
