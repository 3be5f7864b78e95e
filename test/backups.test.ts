/**
 * Backups with real pgBackRest against real clusters: point-in-time restore onto a new timeline,
 * damage found by verification and refused by restore, HIPAA placement of restores, the migration
 * of a standard project into a hipaa region with its verification report, key shredding, restore
 * drills, the daily schedule and retention. Databases are a few rows; schedules are shortened.
 */
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inTransaction } from '../src/db/pool.js';
import { events } from './support/access.js';
import { damageBackup, operationEnd, runningProject, sql, succeeded } from './support/backups.js';
import { BUSINESS_ASSOCIATE, enableHipaa, mfaUser } from './support/hipaa.js';
import { eventually, startTestWard, type TestWard } from './support/ward.js';

let w: TestWard;
let owner: string;
let records: { id: string; name: string };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

beforeAll(async () => {
  w = await startTestWard({
    business_associate: BUSINESS_ASSOCIATE,
    regions: [
      { id: 'local', name: 'Local', type: 'standard', provider: 'local', storage_encryption: 'none' },
      {
        id: 'local-hipaa',
        name: 'Local HIPAA',
        type: 'hipaa',
        provider: 'local',
        storage_encryption: 'none',
      },
    ],
    backups: { scheduler_tick: '1s', retry_delay: '1s', retry_limit: 1 } as never,
  });
  owner = await w.user('owner@acme.test');
  await w.request('POST', '/api/v1/orgs', { token: owner, body: { name: 'acme' } });
  records = await runningProject(w, owner, 'acme', 'records');
  await sql(w, records.id, 'CREATE TABLE patients (id int PRIMARY KEY, note text)');
}, 180_000);
afterAll(() => w?.stop());

describe('backups and point-in-time restore', () => {
  let noted: string;
  let restoredId: string;

  it('takes an encrypted backup and lists it with type, size, times and WAL range', async () => {
    const op = await succeeded(w, owner, `/api/v1/projects/${records.id}/backups`);
    expect(op).toMatchObject({ kind: 'backup', trigger: 'manual', status: 'succeeded', percent: 100 });
    const list = (await w.request('GET', `/api/v1/projects/${records.id}/backups`, { token: owner })).body;
    expect(list.backups).toHaveLength(1);
    const [b] = list.backups;
    expect(b).toMatchObject({
      id: op.result.backup_id,
      type: 'full',
      encrypted: true,
      cipher: 'aes-256-cbc',
    });
    expect(b.size_bytes).toBeGreaterThan(1 << 20);
    expect(b.wal_start).toMatch(/^[0-9A-F]{24}$/);
    expect(Date.parse(b.stopped_at)).toBeGreaterThanOrEqual(Date.parse(b.started_at));
    expect(list.policy).toMatchObject({ daily_at: '03:00', retention_days: 7 });
  });

  it('restores to a noted moment: exactly the rows written before it, on a new timeline', async () => {
    await sql(w, records.id, "INSERT INTO patients VALUES (1, 'one'), (2, 'two')");
    await sleep(1100);
    noted = new Date().toISOString();
    await sleep(1100);
    await sql(w, records.id, "INSERT INTO patients VALUES (3, 'three')");
    const op = await succeeded(w, owner, `/api/v1/projects/${records.id}/restore`, {
      name: 'records-pitr',
      region_id: 'local',
      target_time: noted,
    });
    restoredId = op.target_project_id;
    const [source] = await sql(
      w,
      records.id,
      'SELECT substr(pg_walfile_name(pg_current_wal_lsn()), 1, 8) AS tli',
    );
    expect(op.result.timeline).toBeGreaterThan(Number.parseInt(source.tli, 16));
    const project = (await w.request('GET', `/api/v1/projects/${restoredId}`, { token: owner })).body;
    expect(project).toMatchObject({ name: 'records-pitr', status: 'running', region_id: 'local' });
    expect(await sql(w, restoredId, 'SELECT id FROM patients ORDER BY id')).toEqual([{ id: 1 }, { id: 2 }]);
    // The report compares with the source as it is now: row 3 came later.
    const table = op.result.report.tables.find((t: any) => t.table === 'public.patients');
    expect(table).toMatchObject({ source_rows: 3, restored_rows: 2, rows_equal: false });
    expect(op.result.report.identical).toBe(false);
    // …and says that this is what a restore to an earlier moment looks like, not a failure.
    expect(op.result.report).toMatchObject({ verdict: 'earlier_than_source', restored_to: { time: noted } });
    expect(op.result.report.summary).toContain(`as of ${noted}`);
  });

  it('archives the restored project’s own WAL and backs it up into its own repository', async () => {
    const list = await eventually(
      async () => {
        const l = (await w.request('GET', `/api/v1/projects/${restoredId}/backups`, { token: owner })).body;
        return l.backups.length > 0 ? l : undefined;
      },
      120_000,
      500,
    );
    expect(list.backups[0].type).toBe('full');
    const [{ mode }] = await sql(w, restoredId, "SELECT current_setting('archive_mode') AS mode");
    expect(mode).toBe('on');
  });

  it('records the restore in the org’s audit chain: the request and its end', async () => {
    const created = (await events(w, 'project.create')).find((e: any) => e.target.id === restoredId);
    expect(created?.details.restore).toMatchObject({ source_project_id: records.id, target_time: noted });
    const finished = (await events(w, 'backup.restore.finish')).find((e: any) => e.target.id === restoredId);
    expect(finished).toMatchObject({ outcome: 'success', actor: { type: 'system' } });
  });
});

