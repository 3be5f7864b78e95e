/**
 * @module backups/recovery
 * Brings a backup back to life as a cluster: pgBackRest restores the files into a fresh cluster
 * directory, then PostgreSQL replays WAL (fetched through Ward, see wal/server.ts) up to the
 * target and promotes itself onto a new timeline. Used by restores (into a new project's
 * directory) and by restore drills (into a scratch directory). The cluster runs with WAL archiving
 * off and its own socket while it recovers; the caller decides what happens next.
 */
import { execFile } from 'node:child_process';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import type { PgBinaries } from '../dataplane/local/binaries.js';
import {
  ADMIN_ROLE,
  type ClusterFiles,
  type ClusterHandle,
  type ClusterLayout,
  PG_PORT,
  removeCluster,
  startCluster,
  writeClusterFiles,
} from '../dataplane/local/cluster.js';
import { accessRules, hardenedSettings } from '../dataplane/local/hardening.js';
import { giveTo, type RunAs } from '../dataplane/local/run-as.js';
import { ensureDir } from '../lib/fs.js';
import type { OsUser } from '../lib/os-user.js';
import { OperationFailed } from './jobs/context.js';
import type { BackupPaths } from './paths.js';
import { progressOf } from './pgbackrest/info.js';
import { type PgBackRest, PgBackRestError, type StanzaTarget } from './pgbackrest/pgbackrest.js';
import { restoreCommand, type WalServer } from './wal/server.js';

const run = promisify(execFile);

/** Where recovery stops: a backup's consistency point, a moment, or the end of the archive. */
export type RecoveryTarget =
  | { kind: 'backup'; label: string }
  | { kind: 'time'; label: string; time: string }
  | { kind: 'latest' };

export interface RecoveryDeps {
  bin: PgBinaries;
  runAs: RunAs;
  wardUser: OsUser;
  pgbackrest: PgBackRest;
  wal: WalServer;
  paths: BackupPaths;
}

/** pgBackRest only restores the files (--type=none); Ward writes the recovery settings itself. */
function restoreArgs(target: RecoveryTarget): string[] {
  return [...(target.kind === 'latest' ? [] : [`--set=${target.label}`]), '--type=none'];
}

function recoverySettings(target: RecoveryTarget, restoreCmd: string): ClusterFiles['settings'] {
  const base = { restore_command: restoreCmd, recovery_target_timeline: 'current' };
  if (target.kind === 'backup')
    return { ...base, recovery_target: 'immediate', recovery_target_action: 'promote' };
  if (target.kind === 'time')
    return {
      ...base,
      // PostgreSQL takes a numeric offset here, not ISO 8601's "Z".
      recovery_target_time: new Date(target.time).toISOString().replace('T', ' ').replace('Z', '+00'),
      recovery_target_action: 'promote',
    };
  return base;
}

export async function adminQuery<T extends pg.QueryResultRow>(
  layout: ClusterLayout,
  text: string,
  database = 'postgres',
): Promise<T[]> {
  const c = new pg.Client({ host: layout.socketDir, port: PG_PORT, user: ADMIN_ROLE, database });
  await c.connect();
  try {
    return (await c.query<T>(text)).rows;
  } finally {
    await c.end();
  }
}

/**
 * Restores `source` into `layout` and runs it until it has promoted. Resolves with the running
 * postmaster (as a child of Ward) and the timeline it is on; on failure nothing is left running.
 */
