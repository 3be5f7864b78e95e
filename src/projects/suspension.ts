/**
 * @module projects/suspension
 * Stopping an org's projects while its root key is unavailable, and starting them again when it
 * is back. A running project becomes `suspended` with a reason its users see (the key, and why it
 * cannot be used); its cluster is stopped, which also locks its encrypted directory. Only
 * suspended projects are started again, so a project someone deleted meanwhile stays deleted, and
 * a restart of Ward leaves suspended projects stopped (the provisioner starts `running` ones).
 */
import type { DataPlaneProvider } from '../dataplane/index.js';
import type { Db, Tx } from '../db/index.js';
import type { Logger } from '../lib/logger.js';
import type { RegionCatalog } from '../regions/index.js';
import { clusterSpec } from './cluster-spec.js';
import * as store from './projects.store.js';

export interface OrgSuspension {
  /** In the caller's transaction: the org's running projects become `suspended` with `reason`. */
  suspend(tx: Tx, orgId: string, reason: string): Promise<{ id: string; name: string }[]>;
  /** Stops the clusters of projects `suspend` returned (after its transaction committed). */
  stop(ids: string[]): Promise<void>;
  /** Starts the org's suspended projects and marks them running; returns the names of those started. */
  resume(orgId: string): Promise<string[]>;
}

export function createOrgSuspension(deps: {
  db: Db;
  dataplane: DataPlaneProvider;
  regions: RegionCatalog;
  log: Logger;
}): OrgSuspension {
  const { db, dataplane, log } = deps;
  return {
    async suspend(tx, orgId, reason) {
      return tx
        .updateTable('projects')
        .set({ status: 'suspended', status_reason: reason, updated_at: new Date() })
        .where('org_id', '=', orgId)
        .where('status', '=', 'running')
        .returning(['id', 'name'])
        .execute();
    },

    async stop(ids) {
      for (const id of ids)
        await dataplane
          .stop(id)
          .catch((err) =>
            log.error({ project: id, err: (err as Error).message }, 'could not stop a suspended project'),
          );
    },

    async resume(orgId) {
      const suspended = await db
        .selectFrom('projects')
        .selectAll()
        .where('org_id', '=', orgId)
        .where('status', '=', 'suspended')
        .execute();
      const started: string[] = [];
      for (const p of suspended) {
        try {
          await dataplane.start(clusterSpec(p, deps.regions));
          await store.setStatus(db, p.id, 'running');
          started.push(p.name);
        } catch (err) {
          log.error({ project: p.id, err: (err as Error).message }, 'could not start a suspended project');
          await store.setStatus(
            db,
            p.id,
            'failed',
            `the cluster could not be started again after the org's root key came back: ${(err as Error).message}`,
          );
        }
      }
      return started;
    },
  };
}
