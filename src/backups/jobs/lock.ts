/**
 * @module backups/jobs/lock
 * One job at a time per project, across every Ward process: a session advisory lock per project
 * held on a connection of its own for as long as the job runs. A job that finds a project busy
 * waits (its operation says so) rather than failing.
 */
import type pg from 'pg';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function withProjectLocks<T>(
  pool: pg.Pool,
  projectIds: string[],
  onWait: () => void,
  fn: () => Promise<T>,
): Promise<T> {
  const client = await pool.connect();
  const keys = [...new Set(projectIds)].sort().map((id) => `ward-backups:${id}`);
  const held: string[] = [];
  try {
    for (const key of keys) {
      for (let waited = false; ; waited = true) {
        const { rows } = await client.query<{ ok: boolean }>(
          'SELECT pg_try_advisory_lock(hashtextextended($1, 0)) AS ok',
          [key],
        );
        if (rows[0]?.ok) break;
        if (!waited) onWait();
        await sleep(1000);
      }
      held.push(key);
    }
    return await fn();
  } finally {
    for (const key of held)
      await client.query('SELECT pg_advisory_unlock(hashtextextended($1, 0))', [key]).catch(() => undefined);
    client.release();
  }
}