export async function recover(
  deps: RecoveryDeps,
  opts: {
    clusterId: string;
    layout: ClusterLayout;
    source: () => Promise<StanzaTarget>;
    target: RecoveryTarget;
    progress: (phase: string, percent: number) => void;
    timeoutMs?: number;
  },
): Promise<{ handle: ClusterHandle; timeline: number }> {
  const { runAs } = deps;
  const { layout } = opts;
  await removeCluster(layout);
  for (const dir of [layout.root, layout.socketDir, layout.data]) {
    await ensureDir(dir, 0o700);
    await giveTo(runAs, dir);
  }
  opts.progress('restoring files', 0);
  const restoring = deps.pgbackrest.run(
    await opts.source(),
    'restore',
    // No retries inside pgBackRest (its default waits 15 s and tries again): a file that failed
    // its checksum fails again, and the operation queue already retries with backoff.
    [...restoreArgs(opts.target), '--log-level-console=detail', '--job-retry=0'],
    {
      env: { PGBACKREST_PG1_PATH: layout.data },
      onLine: (line) => {
        const pct = progressOf(line);
        if (pct !== undefined) opts.progress('restoring files', pct);
      },
    },
  );
  // A backup pgBackRest cannot read back (damaged, or not decryptable) will not read on a retry.
  await restoring.catch((err) => {
    if (err instanceof PgBackRestError && err.exitCode !== null)
      throw new OperationFailed(`the backup could not be restored: ${err.detail}`);
    throw err;
  });
  if (runAs.switching) await run('chown', ['-R', `${runAs.user.uid}:${runAs.user.gid}`, layout.root]);
  await writeClusterFiles(runAs, layout, {
    settings: {
      ...hardenedSettings(layout),
      archive_mode: 'off',
      ...recoverySettings(opts.target, restoreCommand(deps.paths, opts.clusterId)),
    },
    ...accessRules(deps.wardUser),
  });
  const signal = join(layout.data, 'recovery.signal');
  await writeFile(signal, '', { mode: 0o600 });
  await giveTo(runAs, signal);
  opts.progress('replaying WAL', 100);
  const source = deps.wal.recoverFrom(opts.clusterId, opts.source);
  let handle: ClusterHandle;
  try {
    handle = await startCluster(deps.bin, runAs, layout, opts.timeoutMs ?? 6 * 3600_000);
  } catch (err) {
    source.close();
    const why = source.lastError ? ` (fetching WAL failed: ${source.lastError})` : '';
    throw new Error(`recovery did not finish: ${(err as Error).message}${why}`);
  }
  try {
    await promoted(layout, handle);
    const [row] = await adminQuery<{ tli: string }>(
      layout,
      'SELECT substr(pg_walfile_name(pg_current_wal_lsn()), 1, 8) AS tli',
    );
    source.close();
    return { handle, timeline: Number.parseInt(row?.tli ?? '0', 16) };
  } catch (err) {
    source.close();
    handle.child.kill('SIGQUIT');
    await handle.exited;
    const why = source.lastError ? ` (fetching WAL failed: ${source.lastError})` : '';
    throw new Error(`recovery did not finish: ${(err as Error).message}${why}`);
  }
}

/** The last FATAL message in the cluster's JSON server log, if any. */
async function lastFatal(layout: ClusterLayout): Promise<string | undefined> {
  const dir = join(layout.data, 'log');
  const files = (await readdir(dir).catch(() => [] as string[])).filter((f) => f.endsWith('.json')).sort();
  const newest = files[files.length - 1];
  if (!newest) return undefined;
  const lines = (await readFile(join(dir, newest), 'utf8')).split('\n').reverse();
  for (const line of lines) {
    if (!line.includes('"FATAL"')) continue;
    try {
      return (JSON.parse(line) as { message?: string }).message;
    } catch {
      // a line cut short while being written
    }
  }
  return undefined;
}

/**
 * PostgreSQL accepts connections (hot standby) before recovery ends; waits until it has promoted.
 * A postmaster that exits meanwhile (a target it could not reach) fails with its own words.
 */
async function promoted(layout: ClusterLayout, handle: ClusterHandle): Promise<void> {
  let exit: string | undefined;
  void handle.exited.then((why) => {
    exit = why;
  });
  for (;;) {
    if (exit !== undefined)
      throw new Error(`PostgreSQL ${exit}: ${(await lastFatal(layout)) ?? 'see its log'}`);
    const rows = await adminQuery<{ r: boolean }>(layout, 'SELECT pg_is_in_recovery() AS r').catch(
      () => undefined,
    );
    if (rows?.[0]?.r === false) return;
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Runs a PostgreSQL program from the server's bin directory as Ward's own user. */
export async function pgTool(bin: PgBinaries, tool: string, args: string[]): Promise<string> {
  try {
    const { stdout } = await run(join(bin.dir, tool), args, {
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', LC_ALL: 'C', TZ: 'UTC' },
      maxBuffer: 256 << 20,
    });
    return stdout;
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string; message: string };
    const detail = `${e.stderr ?? ''}\n${e.stdout ?? ''}`.trim().split('\n').slice(0, 5).join(' ');
    throw new Error(`${tool} failed: ${detail || e.message}`);
  }
}
