/**
 * Helpers for the backup tests: a running project, SQL in its cluster as Ward's administrative
 * role, waiting for an operation to end, and damaging a backup.
 */
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { eventually, type TestWard } from './ward.js';

/** Re-exported for the backup tests, which import it from here. */
export { sql } from './project-db.js';

export async function runningProject(
  w: TestWard,
  token: string,
  org: string,
  name: string,
  region = 'local',
) {
  const r = await w.request('POST', `/api/v1/orgs/${org}/projects`, {
    token,
    body: { name, region_id: region },
  });
  if (r.status !== 201) throw new Error(`create ${name}: ${r.status} ${JSON.stringify(r.body)}`);
  return eventually(async () => {
    const p = (await w.request('GET', `/api/v1/projects/${r.body.id}`, { token })).body;
    if (p.status === 'failed') throw new Error(`project ${name} failed: ${p.status_reason}`);
    return p.status === 'running' ? (p as { id: string; name: string }) : undefined;
  }, 60_000);
}

/** Waits until an operation has ended and returns it (whatever the outcome). */
export async function operationEnd(w: TestWard, token: string, id: string, ms = 180_000) {
  return eventually(
    async () => {
      const op = (await w.request('GET', `/api/v1/operations/${id}`, { token })).body;
      return op.status === 'succeeded' || op.status === 'failed' ? op : undefined;
    },
    ms,
    200,
  );
}

/** Starts an operation with POST and waits for it to succeed. */
export async function succeeded(w: TestWard, token: string, path: string, body?: unknown) {
  const r = await w.request('POST', path, { token, body });
  if (r.status !== 202) throw new Error(`POST ${path}: ${r.status} ${JSON.stringify(r.body)}`);
  const op = await operationEnd(w, token, r.body.id);
  if (op.status !== 'succeeded') {
    const earlier = (await w.log())
      .split('\n')
      .filter((l) => l.includes(op.id) && l.includes('will be retried'))
      .map((l) => (JSON.parse(l) as { err?: string }).err);
    const attempts = earlier.length ? ` (earlier attempts: ${earlier.join(' | ')})` : '';
    // A red drill says which check failed in its result.
    const checks = op.result?.checks ? ` checks: ${JSON.stringify(op.result.checks)}` : '';
    throw new Error(`operation ${op.id} (${op.kind}) failed: ${op.error}${attempts}${checks}`);
  }
  return op;
}

/** Flips one byte in the middle of the largest data file of a local backup, as a failing disk would. */
export async function damageBackup(w: TestWard, projectId: string, backupId: string): Promise<void> {
  const dir = join(w.home, 'backups', 'repos', projectId, 'backup', projectId, backupId, 'pg_data', 'base');
  let biggest = { path: '', size: 0 };
  for (const db of await readdir(dir))
    for (const f of await readdir(join(dir, db))) {
      const size = (await stat(join(dir, db, f))).size;
      if (size > biggest.size) biggest = { path: join(dir, db, f), size };
    }
  const bytes = await readFile(biggest.path);
  const at = Math.floor(bytes.length / 2);
  bytes[at] = (bytes[at] ?? 0) ^ 0xff;
  await writeFile(biggest.path, bytes);
}
