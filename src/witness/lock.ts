/**
 * @module witness/lock
 * One witness per data directory: two processes checking and writing the same state would each
 * believe their own latest size and could cosign two roots for one size. `witness.lock` holds the
 * owner's pid; a lock whose process is gone (a crash) is taken over.
 */
import { open, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';

export const LOCK_FILE = 'witness.lock';

export interface DirLock {
  release(): Promise<void>;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function create(path: string): Promise<boolean> {
  try {
    const handle = await open(path, 'wx', 0o600);
    try {
      await handle.writeFile(`${process.pid}\n`);
      await handle.sync();
    } finally {
      await handle.close();
    }
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  }
}

export async function lockDir(dir: string): Promise<DirLock> {
  const path = join(dir, LOCK_FILE);
  if (!(await create(path))) {
    const pid = Number((await readFile(path, 'utf8').catch(() => '')).trim());
    if (Number.isSafeInteger(pid) && pid > 0 && alive(pid))
      throw new Error(
        `another witness (pid ${pid}) uses ${dir}: stop it first, or use another data directory`,
      );
    await rm(path, { force: true });
    if (!(await create(path))) throw new Error(`another witness just took ${dir}: stop it first`);
  }
  let released = false;
  return {
    async release() {
      if (released) return;
      released = true;
      await rm(path, { force: true });
    },
  };
}
