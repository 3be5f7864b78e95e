/**
 * @module backups/jobs/drill-job
 * A restore drill: the project's latest backup is restored into a scratch cluster and recovered to
 * the backup's consistency point; the drill is green when the cluster opens, pg_amcheck finds
 * nothing wrong (heap and every B-tree index, --heapallindexed), and after a clean shutdown
 * pg_checksums verifies every data page's checksum. The per-table row counts and content
 * checksums of the restored database are kept as evidence. The scratch cluster lands encrypted
 * where the project's region encrypts its projects (fscrypt, under the project's key), and is
 * always removed.
 */
import { APP_DATABASE, type ScratchCluster } from '../../dataplane/index.js';
import { findProjectById } from '../../projects/index.js';
import * as store from '../backups.store.js';
import { adminQuery, recover } from '../recovery.js';
import { inspect } from '../verification.js';
import { OperationFailed, type Runner } from './context.js';

const firstLines = (text: string, n = 10) => text.split('\n').filter(Boolean).slice(0, n);

export const runDrill: Runner = async (deps, op, progress) => {
  const project = await findProjectById(deps.db, op.project_id);
  if (!project) throw new OperationFailed(`project ${op.project_id} no longer exists`);
  const latest = (await store.listBackups(deps.db, project.id))[0];
  if (!latest) throw new OperationFailed(`'${project.name}' has no backup to drill yet`);
  const { dataplane } = deps;
  const started = Date.now();
  const checks: Record<string, unknown> = {};
  let evidence: unknown = null;
  let cluster: ScratchCluster | undefined;
  try {
    // Restored PHI lands encrypted like the project's own directory, under the project's key.
    cluster = await dataplane.scratchCluster(op.id, {
      encryption: deps.diskEncryption(project),
      keyOwner: project.id,
      hipaa: project.audit_log_level === 'hipaa',
    });
    // Evidence, not a verdict: where the restored copy of the data sat while it was checked.
    checks.encryption_at_rest = await dataplane.diskEncryption(op.id);
    const { timeline } = await recover(deps.recovery, {
      cluster,
      source: () => deps.repos.target(project, false),
      target: { kind: 'backup', label: latest.label },
      progress: (phase, pct) => progress.report(phase, pct * 0.6),
    });
    try {
      progress.report('checking that it opens', 62);
      const admin = cluster.adminConnection('postgres');
      const dbs = await adminQuery<{ n: string }>(admin, 'SELECT count(*) AS n FROM pg_database');
      checks.opened = { ok: true, databases: Number(dbs[0]?.n ?? 0), timeline };
      progress.report('pg_amcheck', 65);
      const amcheck = await dataplane
        .pgTool('pg_amcheck', [
          '--all',
          '--heapallindexed',
          '--install-missing',
          '--host',
          admin.host,
          '--port',
          String(admin.port),
          '--username',
          admin.user,
        ])
        .then(
          (out) => ({ ok: out.trim() === '', problems: firstLines(out) }),
          (err: Error) => ({ ok: false, problems: firstLines(err.message) }),
        );
      checks.amcheck = amcheck;
      progress.report('recording table checksums', 80);
      evidence = await inspect(dataplane, cluster.adminConnection(APP_DATABASE));
    } finally {
      await cluster.stop();
    }
    progress.report('pg_checksums', 90);
    checks.page_checksums = await dataplane
      .pgTool('pg_checksums', ['--check', '-D', cluster.layout.data], {
        asClusterUser: true,
        timeoutMs: 6 * 3600_000,
      })
      .then(
        (stdout) => ({ ok: /Bad checksums:\s+0\b/.test(stdout), detail: firstLines(stdout, 6) }),
        (err: Error) => ({ ok: false, detail: firstLines(err.message, 6) }),
      );
  } catch (err) {
    // A backup that cannot be restored (damaged, unreadable key) is exactly what a drill is for:
    // a red drill with the reason, not an error of the drill itself.
    checks.opened = { ok: false, error: (err as Error).message };
  } finally {
    await (cluster ? cluster.remove() : dataplane.destroy(op.id));
  }
  const failed = ['opened', 'amcheck', 'page_checksums'].filter(
    (k) => !(checks[k] as { ok?: boolean } | undefined)?.ok,
  );
  const result = {
    backup_id: latest.label,
    backup_stopped_at: latest.stopped_at.toISOString(),
    green: failed.length === 0,
    checks,
    evidence,
    duration_ms: Date.now() - started,
  };
  const why = (checks.opened as { error?: string } | undefined)?.error;
  if (failed.length)
    throw new OperationFailed(
      `the restore drill of '${project.name}' (backup ${latest.label}) is red: ${failed.join(', ')} failed${why ? ` (${why})` : ''}`,
      result,
    );
  return result;
};
