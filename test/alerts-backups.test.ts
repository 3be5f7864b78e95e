import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alertsOf, setRule } from './support/alerts.js';
import { damageBackup, operationEnd, runningProject, sql, succeeded } from './support/backups.js';
import { startTestWard, type TestWard } from './support/ward.js';

let w: TestWard;
let owner: string;

beforeAll(async () => {
  w = await startTestWard({ backups: { scheduler_tick: '1s', retry_delay: '1s', retry_limit: 0 } as never });
  owner = await w.user('owner@acme.test');
  await w.request('POST', '/api/v1/orgs', { token: owner, body: { name: 'acme' } });
  await setRule(w, owner, 'acme', 'backup_failed', { enabled: true });
}, 120_000);
afterAll(() => w?.stop());

describe('backup_failed', () => {
  it('raises an alert when a backup verification finds damage', async () => {
    const p = await runningProject(w, owner, 'acme', 'fragile');
    await sql(
      w,
      p.id,
      'CREATE TABLE t AS SELECT g AS id, md5(g::text) AS v FROM generate_series(1, 20000) g',
    );
    const backup = await succeeded(w, owner, `/api/v1/projects/${p.id}/backups`);
    await damageBackup(w, p.id, backup.result.backup_id);

    const verify = await w.request('POST', `/api/v1/projects/${p.id}/backups/verify`, { token: owner });
    expect((await operationEnd(w, owner, verify.body.id)).status).toBe('failed');
    const [a] = await alertsOf(w, owner, 'acme', 'backup_failed');
    expect(a?.summary).toBe('a backup verification of fragile failed');
    expect(a?.subject).toEqual({ project_id: p.id, operation_id: verify.body.id });
  }, 240_000);
});