describe('damage and refusals', () => {
  it('refuses a restore into a hipaa region for an org without HIPAA, and records it', async () => {
    const r = await w.request('POST', `/api/v1/projects/${records.id}/restore`, {
      token: owner,
      body: { name: 'records-hipaa', region_id: 'local-hipaa' },
    });
    expect(r.status).toBe(403);
    expect(r.body.error.message).toMatch(/'acme' does not have HIPAA enabled.*hipaa region 'local-hipaa'/);
    const refused = (await events(w, 'project.create')).filter((e: any) => e.target.name === 'records-hipaa');
    expect(refused.map((e: any) => e.outcome)).toEqual(['denied']);
  });

  it('finds a flipped byte with verify and refuses to restore the damaged backup', async () => {
    const p = await runningProject(w, owner, 'acme', 'fragile');
    await sql(
      w,
      p.id,
      'CREATE TABLE t AS SELECT g AS id, md5(g::text) AS v FROM generate_series(1, 20000) g',
    );
    const backup = await succeeded(w, owner, `/api/v1/projects/${p.id}/backups`);
    expect((await succeeded(w, owner, `/api/v1/projects/${p.id}/backups/verify`)).result.problems).toEqual(
      [],
    );
    await damageBackup(w, p.id, backup.result.backup_id);

    const verify = await w.request('POST', `/api/v1/projects/${p.id}/backups/verify`, { token: owner });
    const verified = await operationEnd(w, owner, verify.body.id);
    expect(verified.status).toBe('failed');
    expect(verified.error).toMatch(/repository of 'fragile' is damaged/);

    const restore = await w.request('POST', `/api/v1/projects/${p.id}/restore`, {
      token: owner,
      body: { name: 'fragile-copy', region_id: 'local', backup_id: backup.result.backup_id },
    });
    expect(restore.status).toBe(202);
    const restored = await operationEnd(w, owner, restore.body.id);
    expect(restored.status).toBe('failed');
    expect(restored.error).toMatch(/the backup could not be restored: .+/);
    const copy = (await w.request('GET', `/api/v1/projects/${restored.target_project_id}`, { token: owner }))
      .body;
    expect(copy).toMatchObject({ status: 'failed' });
    expect(copy.status_reason).toMatch(/restoring failed/);

    const drill = await w.request('POST', `/api/v1/projects/${p.id}/backups/drill`, { token: owner });
    expect((await operationEnd(w, owner, drill.body.id)).status).toBe('failed');
    const list = (await w.request('GET', `/api/v1/projects/${p.id}/backups`, { token: owner })).body;
    expect(list.drill).toMatchObject({ status: 'red' });
    expect(list.drill.error).toMatch(/is red/);
  });

  it('cannot restore a project’s backups once its key is shredded', async () => {
    const p = await runningProject(w, owner, 'acme', 'shredded');
    await succeeded(w, owner, `/api/v1/projects/${p.id}/backups`);
    await inTransaction(w.ward.services.db, (tx) => w.ward.services.keys.destroyProjectKeys(tx, p.id));
    const r = await w.request('POST', `/api/v1/projects/${p.id}/restore`, {
      token: owner,
      body: { name: 'shredded-copy', region_id: 'local' },
    });
    expect(r.status).toBe(409);
    expect(r.body.error.message).toMatch(
      /backups of 'shredded' cannot be read: the project's key key_\w+ .*destroyed/,
    );
  });
});

