/**
 * What a project's own server log keeps, on a HIPAA project (pgaudit on) and a standard one:
 * connections, and pgaudit's record of schema and role changes, but never the text of a statement
 * or a value from it, whether the statement succeeded or failed. Values can be PHI, and the server
 * log is a plain file outside the audit log's encryption (docs/adr/0004).
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enrollTotp, setHipaa } from './support/access.js';
import { credentials, pgConfig, projectWithPeople, runningProject } from './support/gateway.js';
import { eventually, startTestWard, type TestWard } from './support/ward.js';

// Each a value that must never reach a server log; every one is used in a statement below.
const SSN_DEFAULT = '123-45-6789';
const SSN_ROW = '987-65-4321';
const NAME_ROW = 'Rosalind Quimby';
const ROLE_PASSWORD = 'Zq8-never-logged-secret';
const SECRETS = [SSN_DEFAULT, SSN_ROW, NAME_ROW, ROLE_PASSWORD];

let w: TestWard;
let project: Awaited<ReturnType<typeof projectWithPeople>>;

beforeAll(async () => {
  w = await startTestWard();
  project = await projectWithPeople(w, 'acme', 'ledger');
  await setHipaa(w, 'acme');
  await enrollTotp(w, project.tokens.owner as string);
});
afterAll(() => w?.stop());

async function runThroughGateway(projectId: string): Promise<void> {
  const c = new pg.Client(pgConfig(await credentials(w, project.tokens.owner as string, projectId)));
  await c.connect();
  try {
    await c.query(`CREATE TABLE patients (ssn text PRIMARY KEY DEFAULT '${SSN_DEFAULT}', name text)`);
    await c.query(`ALTER TABLE patients ADD CONSTRAINT real_name CHECK (name <> '${NAME_ROW}x')`);
    await c.query(`INSERT INTO patients VALUES ('${SSN_ROW}', '${NAME_ROW}')`);
    await c.query('INSERT INTO patients (ssn, name) VALUES ($1, $2)', [`${SSN_ROW}0`, NAME_ROW]);
    await c.query(`UPDATE patients SET name = '${NAME_ROW}' WHERE ssn = '${SSN_ROW}'`);
    await c.query(`SELECT * FROM patients WHERE ssn = '${SSN_ROW}'`);
    // A failure quotes the key in PostgreSQL's DETAIL line by default.
    const dup = await c.query(`INSERT INTO patients VALUES ('${SSN_ROW}', 'again')`).catch((e) => e);
    expect(dup.code).toBe('23505');
    const bad = await c.query(`SELECT '${SSN_ROW}'::int`).catch((e) => e);
    expect(bad.code).toBe('22P02');
    await c.query(`CREATE ROLE reporting LOGIN PASSWORD '${ROLE_PASSWORD}'`).catch((e) => e);
    await c.query(`CREATE VIEW patient_names AS SELECT name FROM patients WHERE ssn <> '${SSN_DEFAULT}'`);
  } finally {
    await c.end();
  }
}

/** Every line of every file in the cluster's log directory. */
async function serverLog(projectId: string): Promise<string> {
  // A HIPAA project's directory is on the encrypted volume: the provider knows where.
  const dir = join(w.ward.services.dataplane.layout(projectId).data, 'log');
  const files = await readdir(dir);
  return (await Promise.all(files.map((f) => readFile(join(dir, f), 'utf8')))).join('\n');
}

describe("a project's server log", () => {
  it('on a HIPAA project records schema changes through pgaudit, and no statement text or value', async () => {
    const charts = await runningProject(w, project.tokens.owner as string, 'acme', 'charts', 'local-hipaa');
    await runThroughGateway(charts);
    // pgaudit is on and writes its lines (so the absence below is not a silent log).
    const log = await eventually(async () => {
      const text = await serverLog(charts);
      return /AUDIT: SESSION,\d+,\d+,DDL,CREATE TABLE,TABLE,public\.patients/.test(text) ? text : undefined;
    }, 10_000);
    expect(log).toMatch(/AUDIT: SESSION,\d+,\d+,DDL,CREATE VIEW,VIEW,public\.patient_names,<not logged>/);
    for (const secret of SECRETS) expect(log).not.toContain(secret);
  });

  it('on a standard project keeps no statement text or value either', async () => {
    await runThroughGateway(project.projectId);
    const log = await serverLog(project.projectId);
    expect(log).toMatch(/connection authorized/);
    for (const secret of SECRETS) expect(log).not.toContain(secret);
  });
});
