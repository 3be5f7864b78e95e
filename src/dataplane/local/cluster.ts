/**
 * @module dataplane/local/cluster
 * One PostgreSQL cluster on this machine: initdb, Ward's configuration files, and the postmaster
 * run as a child process of Ward (so its death is seen at once), as the service user, reachable
 * only through a Unix socket in a 0700 directory.
 */
import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { appendFile, readFile, rm, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { ensureDir, exists, writeFileAtomic } from '../../lib/fs.js';
import { randomSecret } from '../../lib/secrets.js';
import type { ClusterLayout, ClusterSettings } from '../provider.js';
import type { PgBinaries } from './binaries.js';
import { execAs, giveTo, type RunAs, spawnAs } from './run-as.js';

/** The cluster's superuser. Reachable only by Ward's own OS user through peer authentication. */
export const ADMIN_ROLE = 'ward_admin';
export const PG_PORT = 5432;
const INCLUDE_LINE = "include_if_exists = 'ward.conf'";

export type { ClusterLayout } from '../provider.js';

export function clusterLayout(root: string): ClusterLayout {
  return { root, data: join(root, 'pgdata'), socketDir: join(root, 'run') };
}

export interface ClusterFiles {
  /** Settings written to `ward.conf`, included from postgresql.conf. */
  settings: ClusterSettings;
  hba: string[];
  ident: string[];
}

export interface ClusterHandle {
  pid: number;
  child: ChildProcess;
  /** Resolves when the postmaster exits, for whatever reason. */
  exited: Promise<string>;
}

const MAX_SOCKET_PATH = 107;

export function socketPath(layout: ClusterLayout): string {
  return join(layout.socketDir, `.s.PGSQL.${PG_PORT}`);
}

/** Creates the cluster's directories and runs initdb with data checksums and SCRAM. */
export async function initCluster(bin: PgBinaries, runAs: RunAs, layout: ClusterLayout): Promise<void> {
  if (Buffer.byteLength(socketPath(layout)) > MAX_SOCKET_PATH) {
    throw new Error(
      `the socket path ${socketPath(layout)} is longer than ${MAX_SOCKET_PATH} bytes; choose a shorter WARD_HOME`,
    );
  }
  await ensureDir(layout.root, 0o700);
  await giveTo(runAs, layout.root);
  await ensureDir(layout.socketDir, 0o700);
  await giveTo(runAs, layout.socketDir);
  // initdb needs a superuser password to enable scram-sha-256; nobody keeps it, because Ward
  // reaches the superuser through peer authentication only.
  const pwfile = join(layout.root, '.initdb-pw');
  await writeFileAtomic(pwfile, randomSecret(32), 0o600);
  await giveTo(runAs, pwfile);
  try {
    await execAs(runAs, bin.path('initdb'), [
      '--pgdata',
      layout.data,
      '--username',
      ADMIN_ROLE,
      '--pwfile',
      pwfile,
      '--auth-local=scram-sha-256',
      '--auth-host=scram-sha-256',
      '--data-checksums',
      '--encoding=UTF8',
      '--locale=C',
    ]);
  } finally {
    await unlink(pwfile).catch(() => undefined);
  }
}

function confValue(v: string | number | boolean): string {
  if (typeof v === 'number') return String(v);
  if (typeof v === 'boolean') return v ? 'on' : 'off';
  return `'${v.replaceAll("'", "''")}'`;
}

/** Writes ward.conf, pg_hba.conf and pg_ident.conf; postgresql.conf includes ward.conf. */
export async function writeClusterFiles(
  runAs: RunAs,
  layout: ClusterLayout,
  files: ClusterFiles,
): Promise<void> {
  const conf = Object.entries(files.settings)
    .map(([k, v]) => `${k} = ${confValue(v)}`)
    .join('\n');
  const write = async (name: string, text: string) => {
    const path = join(layout.data, name);
    await writeFileAtomic(path, `# Written by Ward; changes are overwritten at start.\n${text}\n`, 0o600);
    await giveTo(runAs, path);
  };
  await write('ward.conf', conf);
  await write('pg_hba.conf', files.hba.join('\n'));
  await write('pg_ident.conf', files.ident.join('\n'));
  const main = join(layout.data, 'postgresql.conf');
  if (!(await readFile(main, 'utf8')).includes(INCLUDE_LINE)) await appendFile(main, `\n${INCLUDE_LINE}\n`);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function readPidFile(layout: ClusterLayout): Promise<string[] | undefined> {
  try {
    return (await readFile(join(layout.data, 'postmaster.pid'), 'utf8')).split('\n');
  } catch {
    return undefined;
  }
}

async function isPostgres(pid: number): Promise<boolean> {
  const cmd = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
  return cmd.includes('postgres');
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Stops a postmaster left running by an earlier Ward process (one killed with SIGKILL, say), so
 * that the cluster can be started again as this process's child.
 */
export async function stopStale(layout: ClusterLayout, timeoutMs = 30_000): Promise<boolean> {
  const pid = Number((await readPidFile(layout))?.[0]);
  if (!pid || !alive(pid) || !(await isPostgres(pid))) return false;
  process.kill(pid, 'SIGINT');
  const deadline = Date.now() + timeoutMs;
  while (alive(pid)) {
    if (Date.now() > deadline) process.kill(pid, 'SIGQUIT');
    await sleep(20);
  }
  return true;
}

/** util-linux's chrt (on every Debian system: util-linux is essential). */
const CHRT = '/usr/bin/chrt';

/**
 * The postmaster's command line: under SCHED_BATCH when chrt is there, so the postmaster and
 * every backend it forks (the policy is inherited) are never preferred on wakeup over the
 * process that woke them. Every statement through the gateway wakes a backend, and Ward's one
 * event loop serves every session: a backend that preempted it stalled all of them (measured on
 * 2 cores: Ward was preempted about once per statement, and SCHED_BATCH took the gateway from
 * about 4.1k to 4.4k TPS and Ward's CPU per statement down a tenth; ADR 0003). CPU shares are
 * unchanged: only wakeup preemption goes, and an unprivileged process may choose it.
 */
export function postmasterCommand(postgres: string, data: string): [string, string[]] {
  const args = ['-D', data];
  return existsSync(CHRT) ? [CHRT, ['--batch', '0', postgres, ...args]] : [postgres, args];
}

/** Starts the postmaster as a child and resolves once it accepts connections. */
export async function startCluster(
  bin: PgBinaries,
  runAs: RunAs,
  layout: ClusterLayout,
  timeoutMs = 60_000,
): Promise<ClusterHandle> {
  await stopStale(layout);
  const child = spawnAs(runAs, ...postmasterCommand(bin.path('postgres'), layout.data));
  const tail: string[] = [];
  const keep = (chunk: Buffer) => {
    tail.push(...chunk.toString('utf8').split('\n').filter(Boolean));
    tail.splice(0, Math.max(0, tail.length - 20));
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  let exitReason: string | undefined;
  const exited = new Promise<string>((resolve) => {
    child.once('exit', (code, signal) => {
      exitReason = signal ? `killed by ${signal}` : `exited with code ${code}`;
      resolve(exitReason);
    });
    child.once('error', (err) => {
      exitReason = `could not start: ${err.message}`;
      resolve(exitReason);
    });
  });
  const pid = child.pid ?? 0;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (exitReason !== undefined) {
      const why =
        tail
          .filter((l) => /FATAL|ERROR|PANIC|could not/.test(l))
          .slice(-2)
          .join(' ') || tail.slice(-2).join(' ');
      throw new Error(`PostgreSQL ${exitReason}${why ? `: ${why}` : ''}`);
    }
    const lines = await readPidFile(layout);
    if (lines && Number(lines[0]) === pid && lines[7]?.trim() === 'ready') return { pid, child, exited };
    if (Date.now() > deadline) {
      child.kill('SIGQUIT');
      throw new Error(`PostgreSQL did not become ready within ${timeoutMs} ms`);
    }
    await sleep(10);
  }
}

/** Fast shutdown (SIGINT): rolls back open transactions, checkpoints, exits. */
export async function stopCluster(handle: ClusterHandle, timeoutMs = 30_000): Promise<void> {
  if (handle.child.exitCode !== null || handle.child.signalCode !== null) return;
  handle.child.kill('SIGINT');
  const timer = setTimeout(() => handle.child.kill('SIGQUIT'), timeoutMs);
  await handle.exited;
  clearTimeout(timer);
}

export async function removeCluster(layout: ClusterLayout): Promise<void> {
  await rm(layout.root, { recursive: true, force: true });
}

export async function clusterExists(layout: ClusterLayout): Promise<boolean> {
  return exists(join(layout.data, 'PG_VERSION'));
}