describe('drills, schedule and retention', () => {
  it('runs a green restore drill with pg_amcheck, page checksums and per-table evidence', async () => {
    const op = await succeeded(w, owner, `/api/v1/projects/${records.id}/backups/drill`);
    expect(op.result).toMatchObject({
      green: true,
      checks: { amcheck: { ok: true }, page_checksums: { ok: true } },
    });
    expect(op.result.evidence.tables).toEqual([
      expect.objectContaining({ table: 'public.patients', rows: 0 }),
    ]);
    const list = (await w.request('GET', `/api/v1/projects/${records.id}/backups`, { token: owner })).body;
    expect(list.drill).toMatchObject({ status: 'green', operation_id: op.id });
  });

  it('backs up on the org’s daily schedule, as Ward', async () => {
    const now = new Date();
    const daily = `${String(now.getUTCHours()).padStart(2, '0')}:${String(now.getUTCMinutes()).padStart(2, '0')}`;
    const r = await w.request('PUT', '/api/v1/orgs/acme/backup-policy', {
      token: owner,
      body: { daily_at: daily },
    });
    expect(r.body).toMatchObject({ daily_at: daily, retention_days: 7 });
    // The project existed before today's slot.
    await w.ward.services.db
      .updateTable('projects')
      .set({ created_at: new Date(Date.now() - 86_400_000) })
      .where('id', '=', records.id)
      .execute();
    const op = await eventually(
      async () => {
        const l = (await w.request('GET', `/api/v1/projects/${records.id}/backups`, { token: owner })).body;
        return l.operations.find((o: any) => o.kind === 'backup' && o.trigger === 'schedule');
      },
      30_000,
      250,
    );
    expect((await operationEnd(w, owner, op.id)).status).toBe('succeeded');
    const asked = (await events(w, 'backup.create')).filter((e: any) => e.details.operation_id === op.id);
    expect(asked[0]).toMatchObject({ actor: { type: 'system' }, details: { trigger: 'schedule' } });
  });

  it('enforces retention by time and records what it removed', async () => {
    await succeeded(w, owner, `/api/v1/projects/${records.id}/backups`);
    const before = (await w.request('GET', `/api/v1/projects/${records.id}/backups`, { token: owner })).body
      .backups;
    const fulls = before.filter((b: any) => b.type === 'full');
    expect(fulls.length).toBeGreaterThanOrEqual(2);
    // Eight days on, with 7 days kept, only the newest full backup (and what depends on it) stays.
    const removed = await w.ward.services.backups.expire(records.id, new Date(Date.now() + 8 * 86_400_000));
    expect(removed.sort()).toEqual(
      before
        .filter((b: any) => !b.id.startsWith(fulls[0].id.slice(0, 16)))
        .map((b: any) => b.id)
        .sort(),
    );
    const after = (await w.request('GET', `/api/v1/projects/${records.id}/backups`, { token: owner })).body
      .backups;
    expect(after.map((b: any) => b.id)).toEqual([fulls[0].id]);
    const expired = (await events(w, 'backup.expire')).at(-1);
    expect(expired).toMatchObject({ actor: { type: 'system' }, details: { retention_days: 7 } });
    expect([...((expired?.details.removed as string[] | undefined) ?? [])].sort()).toEqual(removed.sort());
  });
});

