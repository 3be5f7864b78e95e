/**
 * @module projects/cluster-events
 * What a project's record says when the data plane reports on its cluster: a restart after the
 * cluster stopped on its own is an event in the project's org chain, so the people responsible
 * for it see that their database went away and came back, and why.
 */
import type { AuditService } from '../audit/index.js';
import type { Db } from '../db/index.js';
import { SYSTEM } from '../lib/context.js';
import type { Logger } from '../lib/logger.js';
import { findProject } from './projects.store.js';

export function createClusterEvents(deps: { db: Db; audit: AuditService; log: Logger }) {
  const { db, audit, log } = deps;
  return {
    /** The supervisor is restarting `projectId`'s cluster, which stopped for `reason`. */
    restarting(projectId: string, reason: string): void {
      log.warn({ project: projectId, reason }, 'project cluster stopped; restarting it');
      void findProject(db, projectId)
        .then((p) =>
          p
            ? audit.record(SYSTEM, [
                {
                  action: 'project.cluster.restart',
                  chain: p.org_id,
                  target: { type: 'project', id: projectId, name: p.name },
                  details: { reason },
                },
              ])
            : undefined,
        )
        .catch((err) => log.error({ err }, 'could not record a cluster restart'));
    },
  };
}

export type ClusterEvents = ReturnType<typeof createClusterEvents>;
