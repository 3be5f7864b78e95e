/**
 * `ward subjects` and `ward access who-read|subjects` of the built binary against a real Ward and
 * a real project database: a key declared (and a missing column refused in one line), listed
 * with the tables the last day's statements touched without one; a developer's statements through
 * the gateway; who read MRN-00042 as a table, JSON, CSV and PDF; the individuals a person reached
 * counted per State from a roster CSV; a bad roster refused in one line; the key removed. The
 * existing `ward project access` still answers.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { failsWith, type Run, runWard } from './support/cli.js';
import { credentials, pgConfig, projectWithPeople } from './support/gateway.js';
import { startTestWard, type TestWard } from './support/ward.js';

const ORG = 'acme-cli-acct';
let w: TestWard;
let dir: string;
let project: Awaited<ReturnType<typeof projectWithPeople>>;
let from: string;

const ward = (token: string, ...args: string[]) =>
  runWard(args, { url: w.url, configDir: dir }, { env: { WARD_TOKEN: token } });
const owner = (...args: string[]) => ward(project.tokens.owner as string, ...args);
const auditor = (...args: string[]) => ward(project.tokens.auditor as string, ...args);
const where = ['--project', 'records', '--org', ORG];

function ok(r: Run): string {
  expect(r.stderr, r.stderr).toBe('');
  expect(r.code).toBe(0);
  return r.stdout;
}

beforeAll(async () => {
  w = await startTestWard();
  dir = await mkdtemp(join(tmpdir(), 'ward-cli-acct-'));
  project = await projectWithPeople(w, ORG, 'records');
  const c = new pg.Client(pgConfig(await credentials(w, project.tokens.owner as string, project.projectId)));
  await c.connect();
  await c.query(`
    CREATE TABLE patients (id int PRIMARY KEY, mrn text, state text);
    CREATE TABLE notes (id int PRIMARY KEY, body text);
    INSERT INTO patients SELECT g, 'MRN-' || lpad(g::text, 5, '0'), 'CA' FROM generate_series(1, 50) g;
    INSERT INTO notes VALUES (1, 'a'), (2, 'b');
    GRANT SELECT ON ALL TABLES IN SCHEMA public TO PUBLIC;`);
  await c.end();
}, 240_000);
afterAll(async () => {
  await w?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('ward subjects', () => {
  it('declares a key, and refuses a column the database does not have in one line', async () => {
    const added = ok(await owner('subjects', 'add', ...where, 'patients.mrn'));
    expect(added).toMatch(/^public\.patients\.mrn is a subject key of records \(exact; sbk_/);
    failsWith(await owner('subjects', 'add', ...where, 'patients.nope'), /no column public\.patients\.nope/);
    failsWith(await auditor('subjects', 'add', ...where, 'notes.body'), /./);
  });
});

describe('ward access', () => {
  beforeAll(async () => {
    from = new Date(Date.now() - 1000).toISOString();
    const c = new pg.Client(
      pgConfig(await credentials(w, project.tokens.developer as string, project.projectId)),
    );
    await c.connect();
    await c.query("SELECT state FROM patients WHERE mrn = 'MRN-00042'");
    await c.query('SELECT mrn FROM patients WHERE id IN (1, 2, 3)');
    await c.query('SELECT body FROM notes');
    await c.end();
    await new Promise((r) => setTimeout(r, 50));
    await w.ward.services.audit.drain();
  });

  it('who-read: a table, JSON, and the report as CSV and PDF', async () => {
    const table = ok(
      await auditor('access', 'who-read', ...where, '--subject', 'MRN-00042', '--since', '1h'),
    );
    expect(table).toContain(`developer@${ORG}.test`);
    expect(table).toContain('predicate');
    const json = JSON.parse(
      ok(await auditor('access', 'who-read', ...where, '--subject', 'MRN-00042', '--json')),
    );
    expect(json.accesses).toHaveLength(1);
    expect(json.accesses[0]).toMatchObject({
      statement: 'SELECT state FROM patients WHERE mrn = $1',
      match: 'predicate',
    });
    const csv = join(dir, 'report.csv');
    ok(await auditor('access', 'who-read', ...where, '--subject', 'MRN-00042', '--format', 'csv', '-o', csv));
    expect((await readFile(csv, 'utf8')).split('\r\n')[0]).toMatch(/^time,actor,/);
    const pdf = join(dir, 'report.pdf');
    ok(await auditor('access', 'who-read', ...where, '--subject', 'MRN-00042', '--format', 'pdf', '-o', pdf));
    expect((await readFile(pdf)).subarray(0, 5).toString()).toBe('%PDF-');
    failsWith(
      await auditor('access', 'who-read', ...where, '--subject', 'MRN-00042', '--since', 'forever'),
      /6y, 90d/,
    );
  });

  it('subjects: the individuals a person reached, per State, from a roster', async () => {
    const roster = join(dir, 'roster.csv');
    await writeFile(roster, 'identifier,state\nMRN-00001,CA\nMRN-00002,NY\nMRN-00042,NY\nMRN-00049,TX\n');
    const args = [
      '--actor',
      `developer@${ORG}.test`,
      '--from',
      from,
      '--to',
      new Date(Date.now() + 60_000).toISOString(),
    ];
    const json = JSON.parse(
      ok(await auditor('access', 'subjects', ...where, ...args, '--candidates', roster, '--json')),
    );
    expect(json).toMatchObject({ reached: 3, candidates: 4, uncovered_rows: 2 });
    expect(json.by_state).toEqual([
      { state: 'NY', count: 2 },
      { state: 'CA', count: 1 },
    ]);
    expect(ok(await auditor('access', 'subjects', ...where, ...args, '--candidates', roster))).toMatch(
      /^3 of 4 candidates/,
    );
    const bad = join(dir, 'bad.csv');
    await writeFile(bad, 'name,zip\nx,1\n');
    failsWith(
      await auditor('access', 'subjects', ...where, ...args, '--candidates', bad),
      /identifier column/,
    );
  });

  it("incident affected: the same count per State becomes an incident's affected individuals", async () => {
    const roster = join(dir, 'roster-incident.csv');
    await writeFile(roster, 'identifier,state\nMRN-00001,CA\nMRN-00002,NY\nMRN-00042,NY\nMRN-00049,TX\n');
    const created = JSON.parse(
      ok(
        await owner(
          'incident',
          'create',
          '--org',
          ORG,
          '--title',
          'Developer read patients',
          '--reported-by',
          'privacy office',
          '--json',
        ),
      ),
    );
    const args = [
      '--actor',
      `developer@${ORG}.test`,
      '--from',
      from,
      '--to',
      new Date(Date.now() + 60_000).toISOString(),
    ];
    const out = ok(
      await owner(
        'incident',
        'affected',
        created.id,
        '--org',
        ORG,
        '--project',
        'records',
        ...args,
        '--candidates',
        roster,
      ),
    );
    // The developer's statements reached MRN-00001 (CA), MRN-00002 and MRN-00042 (NY); not MRN-00049.
    expect(out).toMatch(new RegExp(`^Incident ${created.id}: 3 affected \\(CA 1, NY 2\\)$`, 'm'));
    const shown = JSON.parse(ok(await owner('incident', 'show', created.id, '--org', ORG, '--json')));
    expect(shown.affected).toMatchObject({ by_state: { CA: 1, NY: 2 }, total: 3 });
    failsWith(
      await auditor(
        'incident',
        'affected',
        created.id,
        '--org',
        ORG,
        '--project',
        'records',
        ...args,
        '--candidates',
        roster,
      ),
      /./,
      { quiet: true },
    );
    failsWith(
      await owner(
        'incident',
        'affected',
        created.id,
        '--org',
        ORG,
        '--project',
        'records',
        ...args,
        '--candidates',
        join(dir, 'none.csv'),
      ),
      /cannot read .*none\.csv/,
      { quiet: true },
    );
  });

  it('lists the keys and the tables touched without one, removes a key, and leaves `project access` working', async () => {
    const listed = ok(await owner('subjects', 'list', ...where));
    expect(listed).toContain('public.patients.mrn');
    expect(listed).toContain('public.notes');
    ok(await owner('subjects', 'remove', ...where, 'patients.mrn'));
    expect(ok(await owner('subjects', 'list', ...where))).toContain('records declares no subject keys');
    expect(ok(await owner('project', 'access', 'records', '--org', ORG))).toContain(`owner@${ORG}.test`);
  });
});
