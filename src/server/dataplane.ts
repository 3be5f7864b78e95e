/**
 * @module server/dataplane
 * Picks the data plane: the local provider (one supervised cluster per project on this machine).
 * Its supervisor tells the projects domain when a cluster stopped on its own and is restarted.
 */
import type { WardConfig } from '../config/index.js';
import {
  createLocalProvider,
  createSupervisor,
  type PgBinaries,
  type RunAs,
} from '../dataplane/local/index.js';
import type { Logger } from '../lib/logger.js';
import type { OsUser } from '../lib/os-user.js';
import type { ClusterEvents } from '../projects/index.js';

export function wireDataPlane(deps: {
  config: WardConfig;
  projectsDir: string;
  bin: PgBinaries;
  runAs: RunAs;
  wardUser: OsUser;
  clusterEvents: ClusterEvents;
  archiveCommand: (projectId: string) => string;
  log: Logger;
}) {
  const supervisor = createSupervisor({
    onRestart: deps.clusterEvents.restarting,
    onError: (id, err) =>
      deps.log.error({ project: id, err: err.message }, 'project cluster restart failed; retrying'),
  });
  const dataplane = createLocalProvider({
    projectsDir: deps.projectsDir,
    bin: deps.bin,
    runAs: deps.runAs,
    wardUser: deps.wardUser,
    supervisor,
    archiveCommand: deps.archiveCommand,
  });
  return {
    dataplane,
    /** How many clusters are in each state, for /metrics. */
    clusterStates(): Record<string, number> {
      const counts: Record<string, number> = {};
      for (const id of supervisor.ids()) {
        const state = supervisor.health(id)?.state ?? 'stopped';
        counts[state] = (counts[state] ?? 0) + 1;
      }
      return counts;
    },
  };
}
