/**
 * @module dataplane/local/scratch
 * A cluster built from files Ward brings (a restore, a restore drill): its directories made empty
 * for the restored files, then configured like every Ward cluster (archiving off, whatever
 * recovery needs on top) and run as Ward's child, outside the supervisor, until the caller stops it.
 */
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ensureDir } from '../../lib/fs.js';
import type { OsUser } from '../../lib/os-user.js';
import {
  type AdminConnection,
  APP_DATABASE,
  type ClusterLayout,
  type ClusterSettings,
  type ScratchCluster,
} from '../provider.js';
import type { PgBinaries } from './binaries.js';
import {
  ADMIN_ROLE,
  type ClusterHandle,
  PG_PORT,
  startCluster,
  stopCluster,
  writeClusterFiles,
} from './cluster.js';
import { accessRules, hardenedSettings } from './hardening.js';
import { clusterUser, giveTo, type RunAs } from './run-as.js';

export interface ScratchDeps {
  bin: PgBinaries;
  runAs: RunAs;
  /** The OS user Ward itself runs as: the only one peer authentication lets in as ward_admin. */
  wardUser: OsUser;
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
 * Makes the empty directories (the service user's, 0700) inside `layout.root`, which the caller
 * made empty; `base`: settings every configuration has (pgaudit for a HIPAA project's files);
 * `removeAll` removes the root (and locks it, when encrypted).
 */
export async function createScratchCluster(
  deps: ScratchDeps,
  id: string,
  layout: ClusterLayout,
  base: ClusterSettings,
  removeAll: () => Promise<void>,
): Promise<ScratchCluster> {
  const { runAs } = deps;
  for (const dir of [layout.root, layout.socketDir, layout.data]) {
    await ensureDir(dir, 0o700);
    await giveTo(runAs, dir);
  }
  let handle: ClusterHandle | undefined;

  async function stop(opts: { immediate?: boolean } = {}): Promise<void> {
    const h = handle;
    handle = undefined;
    if (!h) return;
    if (!opts.immediate) return stopCluster(h);
    h.child.kill('SIGQUIT');
    await h.exited;
  }

  return {
    id,
    layout,

    async configure(settings, opts = {}) {
      await clusterUser(runAs).give(layout.root, { recursive: true });
      await writeClusterFiles(runAs, layout, {
        settings: { ...hardenedSettings(layout), archive_mode: 'off', ...base, ...settings },
        ...accessRules(deps.wardUser),
      });
      if (opts.recovery) {
        const signal = join(layout.data, 'recovery.signal');
        await writeFile(signal, '', { mode: 0o600 });
        await giveTo(runAs, signal);
      }
    },

    async start(timeoutMs) {
      handle = await startCluster(deps.bin, runAs, layout, timeoutMs);
      return { exited: handle.exited };
    },

    adminConnection(database = APP_DATABASE): AdminConnection {
      return { host: layout.socketDir, port: PG_PORT, user: ADMIN_ROLE, database };
    },

    lastFatal: () => lastFatal(layout),

    stop,

    async remove() {
      await stop();
      await removeAll();
    },
  };
}
