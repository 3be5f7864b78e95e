/**
 * Differential test: the same SQL corpus through the gateway and straight to the project's
 * socket (as the same database role) gives the same rows, command tags and errors (SQLSTATE and
 * message). Known, intended differences are not in the corpus and are listed here:
 * - the cancel key's secret: the gateway gives clients its own (the pid is the server's);
 * - a direct superuser session can RESET SESSION AUTHORIZATION; through the gateway there is no
 *   superuser to return to;
 * - on HIPAA projects the gateway refuses PHI-looking schema names (42602) before the server
 *   sees them (test/gateway-policy.test.ts).
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Creds, credentials, pgConfig, projectWithPeople } from './support/gateway.js';
import { startTestWard, type TestWard } from './support/ward.js';

let w: TestWard;
let gateway: pg.Client;
let direct: pg.Client;

type Step = string | { text: string; values: unknown[] };

const CORPUS: Step[] = [
  "SELECT 1 AS one, 'two'::text AS two, 3.5::numeric AS three",
  'SELECT * FROM generate_series(1, 5) AS g',
  "SELECT E'tab\\there', $$dollar 'quoted'$$, U&'\\0041', B'101'::int, X'ff'::int",
  "SELECT 'a' || NULL AS n, NULL::int, true, '{1,2}'::int[] AS arr",
  'SELECT 1/0',
  'SELECT * FROM no_such_table',
  'SELEC 1',
  "SELECT 'abc'::int",
  "SELECT length(repeat('x', 100000)), repeat('y', 70000) AS big",
  'SELECT g, md5(g::text) FROM generate_series(1, 20000) AS g',
  'CREATE TEMP TABLE d (id int PRIMARY KEY, v text)',
  "INSERT INTO d VALUES (1, 'a'), (2, 'b')",
  "INSERT INTO d VALUES (1, 'dup')",
  "UPDATE d SET v = 'c' WHERE id = 2",
  'DELETE FROM d WHERE id = 1',
  'SELECT * FROM d ORDER BY id',
  'BEGIN; SELECT 1 AS inside; COMMIT',
  'SELECT 1 AS a; SELECT 1/0; SELECT 2 AS b',
  'BEGIN',
  'SELECT * FROM no_such_table',
  'SELECT 1',
  'ROLLBACK',
  'SET standard_conforming_strings = off',
  "SELECT 'back\\\\slash' AS s, E'it\\'s' AS e",
  'RESET standard_conforming_strings',
  'SHOW standard_conforming_strings',
  'SELECT current_user, session_user',
  { text: 'SELECT $1::int + $2::int AS sum', values: [2, 3] },
  { text: 'SELECT $1::text AS t, $2::date AS d', values: ['Jane Doe', '1980-02-03'] },
  { text: 'SELECT $1::int / 0 AS boom', values: [1] },
  { text: 'INSERT INTO d VALUES ($1, $2) RETURNING *', values: [7, 'seven'] },
  "DO $$BEGIN RAISE NOTICE 'hello'; END$$",
  "SELECT pg_notify('chan', 'payload')",
  '',
];

function outcome(r: unknown): unknown {
  const one = (x: pg.QueryResult) => ({
    command: x.command,
    rowCount: x.rowCount,
    fields: x.fields?.map((f) => f.name),
    rows: x.rows,
  });
  return Array.isArray(r) ? r.map(one) : one(r as pg.QueryResult);
}

async function runOn(c: pg.Client, step: Step): Promise<unknown> {
  try {
    return { ok: outcome(await c.query(step as string)) };
  } catch (err) {
    const e = err as { code?: string; message: string; position?: string; detail?: string };
    return { error: { code: e.code, message: e.message, position: e.position, detail: e.detail } };
  }
}

beforeAll(async () => {
  w = await startTestWard();
  const project = await projectWithPeople(w, 'diff', 'corpus');
  const creds: Creds = await credentials(w, project.tokens.owner as string, project.projectId);
  gateway = new pg.Client({ ...pgConfig(creds), application_name: 'differential' });
  direct = new pg.Client({
    ...w.ward.services.dataplane.adminConnection(project.projectId),
    application_name: 'differential',
  });
  await gateway.connect();
  await direct.connect();
  await direct.query(`SET SESSION AUTHORIZATION ${direct.escapeIdentifier(creds.user)}`);
});
afterAll(async () => {
  await gateway?.end();
  await direct?.end();
  await w?.stop();
});

describe('the gateway and a direct connection', () => {
  it('answer the corpus alike: rows, tags, SQLSTATEs and messages', async () => {
    for (const step of CORPUS) {
      const [viaGateway, straight] = [await runOn(gateway, step), await runOn(direct, step)];
      expect(viaGateway, typeof step === 'string' ? step : step.text).toEqual(straight);
    }
  });
});
