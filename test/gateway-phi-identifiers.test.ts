/**
 * PHI in names, against a real Ward on a standard project: a table named by an e-mail address,
 * a column alias that is a social security number or a patient's name, through the simple and
 * the extended protocol. The statements run; no stored event holds those names, and the
 * `db.statement` events show placeholders in their place.
 */
import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { credentials, dbEvents, pgConfig, projectWithPeople } from './support/gateway.js';
import { eventually, startTestWard, type TestWard } from './support/ward.js';

const EMAIL = 'jane.doe@example.com';
const SSN = '123-45-6789';
const NAME = 'John Smith';

let w: TestWard;
let project: Awaited<ReturnType<typeof projectWithPeople>>;

beforeAll(async () => {
  w = await startTestWard();
  project = await projectWithPeople(w, 'acme-phi-names', 'records');
  const c = new pg.Client(pgConfig(await credentials(w, project.tokens.owner ?? '', project.projectId)));
  await c.connect();
  try {
    await c.query(`CREATE TABLE "${EMAIL}" (ssn text)`);
    await c.query(`INSERT INTO "${EMAIL}" VALUES ('x')`);
    const simple = await c.query(`SELECT ssn AS "${SSN}", 1 AS "${NAME}" FROM "${EMAIL}"`);
    expect(simple.rows).toEqual([{ [SSN]: 'x', [NAME]: 1 }]);
    const extended = await c.query({ text: `SELECT $1::int AS "${NAME}" FROM "${EMAIL}"`, values: [7] });
    expect(extended.rows).toEqual([{ [NAME]: 7 }]);
  } finally {
    await c.end();
  }
});
afterAll(() => w?.stop());

describe('PHI in identifiers on a standard project', () => {
  it('shows placeholders for the flagged names in db.statement events', async () => {
    const statements = await eventually(async () => {
      const found = (await dbEvents(w, 'db.statement', project.projectId))
        .map((e) => e.details.statement as string | null)
        .filter((s) => s?.includes('<phi:'));
      return found.length >= 4 ? found : undefined;
    });
    expect(statements).toEqual(
      expect.arrayContaining([
        'CREATE TABLE "<phi:email>" (ssn text)',
        'SELECT ssn AS "<phi:ssn>", $1 AS "<phi:name>" FROM "<phi:email>"',
        'SELECT $1::int AS "<phi:name>" FROM "<phi:email>"',
      ]),
    );
  });

  it('stores no event body that holds the e-mail, the SSN or the name', async () => {
    const { rows } = await sql<{ body: string }>`
      SELECT body FROM ward.audit_log WHERE project_id = ${project.projectId}`.execute(w.ward.services.db);
    expect(rows.length).toBeGreaterThan(4);
    for (const { body } of rows) {
      expect(body).not.toContain(EMAIL);
      expect(body).not.toContain(SSN);
      expect(body.toLowerCase()).not.toContain(NAME.toLowerCase());
    }
  });
});
