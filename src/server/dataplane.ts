/**
 * @module server/dataplane
 * Picks the data plane: the local provider (one supervised cluster per project on this machine).
 * Its supervisor tells the projects domain when a cluster stopped on its own and is restarted.
 * Encrypted cluster directories are keyed from each project's key (keys.derive).
 */
import type { WardConfig } from '../config/index.js';
import {
  createEncryptedDirs,
  createLocalProvider,
  createSupervisor,
  type PgBinaries,
  type RunAs,
} from '../dataplane/local/index.js';
import type { Db } from '../db/index.js';
import type { KeyService } from '../keys/index.js';
import type { Logger } from '../lib/logger.js';
import type { OsUser } from '../lib/os-user.js';
import type { ClusterEvents } from '../projects/index.js';

/** The fscrypt key of a cluster directory: 64 bytes derived from its project's key. */
function diskKeys(db: Db, keys: KeyService) {
  return async (owner: string, dirId: string) => {
    const p = await db.selectFrom('projects').select('org_id').where('id', '=', owner).executeTakeFirst();
    if (!p) throw new Error(`there is no project ${owner} whose key could encrypt ${dirId}`);
    return keys.derive({ type: 'project', projectId: owner, orgId: p.org_id }, `fscrypt:${dirId}`, 64);
  };
}

export async function wireDataPlane(deps: {
  config: WardConfig;
  db: Db;
  keys: KeyService;
  projectsDir: string;
  /** Where encrypted cluster directories are, and the image that holds them where needed. */
  encrypted: { dir: string; image: string; owner: { uid: number; gid: number; mode: number } };
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
  const warn = (msg: string, fields: Record<string, unknown>) => deps.log.warn(fields, msg);
  const encrypted = createEncryptedDirs({
    ...deps.encrypted,
    sizeBytes: deps.config.encrypted_volume_gb * 2 ** 30,
    keys: diskKeys(deps.db, deps.keys),
    warn,
  });
  // An image made by an earlier start is mounted now, so its clusters' directories are found.
  await encrypted.open(false);
  const dataplane = createLocalProvider({
    projectsDir: deps.projectsDir,
    encrypted,
    warn,
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
