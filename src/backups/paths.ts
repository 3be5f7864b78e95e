/**
 * @module backups/paths
 * Where backups live under $WARD_HOME, and who may reach what:
 *
 *   backups/          0700 Ward's user only: the clusters' service user can neither read nor
 *   ├── repos/<id>/        change a repository (one pgBackRest repository per project)
 *   └── work/              pgBackRest's lock, log and spool directories
 *   wal/              0700 the service user: the socket PostgreSQL's archive_command talks to
 *   bin/              0750 Ward's user, group of the service user: the pgbackrest-wal helper
 */
import { copyFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ClusterUser } from '../dataplane/index.js';
import { ensureDir } from '../lib/fs.js';

export interface BackupPaths {
  /** $WARD_HOME/backups, Ward's user only. */
  root: string;
  work: string;
  /** The socket the pgbackrest-wal helper connects to. */
  socket: string;
  /** The helper as the service user runs it. */
  helper: string;
  /** The Node.js binary that runs the helper. */
  node: string;
  repoOf(projectId: string): string;
}

const HELPER_SOURCE = fileURLToPath(new URL('./wal/pgbackrest-wal.mjs', import.meta.url));

/** Makes the directories (`user` is the OS user the clusters run as) and checks that it can run the helper. */
export async function prepareBackupPaths(home: string, user: ClusterUser): Promise<BackupPaths> {
  const root = join(home, 'backups');
  const work = join(root, 'work');
  for (const dir of [root, join(root, 'repos'), work]) await ensureDir(dir, 0o700);
  for (const dir of ['lock', 'log', 'spool']) await ensureDir(join(work, dir), 0o700);
  const walDir = join(home, 'wal');
  await ensureDir(walDir, 0o700);
  await user.give(walDir);
  const binDir = join(home, 'bin');
  await ensureDir(binDir, user.separate ? 0o750 : 0o700);
  await user.shareWithGroup(binDir);
  const helper = join(binDir, 'pgbackrest-wal.mjs');
  await mkdir(binDir, { recursive: true });
  await copyFile(HELPER_SOURCE, helper);
  await user.shareWithGroup(helper);
  const paths: BackupPaths = {
    root,
    work,
    socket: join(walDir, 'ward.sock'),
    helper,
    node: process.execPath,
    repoOf: (projectId) => join(root, 'repos', projectId),
  };
  try {
    await user.exec(paths.node, [helper, '--check'], { timeoutMs: 30_000 });
  } catch (err) {
    throw new Error(
      `the service user '${user.name}' cannot run ${paths.node} ${helper}, which WAL archiving needs (${(err as Error).message}); install Node.js where every user can run it, such as /usr/bin/node`,
    );
  }
  return paths;
}
