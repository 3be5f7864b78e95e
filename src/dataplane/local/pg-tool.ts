/**
 * @module dataplane/local/pg-tool
 * PostgreSQL's programs that work on a cluster from outside its server (pg_dump, pg_amcheck
 * through the socket as Ward's user; pg_checksums on the stopped data directory as the service
 * user), from the same bin directory as the clusters' server.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { PgTool } from '../provider.js';
import type { PgBinaries } from './binaries.js';
import { execAs, type RunAs } from './run-as.js';

const run = promisify(execFile);

/** Runs `tool` and resolves with its standard output; rejects with the first lines it printed. */
export async function runPgTool(
  bin: PgBinaries,
  runAs: RunAs,
  tool: PgTool,
  args: string[],
  opts: { asClusterUser?: boolean; timeoutMs?: number } = {},
): Promise<string> {
  if (opts.asClusterUser)
    return (await execAs(runAs, bin.path(tool), args, { timeoutMs: opts.timeoutMs })).stdout;
  try {
    const { stdout } = await run(bin.path(tool), args, {
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', LC_ALL: 'C', TZ: 'UTC' },
      maxBuffer: 256 << 20,
      ...(opts.timeoutMs ? { timeout: opts.timeoutMs } : {}),
    });
    return stdout;
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string; message: string };
    const detail = `${e.stderr ?? ''}\n${e.stdout ?? ''}`.trim().split('\n').slice(0, 5).join(' ');
    throw new Error(`${tool} failed: ${detail || e.message}`);
  }
}
