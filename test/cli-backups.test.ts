/**
 * `ward backup …`, `ward project restore` and `ward operation show` against a real Ward with real
 * pgBackRest: a backup taken and listed as encrypted, a restore into a new project with its
 * verification report and the rows in it, the org's backup policy, and one plain line for each
 * mistake a person makes.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runningProject, sql } from './support/backups.js';
import { failsWith, type Run, runWard } from './support/cli.js';
import { startTestWard, type TestWard } from './support/ward.js';

let w: TestWard;
let configDir: string;
let owner: string;
let records: { id: string; name: string };

const ward = (...args: string[]) => runWard(args, { url: w.url, configDir }, { env: { WARD_TOKEN: owner } });

function ok(r: Run): string {
  expect(r.stderr, r.stderr).toBe('');
  expect(r.code).toBe(0);
  return r.stdout;
}

beforeAll(async () => {
  w = await startTestWard();
  configDir = await mkdtemp(join(tmpdir(), 'ward-cli-backups-'));
  owner = await w.user('owner@acme.test');
  await w.request('POST', '/api/v1/orgs', { token: owner, body: { name: 'acme' } });
  records = await runningProject(w, owner, 'acme', 'records');
  await sql(w, records.id, 'CREATE TABLE patients (id int PRIMARY KEY, note text)');
  await sql(w, records.id, "INSERT INTO patients SELECT g, 'note ' || g FROM generate_series(1, 250) g");
}, 180_000);

afterAll(async () => {
  await w?.stop();
  if (configDir) await rm(configDir, { recursive: true, force: true });
});

describe('ward backup and ward project restore', () => {
  let backupId: string;

  it('takes a backup and lists it with its type, size, times, WAL range and encryption', async () => {
    const out = ok(await ward('backup', 'create', '--project', 'records', '--org', 'acme'));
    const m = /^Backup (\d{8}-\d{6}F) of records: full, [\d.]+ [kMG]?B, encrypted, in [\d.]+ s\n$/.exec(out);
    expect(m, out).not.toBeNull();
    backupId = (m as RegExpExecArray)[1] as string;

    const list = JSON.parse(ok(await ward('backup', 'list', '--project', records.id, '--json')));
    expect(list.backups).toHaveLength(1);
    expect(list.backups[0]).toMatchObject({ id: backupId, type: 'full', encrypted: true });
    expect(list.backups[0].wal_start).toMatch(/^[0-9A-F]{24}$/);

    const table = ok(await ward('backup', 'list', '--project', 'records', '--org', 'acme'));
    expect(table).toMatch(/│ ID\s+│ TYPE │ SIZE\s+│ STARTED\s+│ STOPPED\s+│ WAL\s+│ ENCRYPTED\s+│/);
    expect(table).toContain(backupId);
    expect(table).toMatch(/│ yes \(aes-256-cbc\) │/);
    expect(table).toMatch(/^restorable\s+\S+ to \S+$/m);
  });

  it('restores the backup into a new project and prints the verification report', async () => {
    const out = ok(
      await ward(
        'project',
        'restore',
        '--project',
        'records',
        '--org',
        'acme',
        '--backup',
        backupId,
        '--region',
        'local',
        '--name',
        'records-copy',
      ),
    );
    const m = /^Restored records into records-copy \((prj_[a-z2-7]{16})\) in local, timeline \d+\n/.exec(out);
    expect(m, out).not.toBeNull();
    expect(out).toMatch(/^Verification: identical \(schema identical\)$/m);
    expect(out).toMatch(/│ public\.patients │ 250\s+│ 250\s+│ equal │ equal\s+│/);
    const copy = (m as RegExpExecArray)[1] as string;
    expect(await sql(w, copy, 'SELECT count(*)::int AS n FROM patients')).toEqual([{ n: 250 }]);
  });

  it("shows and changes the org's backup policy", async () => {
    expect(ok(await ward('backup', 'policy', '--org', 'acme'))).toBe(
      'acme: daily at 03:00 UTC, kept 7 days\n',
    );
    expect(
      ok(await ward('backup', 'policy', '--org', 'acme', '--daily-at', '04:30', '--retention-days', '14')),
    ).toBe('acme: daily at 04:30 UTC, kept 14 days\n');
  });

  it('answers mistakes with one plain line and a non-zero exit', async () => {
    failsWith(
      await ward(
        'project',
        'restore',
        '--project',
        'records',
        '--org',
        'acme',
        '--name',
        'x',
        '--region',
        'local',
        '--at',
        '2026-11-22T10:00:00Z',
        '--backup',
        backupId,
      ),
      /give --at or --backup, not both/,
    );
    failsWith(
      await ward(
        'project',
        'restore',
        '--project',
        'records',
        '--org',
        'acme',
        '--name',
        'records-hipaa',
        '--region',
        'local-hipaa',
      ),
      /HIPAA/,
    );
    failsWith(await ward('backup', 'policy', '--org', 'acme', '--retention-days', '3'), /retention_days/);
    failsWith(
      await ward('backup', 'list', '--project', 'nope', '--org', 'acme'),
      /no project 'nope' in 'acme'/,
    );
    failsWith(await ward('operation', 'show', 'op_x'), /is not an operation id/);
  });
});
