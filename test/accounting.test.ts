/**
 * Accounting of access against a real Ward, real PostgreSQL and real clients through the gateway
 * (issue 22): subject keys declared and checked against the project's catalog; statements that
 * reach patient MRN-00042 by id, by predicate (literal, bound parameter, IN, ANY), through a
 * join, a view that shows the key, a bulk export, COPY (whole table and a query, text and CSV),
 * a cursor and a portal fetched in several Executes; `who-read` returns exactly those accesses
 * with how each matched, statements that hide the key count their rows as uncovered, the report
 * renders as PDF and CSV, `access subjects` counts a roster per State, and the identifier is
 * found nowhere under $WARD_HOME nor in the control database.
 */
import { execFile } from 'node:child_process';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findPgBinaries } from '../src/dataplane/local/binaries.js';
import { call } from './support/access.js';
import { controlConnection } from './support/control-db.js';
import { credentials, dbEvents, pgConfig, projectWithPeople } from './support/gateway.js';
import { pdfText } from './support/pdf-text.js';
import { needlesIn } from './support/scan.js';
import { startTestWard, type TestWard } from './support/ward.js';

const ORG = 'acme-acct';
const SUBJECT = 'MRN-00042';
const PATIENTS = 12_000;
let w: TestWard;
let project: Awaited<ReturnType<typeof projectWithPeople>>;
const owner = () => project.tokens.owner as string;
const dev = () => project.tokens.developer as string;
const keys = () => `/api/v1/projects/${project.projectId}/subject-keys`;
const whoRead = (body: Record<string, unknown>, token = project.tokens.auditor as string) =>
  call(w, 'POST', `/api/v1/projects/${project.projectId}/accesses/who-read`, { token, body });

/** The statements that reach MRN-00042, each with how it should match. */
const REACHING: [string, 'predicate' | 'returned' | 'both'][] = [];

async function drain(): Promise<void> {
  await new Promise((r) => setTimeout(r, 50));
  await w.ward.services.audit.drain();
}