describe('migration into a hipaa region', () => {
  it('restores a standard project into local-hipaa with a verification report, then the old one can go', async () => {
    const alice = await mfaUser(w, 'alice@clinic.test');
    await w.request('POST', '/api/v1/orgs', { token: alice, body: { name: 'clinic' } });
    await enableHipaa(w, 'clinic', alice);
    const old = await runningProject(w, alice, 'clinic', 'charts');
    await sql(w, old.id, 'CREATE TABLE visits (id int PRIMARY KEY, at timestamptz, memo text)');
    await sql(w, old.id, "INSERT INTO visits SELECT g, now(), 'v' || g FROM generate_series(1, 50) g");
    await sql(w, old.id, 'CREATE INDEX visits_at ON visits (at)');
    await succeeded(w, alice, `/api/v1/projects/${old.id}/backups`);
    await sql(w, old.id, "INSERT INTO visits VALUES (51, now(), 'after the backup')");
    const op = await succeeded(w, alice, `/api/v1/projects/${old.id}/restore`, {
      name: 'charts-hipaa',
      region_id: 'local-hipaa',
    });
    const report = op.result.report;
    expect(report.identical).toBe(true);
    expect(report.schema.identical).toBe(true);
    expect(report.tables).toEqual([
      expect.objectContaining({
        table: 'public.visits',
        source_rows: 51,
        restored_rows: 51,
        checksum_equal: true,
      }),
    ]);
    const moved = (await w.request('GET', `/api/v1/projects/${op.target_project_id}`, { token: alice })).body;
    expect(moved).toMatchObject({
      region_id: 'local-hipaa',
      settings: { audit_log_level: 'hipaa' },
      status: 'running',
      // A HIPAA region's projects are encrypted at rest by Ward, restored ones too.
      encryption: { kind: 'fscrypt', unlocked: true },
    });
    await succeeded(w, alice, `/api/v1/projects/${moved.id}/backups`);
    const drill = await succeeded(w, alice, `/api/v1/projects/${moved.id}/backups/drill`);
    expect(drill.result.checks.encryption_at_rest).toMatchObject({ kind: 'fscrypt' });
    const del = await w.request('DELETE', `/api/v1/projects/${old.id}`, { token: alice });
    expect(del.status).toBe(200);
  });
});

describe('a restore retried after its new project had started', () => {
  it('starts over from the backup and succeeds, its project running and whole', async () => {
    await succeeded(w, owner, `/api/v1/projects/${records.id}/backups`);
    const [{ n }] = await sql(w, records.id, 'SELECT count(*)::int AS n FROM patients');
    const r = await w.request('POST', `/api/v1/projects/${records.id}/restore`, {
      token: owner,
      body: { name: 'records-retried', region_id: 'local' },
    });
    expect(r.status).toBe(202);
    const target = r.body.target_project_id as string;
    // A file where the new project's repository goes: the first attempt gets as far as starting
    // the new project, then cannot create its repository, and is retried.
    const blocker = join(w.home, 'backups', 'repos', target);
    await writeFile(blocker, '');
    const waiting = await eventually(
      async () => {
        const op = (await w.request('GET', `/api/v1/operations/${r.body.id}`, { token: owner })).body;
        return op.phase.startsWith('waiting to retry') || op.status === 'failed' ? op : undefined;
      },
      120_000,
      20,
    );
    await rm(blocker);
    // Its error names the blocked repository (or, should the attempt have failed earlier, why).
    expect(waiting.status, waiting.error).toBe('queued');
    const op = await operationEnd(w, owner, r.body.id);
    expect(op).toMatchObject({ status: 'succeeded', target_project_id: target });
    const moved = (await w.request('GET', `/api/v1/projects/${target}`, { token: owner })).body;
    expect(moved.status).toBe('running');
    expect(await sql(w, target, 'SELECT count(*)::int AS n FROM patients')).toEqual([{ n }]);
  });
});
