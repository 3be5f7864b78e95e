/**
 * @module dataplane/local/binaries
 * Finds the PostgreSQL server binaries: `WARD_PG_BIN`, else `pg_config --bindir`, else the newest
 * `/usr/lib/postgresql/N/bin`. Version 15 or newer.
 */
import { execFile } from 'node:child_process';
import { access, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { PgTool } from '../provider.js';

const run = promisify(execFile);
export const MIN_PG_MAJOR = 15;

export interface PgBinaries {
  dir: string;
  major: number;
  path(tool: 'initdb' | 'postgres' | 'pg_ctl' | 'pg_isready' | 'psql' | PgTool): string;
}

async function hasInitdb(dir: string): Promise<boolean> {
  return access(join(dir, 'initdb')).then(
    () => true,
    () => false,
  );
}

async function candidates(explicit?: string): Promise<string[]> {
  if (explicit) return [explicit];
  const found: string[] = [];
  try {
    const { stdout } = await run('pg_config', ['--bindir']);
    found.push(stdout.trim());
  } catch {
    // pg_config is only a hint; the versioned directories below are the fallback.
  }
  try {
    const versions = (await readdir('/usr/lib/postgresql')).filter((v) => /^\d+$/.test(v)).map(Number);
    for (const v of versions.sort((a, b) => b - a)) found.push(`/usr/lib/postgresql/${v}/bin`);
  } catch {
    // no Debian layout on this machine
  }
  return found;
}

export async function findPgBinaries(explicit?: string): Promise<PgBinaries> {
  for (const dir of await candidates(explicit)) {
    if (!(await hasInitdb(dir))) continue;
    const { stdout } = await run(join(dir, 'postgres'), ['--version']);
    const major = Number(/(\d+)(?:\.\d+)?/.exec(stdout)?.[1]);
    if (!(major >= MIN_PG_MAJOR)) {
      if (explicit)
        throw new Error(
          `WARD_PG_BIN=${explicit} holds PostgreSQL ${major}; Ward needs ${MIN_PG_MAJOR} or newer`,
        );
      continue;
    }
    return { dir, major, path: (tool) => join(dir, tool) };
  }
  throw new Error(
    explicit
      ? `WARD_PG_BIN=${explicit} has no initdb; point it at PostgreSQL's bin directory`
      : `no PostgreSQL ${MIN_PG_MAJOR}+ server found; install Debian's 'postgresql' package (npm start does this as root) or set WARD_PG_BIN`,
  );
}