async function copyOut(c: pg.Client, text: string): Promise<string> {
  const chunks: Buffer[] = [];
  const stream = c.query(copyTo(text));
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

beforeAll(async () => {
  w = await startTestWard();
  project = await projectWithPeople(w, ORG, 'records');
  const setup = new pg.Client(pgConfig(await credentials(w, owner(), project.projectId)));
  await setup.connect();
  await setup.query(`
    CREATE TABLE patients (id int PRIMARY KEY, mrn text NOT NULL, name text, state text);
    CREATE TABLE visits (id int PRIMARY KEY, patient_id int REFERENCES patients (id), note text);
    CREATE TABLE notes (id int PRIMARY KEY, body text);
    INSERT INTO patients SELECT g, 'MRN-' || lpad(g::text, 5, '0'), 'P' || g, CASE WHEN g % 2 = 0 THEN 'CA' ELSE 'NY' END
      FROM generate_series(1, ${PATIENTS}) g;
    INSERT INTO visits SELECT g, g, 'visit ' || g FROM generate_series(1, 100) g;
    INSERT INTO notes SELECT g, 'note' FROM generate_series(1, 5) g;
    CREATE VIEW patient_directory AS SELECT id, mrn, name FROM patients;
    CREATE VIEW patient_names AS SELECT id, name FROM patients;
    GRANT SELECT ON ALL TABLES IN SCHEMA public TO PUBLIC;`);
  await setup.end();
}, 240_000);
afterAll(() => w?.stop());

describe('subject keys', () => {
  it('checks the column against the project’s catalog and keeps its OID and attribute number', async () => {
    const missing = await call(w, 'POST', keys(), { token: owner(), body: { column: 'patients.ssn' } });
    expect(missing.status).toBe(400);
    expect(missing.body.error.message).toContain('public.patients.ssn');
    const bad = await call(w, 'POST', keys(), { token: owner(), body: { column: 'mrn' } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toContain('table.column');
    const refused = await call(w, 'POST', keys(), { token: dev(), body: { column: 'patients.mrn' } });
    expect(refused.status).toBe(403);
    const added = await call(w, 'POST', keys(), {
      token: owner(),
      body: { column: 'patients.mrn', case_rule: 'fold' },
    });
    expect(added.status).toBe(201);
    expect(added.body).toMatchObject({ column: 'public.patients.mrn', case_rule: 'fold', attnum: 2 });
    expect(added.body.views).toEqual(['public.patient_directory.mrn']);
    const again = await call(w, 'POST', keys(), { token: owner(), body: { column: 'public.patients.mrn' } });
    expect(again.status).toBe(409);
    const events = (await dbEvents(w, 'subject.key.add', project.projectId)).map((e) => e.outcome);
    expect(events).toEqual(['failure', 'denied', 'success', 'failure']);
  });
});

describe('statements through the gateway', () => {
  beforeAll(async () => {
    const c = new pg.Client(pgConfig(await credentials(w, dev(), project.projectId)));
    await c.connect();
    const q = async (text: string, values?: unknown[]) => (await c.query(text, values)).rows;
    // Reach MRN-00042:
    await q(`SELECT name FROM patients WHERE mrn = '${SUBJECT}'`);
    REACHING.push(['SELECT name FROM patients WHERE mrn = $1', 'predicate']);
    await q('SELECT mrn, name FROM patients WHERE id = 42');
    REACHING.push(['SELECT mrn, name FROM patients WHERE id = $1', 'returned']);
    await q(`SELECT * FROM patients WHERE mrn = '${SUBJECT}'`);
    REACHING.push(['SELECT * FROM patients WHERE mrn = $1', 'both']);
    // Named under the column's case rule (fold, trimmed), though the database itself finds no row.
    expect(await q(`SELECT id FROM patients WHERE mrn = 'mrn-00042 '`)).toEqual([]);
    REACHING.push(['SELECT id FROM patients WHERE mrn = $1', 'predicate']);
    // The same Parse text again (pg sends an unnamed statement each time): its Bind still names.
    await q('SELECT name FROM patients p WHERE p.mrn = $1::text', ['MRN-00041']);
    await q('SELECT name FROM patients p WHERE p.mrn = $1::text', [SUBJECT]);
    REACHING.push(['SELECT name FROM patients p WHERE p.mrn = $1::text', 'predicate']);
    await q(`SELECT name FROM patients WHERE mrn IN ('MRN-00041', '${SUBJECT}')`);
    REACHING.push(['SELECT name FROM patients WHERE mrn IN ($1, $2)', 'predicate']);
    await q('SELECT name FROM patients WHERE mrn = ANY($1)', [[SUBJECT, 'MRN-00043']]);
    REACHING.push(['SELECT name FROM patients WHERE mrn = ANY($1)', 'predicate']);
    await q('SELECT p.mrn, v.note FROM visits v JOIN patients p ON p.id = v.patient_id WHERE v.id = 42');
    REACHING.push([
      'SELECT p.mrn, v.note FROM visits v JOIN patients p ON p.id = v.patient_id WHERE v.id = $1',
      'returned',
    ]);
    await q("SELECT * FROM patient_directory WHERE name = 'P42'");
    REACHING.push(['SELECT * FROM patient_directory WHERE name = $1', 'returned']);
    await q('SELECT mrn FROM patients ORDER BY id');
    REACHING.push(['SELECT mrn FROM patients ORDER BY id', 'returned']);
    await copyOut(c, 'COPY patients TO STDOUT');
    REACHING.push(['COPY patients TO STDOUT', 'returned']);
    const csv = await copyOut(
      c,
      'COPY (SELECT mrn, state FROM patients WHERE id BETWEEN 40 AND 44) TO STDOUT (FORMAT csv)',
    );
    expect(csv).toContain(`${SUBJECT},CA`);
    REACHING.push([
      'COPY (SELECT mrn, state FROM patients WHERE id BETWEEN $1 AND $2) TO STDOUT (FORMAT csv)',
      'returned',
    ]);
    await q('BEGIN');
    await q('DECLARE c CURSOR FOR SELECT mrn FROM patients WHERE id BETWEEN 40 AND 45 ORDER BY id');
    expect((await q('FETCH 3 FROM c')).map((r) => r.mrn)).toEqual(['MRN-00040', 'MRN-00041', SUBJECT]);
    REACHING.push(['FETCH $1 FROM c', 'returned']);
    await q('FETCH 3 FROM c');
    await q('COMMIT');
    // Reach others only, or hide the key:
    await q("SELECT name FROM patients WHERE mrn = 'MRN-00007'");
    await q('SELECT name FROM patient_names');
    await q('SELECT count(*) FROM patients');
    await q('SELECT body FROM notes');
    await c.end();
    // A portal fetched 10 rows an Execute (postgres.js cursor), MRN-00042 in its fifth batch.
    const creds = await credentials(w, dev(), project.projectId);
    const sql = postgres({ ...pgConfig(creds), ssl: { ca: creds.ca_cert, servername: 'localhost' }, max: 1 });
    let seen = 0;
    for await (const rows of sql`SELECT mrn FROM patients WHERE id <= ${60} ORDER BY id`.cursor(10))
      seen += rows.length;
    expect(seen).toBe(60);
    REACHING.push(['SELECT mrn FROM patients WHERE id <= $1 ORDER BY id', 'returned']);
    await sql.end();
    await drain();
  }, 120_000);

  it('who-read lists exactly the statements that reached the subject, with how each matched', async () => {
    const r = await whoRead({ subject: SUBJECT, since: '1h' });
    expect(r.status).toBe(200);
    const got = (r.body.accesses as { statement: string; match: string }[]).map((a) => [
      a.statement,
      a.match,
    ]);
    expect(got).toEqual(REACHING);
    const first = r.body.accesses[0];
    expect(first).toMatchObject({
      actor: `developer@${ORG}.test`,
      actor_kind: 'person',
      role: 'readwrite',
      command: 'SELECT',
      client_address: '127.0.0.1',
      break_glass_reason: null,
    });
    const bulk = r.body.accesses
      .filter((a: { bulk_read: boolean }) => a.bulk_read)
      .map((a: { statement: string }) => a.statement);
    expect(bulk).toEqual(['SELECT mrn FROM patients ORDER BY id', 'COPY patients TO STDOUT']);
    // The case rule folds and trims: the same accesses from another spelling.
    expect((await whoRead({ subject: ' mrn-00042', since: '1h' })).body.accesses).toHaveLength(
      REACHING.length,
    );
    expect(
      (await whoRead({ subject: 'MRN-00999', since: '1h' })).body.accesses.map(
        (a: { statement: string }) => a.statement,
      ),
    ).toEqual(['SELECT mrn FROM patients ORDER BY id', 'COPY patients TO STDOUT']);
  });

  it('counts the rows of statements that hide the key as uncovered, and flags bulk reads', async () => {
    const outcomes = [
      ...(await dbEvents(w, 'db.statement.result', project.projectId)).map((e) => e.details),
      ...(await dbEvents(w, 'db.statement', project.projectId))
        .map((e) => e.details.previous)
        .filter(Boolean),
    ];
    const statements = new Map(
      (await dbEvents(w, 'db.statement', project.projectId)).map((e) => [
        `${e.details.session_id}|${e.details.seq}`,
        e.details.statement,
      ]),
    );
    const uncovered = new Map(
      outcomes.map((o) => [statements.get(`${o.session_id}|${o.seq}`), o.uncovered_rows]),
    );
    expect(uncovered.get('SELECT name FROM patient_names')).toBe(PATIENTS);
    expect(uncovered.get('SELECT count(*) FROM patients')).toBe(1);
    expect(uncovered.get('SELECT body FROM notes')).toBe(5);
    expect(uncovered.get('SELECT name FROM patients WHERE mrn = $1')).toBe(0);
    expect(uncovered.get('SELECT mrn FROM patients ORDER BY id')).toBe(0);
    const bulk = outcomes.filter((o) => o.bulk_read);
    expect(bulk.map((o) => o.subject_count)).toEqual([PATIENTS, PATIENTS]);
  });

  it('renders the accounting report as PDF and CSV', async () => {
    const url = `/api/v1/projects/${project.projectId}/accesses/who-read/report`;
    const token = project.tokens.auditor as string;
    const pdf = await w.ward.app.inject({
      method: 'POST',
      url,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      payload: JSON.stringify({ subject: SUBJECT, since: '1h', format: 'pdf' }),
    });
    expect(pdf.statusCode).toBe(200);
    expect(pdf.headers['content-type']).toBe('application/pdf');
    const text = pdfText(pdf.rawPayload);
    expect(text).toContain('Accounting of Access');
    expect(text).toContain(`developer@${ORG}.test`);
    const csv = await w.ward.app.inject({
      method: 'POST',
      url,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      payload: JSON.stringify({ subject: SUBJECT, since: '1h', format: 'csv' }),
    });
    const lines = csv.payload.trim().split('\r\n');
    expect(lines[0]).toMatch(/^time,actor,actor_kind,role,command,match,statement/);
    expect(lines).toHaveLength(REACHING.length + 1);
  });

  it('counts the individuals a person reached per State, from a roster', async () => {
    const c = new pg.Client(
      pgConfig(await credentials(w, project.tokens.admin as string, project.projectId)),
    );
    await c.connect();
    const from = new Date(Date.now() - 1000).toISOString();
    await c.query("SELECT name FROM patients WHERE mrn IN ('MRN-00001', 'MRN-00002', 'MRN-00004')");
    await c.query('SELECT mrn FROM patients WHERE id = 3');
    await c.end();
    await drain();
    const r = await call(w, 'POST', `/api/v1/projects/${project.projectId}/accesses/subjects`, {
      token: owner(),
      body: {
        actor: `admin@${ORG}.test`,
        from,
        to: new Date(Date.now() + 1000).toISOString(),
        candidates: [
          { identifier: 'MRN-00001', state: 'NY' },
          { identifier: 'MRN-00002', state: 'CA' },
          { identifier: 'MRN-00003', state: 'NY' },
          { identifier: 'MRN-00005', state: 'TX' },
        ],
      },
    });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ statements: 2, candidates: 4, reached: 3 });
    expect(r.body.by_state).toEqual([
      { state: 'NY', count: 2 },
      { state: 'CA', count: 1 },
    ]);
  });

  it('gives an incident its affected counts per State from the individuals a person reached', async () => {
    const c = new pg.Client(
      pgConfig(await credentials(w, project.tokens.admin as string, project.projectId)),
    );
    await c.connect();
    const from = new Date(Date.now() - 1000).toISOString();
    await c.query('SELECT mrn, name FROM patients WHERE id <= 1201');
    await c.end();
    await drain();
    // The org's roster says where each patient lives: even ids in CA, odd in NY, as the data was made.
    const candidates = Array.from({ length: PATIENTS }, (_, k) => ({
      identifier: `MRN-${String(k + 1).padStart(5, '0')}`,
      state: (k + 1) % 2 === 0 ? 'CA' : 'NY',
    }));
    const made = await call(w, 'POST', `/api/v1/orgs/${ORG}/incidents`, {
      token: owner(),
      body: { title: 'Admin exported patients', reported_by: 'privacy office' },
    });
    expect(made.status).toBe(201);
    const counted = await call(
      w,
      'POST',
      `/api/v1/orgs/${ORG}/incidents/${made.body.id}/affected/from-access`,
      {
        token: owner(),
        body: {
          project: project.projectId,
          actor: `admin@${ORG}.test`,
          from,
          to: new Date(Date.now() + 1000).toISOString(),
          candidates,
        },
      },
    );
    expect(counted.status).toBe(200);
    // Ids 1..1201: 600 even (CA), 601 odd (NY); both over 500, so each State gets a media notice,
    // and 1201 in all puts the Secretary's notice beside the individuals'.
    expect(counted.body.affected).toMatchObject({ by_state: { CA: 600, NY: 601 }, total: 1201 });
    const kinds = counted.body.obligations.map((o: { id: string }) => o.id);
    expect(kinds).toEqual(expect.arrayContaining(['media:CA', 'media:NY', 'secretary']));
    expect(kinds).not.toContain('secretary_annual');
    const step = (
      await call(w, 'GET', `/api/v1/orgs/${ORG}/audit-events?action=incident.affected.count`, {
        token: owner(),
      })
    ).body.events;
    expect(
      step.map((e: { details: { reached: number; by_state: unknown } }) => [
        e.details.reached,
        e.details.by_state,
      ]),
    ).toEqual([[1201, { CA: 600, NY: 601 }]]);
    // A developer may not change an incident, and nothing is counted for them.
    const refused = await call(
      w,
      'POST',
      `/api/v1/orgs/${ORG}/incidents/${made.body.id}/affected/from-access`,
      {
        token: dev(),
        body: {
          project: project.projectId,
          actor: `admin@${ORG}.test`,
          from,
          to: new Date().toISOString(),
          candidates: candidates.slice(0, 2),
        },
      },
    );
    expect(refused.status).toBe(403);
  });

  it('refuses those who may not account for access, and records each read without the identifier', async () => {
    expect((await whoRead({ subject: SUBJECT }, dev())).status).toBe(403);
    const reads = await dbEvents(w, 'accounting.who.read', project.projectId);
    expect(reads.length).toBeGreaterThan(3);
    expect(JSON.stringify(reads)).not.toContain('00042');
  });

  it('keeps the identifier nowhere: not under $WARD_HOME (but the project’s own data), not in the control database', async () => {
    await drain();
    const needles = [SUBJECT, SUBJECT.toLowerCase()].map((s) => Buffer.from(s));
    const projects = join(w.home, 'projects');
    const skip = (path: string) =>
      path.startsWith(projects) || path.includes('/backups/') || path.includes('/pgbackrest');
    const hits: string[] = [];
    async function scan(dir: string): Promise<void> {
      for (const e of await readdir(dir, { withFileTypes: true })) {
        const path = join(dir, e.name);
        if (skip(path)) continue;
        if (e.isDirectory()) await scan(path);
        else if (e.isFile()) {
          const found = await needlesIn(path, needles).catch(() => new Set<number>());
          if (found.size) hits.push(path);
        }
      }
    }
    await scan(w.home);
    for (const f of [w.logFile]) if ((await needlesIn(f, needles)).size) hits.push(f);
    expect(hits).toEqual([]);
    const bin = (await findPgBinaries()).dir;
    const conn = controlConnection(w);
    const { stdout } = await promisify(execFile)(
      join(bin, 'pg_dump'),
      ['-h', String(conn.host), '-U', String(conn.user), '-d', 'ward', '--data-only'],
      { maxBuffer: 1 << 30 },
    );
    expect(stdout.length).toBeGreaterThan(10_000);
    expect(stdout).toContain('subject_tokens');
    expect(stdout.toLowerCase()).not.toContain(SUBJECT.toLowerCase());
  });
});
