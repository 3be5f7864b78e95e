/**
 * @module dataplane/local/run-as
 * Runs PostgreSQL's programs as the service user. Node's spawn drops to `uid`/`gid` (and clears
 * supplementary groups) before exec when Ward runs as root; otherwise they run as Ward's user.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { chown } from 'node:fs/promises';
import type { OsUser } from '../../lib/os-user.js';
import type { ClusterUser } from '../provider.js';

export interface RunAs {
  user: OsUser;
  /** True when Ward must switch to `user` (Ward runs as root). */
  switching: boolean;
}

const CHILD_ENV = (): NodeJS.ProcessEnv => ({
  PATH: process.env.PATH ?? '/usr/bin:/bin',
  LC_ALL: 'C',
  TZ: 'UTC',
});

function identity(runAs: RunAs) {
  return runAs.switching ? { uid: runAs.user.uid, gid: runAs.user.gid } : {};
}

export function execAs(
  runAs: RunAs,
  file: string,
  args: string[],
  opts: { timeoutMs?: number; cwd?: string } = {},
): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    execFile(
      file,
      args,
      {
        ...identity(runAs),
        env: CHILD_ENV(),
        cwd: opts.cwd ?? '/',
        timeout: opts.timeoutMs ?? 120_000,
        maxBuffer: 16 << 20,
      },
      (err, stdout, stderr) => {
        if (err) {
          const detail = `${stderr}`.trim().split('\n').slice(-3).join(' ') || err.message;
          reject(new Error(`${file.split('/').pop()} failed: ${detail}`));
        } else resolve({ stdout: `${stdout}`, stderr: `${stderr}` });
      },
    );
  });
}

export function spawnAs(runAs: RunAs, file: string, args: string[]): ChildProcess {
  return spawn(file, args, {
    ...identity(runAs),
    env: CHILD_ENV(),
    cwd: '/',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/** Gives `path` to the service user (a no-op when Ward does not switch users). */
export async function giveTo(runAs: RunAs, path: string): Promise<void> {
  if (runAs.switching) await chown(path, runAs.user.uid, runAs.user.gid);
}

/** The service user as the provider interface offers it to code beside the clusters (backups). */
export function clusterUser(runAs: RunAs): ClusterUser {
  return {
    name: runAs.user.name,
    separate: runAs.switching,
    exec: (file, args, opts) => execAs(runAs, file, args, opts),
    async give(path, opts = {}) {
      if (!runAs.switching) return;
      if (!opts.recursive) return chown(path, runAs.user.uid, runAs.user.gid);
      await new Promise<void>((resolve, reject) =>
        execFile('chown', ['-R', `${runAs.user.uid}:${runAs.user.gid}`, path], (err) =>
          err ? reject(err) : resolve(),
        ),
      );
    },
    async shareWithGroup(path) {
      if (runAs.switching) await chown(path, process.getuid?.() ?? 0, runAs.user.gid);
    },
  };
}
