/**
 * @module backups/recovery
 * Brings a backup back to life as a cluster: pgBackRest restores the files into a scratch cluster
 * of the data plane, then PostgreSQL replays WAL (fetched through Ward, see wal/server.ts) up to
 * the target and promotes itself onto a new timeline. Used by restores (into a new project's
 * directory) and by restore drills (into a throwaway one). The cluster runs with WAL archiving
 * off and outside supervision while it recovers; the caller decides what happens next.
 */
import pg from 'pg';
import type { AdminConnection, ClusterSettings, ScratchCluster } from '../dataplane/index.js';
import { OperationFailed } from './jobs/operation-failed.js';
import type { BackupPaths } from './paths.js';
import { progressOf } from './pgbackrest/info.js';
import { type PgBackRest, PgBackRestError, type StanzaTarget } from './pgbackrest/pgbackrest.js';
import { restoreCommand, type WalServer } from './wal/server.js';

/** Where recovery stops: a backup's consistency point, a moment, or the end of the archive. */
export type RecoveryTarget =
  | { kind: 'backup'; label: string }
  | { kind: 'time'; label: string; time: string }
  | { kind: 'latest' };

export interface RecoveryDeps {
  pgbackrest: PgBackRest;
  wal: WalServer;
  paths: BackupPaths;
}

/** pgBackRest only restores the files (--type=none); Ward writes the recovery settings itself. */
function restoreArgs(target: RecoveryTarget): string[] {
  return [...(target.kind === 'latest' ? [] : [`--set=${target.label}`]), '--type=none'];
}

function recoverySettings(target: RecoveryTarget, restoreCmd: string): ClusterSettings {
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

/** Runs one statement as Ward's administrative role and returns its rows. */
export async function adminQuery<T extends pg.QueryResultRow>(
  connection: AdminConnection,
  text: string,
): Promise<T[]> {
  const c = new pg.Client(connection);
  await c.connect();
  try {
    return (await c.query<T>(text)).rows;
  } finally {
    await c.end();
  }
}

/**
 * Restores `source` into `cluster` (fresh from the data plane's `scratchCluster`) and runs it
 * until it has promoted. Resolves with the timeline it is on, the cluster left running (stopping
 * and removing it is the caller's); on failure nothing is left running.
 */
export async function recover(
  deps: RecoveryDeps,
  opts: {
    cluster: ScratchCluster;
    source: () => Promise<StanzaTarget>;
    target: RecoveryTarget;
    progress: (phase: string, percent: number) => void;
    timeoutMs?: number;
  },
): Promise<{ timeline: number }> {
  const { cluster } = opts;
  opts.progress('restoring files', 0);
  const restoring = deps.pgbackrest.run(
    await opts.source(),
    'restore',
    // No retries inside pgBackRest (its default waits 15 s and tries again): a file that failed
    // its checksum fails again, and the operation queue already retries with backoff.
    [...restoreArgs(opts.target), '--log-level-console=detail', '--job-retry=0'],
    {
      env: { PGBACKREST_PG1_PATH: cluster.layout.data },
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
  await cluster.configure(recoverySettings(opts.target, restoreCommand(deps.paths, cluster.id)), {
    recovery: true,
  });
  opts.progress('replaying WAL', 100);
  const source = deps.wal.recoverFrom(cluster.id, opts.source);
  let exited: Promise<string>;
  try {
    ({ exited } = await cluster.start(opts.timeoutMs ?? 6 * 3600_000));
  } catch (err) {
    source.close();
    const why = source.lastError ? ` (fetching WAL failed: ${source.lastError})` : '';
    throw new Error(`recovery did not finish: ${(err as Error).message}${why}`);
  }
  try {
    await promoted(cluster, exited);
    const [row] = await adminQuery<{ tli: string }>(
      cluster.adminConnection('postgres'),
      'SELECT substr(pg_walfile_name(pg_current_wal_lsn()), 1, 8) AS tli',
    );
    source.close();
    return { timeline: Number.parseInt(row?.tli ?? '0', 16) };
  } catch (err) {
    source.close();
    await cluster.stop({ immediate: true });
    const why = source.lastError ? ` (fetching WAL failed: ${source.lastError})` : '';
    throw new Error(`recovery did not finish: ${(err as Error).message}${why}`);
  }
}

/**
 * PostgreSQL accepts connections (hot standby) before recovery ends; waits until it has promoted.
 * A postmaster that exits meanwhile (a target it could not reach) fails with its own words.
 */
async function promoted(cluster: ScratchCluster, exited: Promise<string>): Promise<void> {
  let exit: string | undefined;
  void exited.then((why) => {
    exit = why;
  });
  for (;;) {
    if (exit !== undefined)
      throw new Error(`PostgreSQL ${exit}: ${(await cluster.lastFatal()) ?? 'see its log'}`);
    const rows = await adminQuery<{ r: boolean }>(
      cluster.adminConnection('postgres'),
      'SELECT pg_is_in_recovery() AS r',
    ).catch(() => undefined);
    if (rows?.[0]?.r === false) return;
    await new Promise((r) => setTimeout(r, 200));
  }
}
