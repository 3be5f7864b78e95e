/**
 * @module projects/provisioner
 * Drives the data plane for projects, off the request path: creates a project's cluster and
 * records `running` or `failed` (with a reason the user can act on); destroys deleted ones; and
 * on start brings every project back to the state the database says it is in. In-flight work is
 * tracked so shutdown can wait for it.
 */
import type { Logger } from 'pino';
import type { AuditService } from '../audit/index.js';
import type { DataPlaneProvider } from '../dataplane/index.js';
import type { Db, Project } from '../db/index.js';
import { SYSTEM } from '../lib/context.js';
import type { RegionCatalog } from '../regions/index.js';
import { clusterSpec } from './cluster-spec.js';
import * as store from './projects.store.js';

export function createProvisioner(deps: {
  db: Db;
  audit: AuditService;
  dataplane: DataPlaneProvider;
  regions: RegionCatalog;
  log: Logger;
  /**
   * Runs once a new cluster accepts connections, before the project is `running` (backups create
   * the project's pgBackRest stanza here, so WAL archiving works from the first WAL file). A
   * failure is logged, not fatal: the project runs, and whoever needs the work retries it.
   */
  afterStart?: (p: Project) => Promise<void>;
}) {
  const { db, audit, dataplane, log } = deps;
  const inflight = new Map<string, Promise<void>>();

  const spec = (p: Project) => clusterSpec(p, deps.regions);
  const target = (p: Project) => ({ type: 'project' as const, id: p.id, name: p.name });

  function track(id: string, work: () => Promise<void>): Promise<void> {
    const previous = inflight.get(id) ?? Promise.resolve();
    const next = previous.then(work).finally(() => {
      if (inflight.get(id) === next) inflight.delete(id);
    });
    inflight.set(id, next);
    return next;
  }

  async function finish(p: Project, status: 'running' | 'failed', reason: string | null, started: number) {
    await audit.mutate(
      SYSTEM,
      {
        action: 'project.provision',
        chain: p.org_id,
        target: target(p),
        outcome: status === 'running' ? 'success' : 'failure',
        details: { status, ...(reason ? { reason } : {}), duration_ms: Date.now() - started },
      },
      async (tx) => {
        await store.setStatus(tx, p.id, status, reason);
      },
    );
  }

  function provision(p: Project): Promise<void> {
    return track(p.id, async () => {
      const started = Date.now();
      try {
        await dataplane.provision(spec(p));
      } catch (err) {
        const reason = `creating the database cluster failed: ${(err as Error).message}. Delete this project and create it again; if it fails again, check the disk space and Ward's log.`;
        log.error({ project: p.id, err }, 'provisioning failed');
        await finish(p, 'failed', reason, started).catch((e) =>
          log.error({ err: e }, 'could not record failure'),
        );
        return;
      }
      await deps
        .afterStart?.(p)
        .catch((err) => log.error({ project: p.id, err: (err as Error).message }, 'after-start work failed'));
      await finish(p, 'running', null, started).catch(async (err) => {
        // The cluster exists but its state could not be recorded; leave nothing half-made.
        log.error({ project: p.id, err }, 'could not record provisioning; removing the cluster');
        await dataplane.destroy(p.id).catch(() => undefined);
      });
    });
  }

  /** Stops and removes the cluster, then marks the project deleted. */
  function destroy(p: Project): Promise<void> {
    return track(p.id, async () => {
      try {
        await dataplane.destroy(p.id);
        await store.setStatus(db, p.id, 'deleted');
      } catch (err) {
        log.error({ project: p.id, err }, 'deleting the cluster failed');
        await store.setStatus(
          db,
          p.id,
          'failed',
          `deleting the cluster failed: ${(err as Error).message}; try the delete again`,
        );
      }
    });
  }

  /** At start: run what should run, finish what was interrupted. */
  async function resume(): Promise<void> {
    const projects = await store.projectsWithStatus(db, ['running', 'provisioning', 'deleting']);
    await Promise.all(
      projects.map(async (p) => {
        if (p.status === 'provisioning') return provision(p);
        // A HIPAA project whose grace period ended is destroyed by hipaa-deletion.ts (with its keys).
        if (p.status === 'deleting') return p.purge_after ? undefined : destroy(p);
        try {
          await dataplane.start(spec(p));
        } catch (err) {
          log.error({ project: p.id, err }, 'could not start project cluster');
          await store.setStatus(
            db,
            p.id,
            'failed',
            `the cluster could not be started: ${(err as Error).message}`,
          );
        }
      }),
    );
  }

  async function drain(): Promise<void> {
    while (inflight.size > 0) await Promise.allSettled([...inflight.values()]);
  }

  return {
    provision,
    destroy,
    resume,
    drain,
    settled: (id: string) => inflight.get(id) ?? Promise.resolve(),
  };
}

export type Provisioner = ReturnType<typeof createProvisioner>;
