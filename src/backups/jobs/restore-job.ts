/**
 * @module backups/jobs/restore-job
 * Makes a new project from a backup or a moment of another project: the source's latest WAL is
 * archived first (when it runs), the backup is restored into the new project's own directory and
 * recovered onto a new timeline, the source's logins are disabled (the new project grants its
 * own), and the cluster then runs supervised like any other, archiving into its own new
 * repository. Last, the new database is compared with the source: schema, row counts and content
 * checksums per table (verification.ts). A retried attempt starts again from the files.
 */
import pg from 'pg';
import { APP_DATABASE } from '../../dataplane/index.js';
import type { Project } from '../../db/index.js';
import { findProjectById } from '../../projects/index.js';
import { adminQuery, type RecoveryTarget, recover } from '../recovery.js';
import { compare, inspect } from '../verification.js';
import { type JobDeps, OperationFailed, type Runner } from './context.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const DISABLE_LOGINS = `
DO $$
DECLARE r record;
BEGIN
  FOR r IN SELECT rolname FROM pg_roles WHERE rolcanlogin AND rolname <> current_user LOOP
    EXECUTE format('ALTER ROLE %I NOLOGIN PASSWORD NULL', r.rolname);
  END LOOP;
END $$`;

/**
 * Closes the source's current WAL file and waits (up to a minute) until it is archived. Recovery
 * finds a target time only by a commit record after it, so one is written first: without it a
 * target after the source's last change (an idle project) ended recovery "before the target was
 * reached".
 */
async function archiveLatest(deps: JobDeps, source: Project): Promise<void> {
  const c = new pg.Client(deps.dataplane.adminConnection(source.id, 'postgres'));
  await c.connect();
  try {
    await c.query('SELECT txid_current()');
    const { rows } = await c.query<{ wal: string }>('SELECT pg_walfile_name(pg_switch_wal()) AS wal');
    const wanted = rows[0]?.wal ?? '';
    for (let i = 0; i < 600; i++) {
      const { rows: st } = await c.query<{ last: string | null }>(
        'SELECT last_archived_wal AS last FROM pg_stat_archiver',
      );
      if ((st[0]?.last ?? '') >= wanted) return;
      await sleep(100);
    }
  } finally {
    await c.end();
  }
}

export const runRestore: Runner = async (deps, op, progress) => {
  const targetId = op.target_project_id ?? '';
  const fresh = await findProjectById(deps.db, targetId);
  if (fresh?.status !== 'restoring')
    throw new OperationFailed(`the new project ${targetId} is ${fresh?.status ?? 'gone'}; the restore stops`);
  const source = await findProjectById(deps.db, op.project_id);
  if (!source) throw new OperationFailed(`the source project ${op.project_id} no longer exists`);
  const sourceTarget = () => deps.repos.target(source, false);
  await sourceTarget();
  const params = op.params as { backup_id: string | null; target_time: string | null; set: string | null };
  const target: RecoveryTarget = params.backup_id
    ? { kind: 'backup', label: params.backup_id }
    : params.target_time && params.set
      ? { kind: 'time', label: params.set, time: params.target_time }
      : { kind: 'latest' };
  const sourceRuns = source.status === 'running' && deps.dataplane.health(source.id)?.state === 'running';
  if (sourceRuns && target.kind !== 'backup') {
    progress.report('archiving the source’s latest WAL', 1);
    await archiveLatest(deps, source);
  }
  // An earlier attempt of this operation may have got as far as starting the new project under
  // supervision; recovery rebuilds its directory, so that postmaster must be gone first (and the
  // supervisor must not think the project already runs when this attempt starts it).
  await deps.dataplane.stop(fresh.id);
  const cluster = await deps.dataplane.scratchCluster(fresh.id, {
    encryption: deps.diskEncryption(fresh),
    hipaa: fresh.audit_log_level === 'hipaa',
  });
  const { timeline } = await recover(deps.recovery, {
    cluster,
    source: sourceTarget,
    target,
    progress: (phase, pct) => progress.report(phase, 2 + pct * 0.7),
  });
  try {
    await adminQuery(cluster.adminConnection('postgres'), DISABLE_LOGINS);
  } finally {
    await cluster.stop();
  }
  progress.report('starting the new project', 75);
  const hipaa = fresh.audit_log_level === 'hipaa';
  await deps.dataplane.start({ id: fresh.id, hipaa });
  if (hipaa) {
    for (const database of ['postgres', APP_DATABASE]) {
      const connection = deps.dataplane.adminConnection(fresh.id, database);
      const [row] = await adminQuery<{ on: boolean }>(
        connection,
        "SELECT current_setting('shared_preload_libraries') LIKE '%pgaudit%' AS on",
      );
      if (row?.on) await adminQuery(connection, 'CREATE EXTENSION IF NOT EXISTS pgaudit');
    }
  }
  await deps.repos.ensureStanza(fresh);
  progress.report('comparing with the source', 85);
  let report = null;
  if (sourceRuns) {
    const [before, after] = [
      await inspect(deps.dataplane, deps.dataplane.adminConnection(source.id, APP_DATABASE)),
      await inspect(deps.dataplane, deps.dataplane.adminConnection(fresh.id, APP_DATABASE)),
    ];
    report = compare(
      before,
      after,
      target.kind === 'backup'
        ? { backup: target.label }
        : target.kind === 'time'
          ? { time: target.time }
          : { latest: true },
    );
  }
  return {
    project_id: fresh.id,
    timeline,
    recovered_to: target.kind === 'latest' ? { latest: true } : target,
    report,
    ...(sourceRuns
      ? {}
      : { report_note: `the source '${source.name}' is not running, so nothing was compared` }),
  };
};
