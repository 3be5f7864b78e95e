/**
 * The gateway's rules, against a real Ward: a removed member's connection ends within a second,
 * an expired credential cannot start a session, auditors get no data, sessions end at the org's
 * idle and absolute limits with a message saying which, a HIPAA project refuses plaintext (and
 * the opt-in to it) and PHI in schema names, TLS below 1.2 fails, and when the audit log cannot be written no statement runs
 * and no result is sent.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, enrollTotp, events, orgId, setHipaa } from './support/access.js';
import {
  type Creds,
  credentials,
  dbEvents,
  pgConfig,
  projectWithPeople,
  psql,
  runClient,
} from './support/gateway.js';
import { eventually, startTestWard, type TestWard } from './support/ward.js';

const run = promisify(execFile);
let w: TestWard;
let project: Awaited<ReturnType<typeof projectWithPeople>>;

/** Runs SQL in the control database as its owner role (peer authentication, as Ward's OS user). */
async function asControlOwner(statement: string): Promise<void> {
  await run('psql', [
    '-X',
    '-h',
    join(w.home, 'control', 'run'),
    '-U',
    'ward_owner',
    '-d',
    'ward',
    '-c',
    statement,
  ]);
}

/** Counts rows straight in the project's cluster, as Ward's administrative role. */
async function countRows(table: string): Promise<number> {
  const c = new pg.Client(w.ward.services.dataplane.adminConnection(project.projectId));
  await c.connect();
  try {
    return Number((await c.query(`SELECT count(*) AS n FROM ${table}`)).rows[0].n);
  } finally {
    await c.end();
  }
}

function ended(c: pg.Client): Promise<{ at: number; message: string; code?: string }> {
  return new Promise((resolve) => {
    c.on('error', (err: Error & { code?: string }) =>
      resolve({ at: Date.now(), message: err.message, code: err.code }),
    );
  });
}

beforeAll(async () => {
  w = await startTestWard();
  project = await projectWithPeople(w, 'acme', 'records');
  const owner = await credentials(w, project.tokens.owner as string, project.projectId);
  await psql(owner, ['-c', 'CREATE TABLE visits (id serial, note text)']);
});
afterAll(() => w?.stop());

describe('who may connect', () => {
  it('ends a removed member’s open connection within a second, saying why', async () => {
    const creds = await credentials(w, project.tokens.member as string, project.projectId);
    const c = new pg.Client(pgConfig(creds));
    await c.connect();
    const gone = ended(c);
    expect((await c.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
    const removedAt = Date.now();
    const r = await call(w, 'DELETE', `/api/v1/orgs/acme/members/${project.ids.member}`, {
      token: project.tokens.owner,
    });
    expect(r.status).toBe(204);
    const end = await gone;
    expect(end.message).toBe("you are no longer a member of 'acme'");
    expect(end.at - removedAt).toBeLessThan(1000);
    const disconnect = await eventually(async () =>
      (await dbEvents(w, 'db.disconnect', project.projectId)).find(
        (e) => e.details.reason === 'access_revoked',
      ),
    );
    expect(disconnect.actor.email).toBe('member@acme.test');
  });

  it('ends a connection when the membership disappears straight from the database', async () => {
    const creds = await credentials(w, project.tokens.admin as string, project.projectId);
    const c = new pg.Client(pgConfig(creds));
    await c.connect();
    const gone = ended(c);
    const at = Date.now();
    await sql`DELETE FROM ward.org_members WHERE user_id = ${project.ids.admin}`.execute(w.ward.services.db);
    const end = await gone;
    expect(end.message).toBe("you are no longer a member of 'acme'");
    expect(end.at - at).toBeLessThan(1000);
  });

  it('refuses an expired credential with a message that says so', async () => {
    const creds = await credentials(w, project.tokens.developer as string, project.projectId);
    await sql`UPDATE ward.db_credentials SET expires_at = now() - interval '1 minute' WHERE id = ${creds.id}`.execute(
      w.ward.services.db,
    );
    const r = await psql(creds, ['-c', 'SELECT 1']);
    expect(r.stderr).toMatch(/the database password you used expired at \d{4}-/);
    expect(r.stderr).toMatch(/ward db credentials --project records/);
    const wrong = await psql({ ...creds, password: 'not-the-password' }, ['-c', 'SELECT 1']);
    expect(wrong.stderr).toMatch(/password authentication failed for user "developer@acme.test"/);
  });

  it('gives auditors no credentials and no data', async () => {
    const r = await call(w, 'POST', `/api/v1/projects/${project.projectId}/credentials`, {
      token: project.tokens.auditor,
      body: {},
    });
    expect(r.status).toBe(403);
  });

  it('refuses TLS 1.0 and 1.1 handshakes and accepts TLS 1.2', async () => {
    const port = String(w.ward.services.gateway.address()?.port);
    const sclient = async (version: string) => {
      const args = [
        's_client',
        '-connect',
        `127.0.0.1:${port}`,
        '-starttls',
        'postgres',
        version,
        '-cipher',
        'DEFAULT@SECLEVEL=0',
      ];
      const r = await runClient('openssl', args, {}, { timeoutMs: 10_000 });
      return `${r.stdout}${r.stderr}`;
    };
    for (const old of ['-tls1', '-tls1_1']) {
      const out = await sclient(old);
      expect(out).toMatch(/no peer certificate available/);
      expect(out).not.toMatch(/Server certificate/);
    }
    const modern = await sclient('-tls1_2');
    expect(modern).toMatch(/Server certificate/);
    expect(modern).toMatch(/Protocol\s*: TLSv1\.2/);
  });
});

describe('the org’s session limits', () => {
  // The clock is moved by ageing a live session's own record of its activity and start: the
  // real revalidator then applies the org's real policy to it, over the real protocol.
  const sessionOf = (userId: string) =>
    eventually(async () =>
      w.ward.services.gateway
        .running()
        ?.sessions()
        .find((s) => s.info.userId === userId && !s.ended),
    );

  beforeAll(async () => {
    const r = await call(w, 'PATCH', '/api/v1/orgs/acme', {
      token: project.tokens.owner,
      body: { settings: { session_idle_minutes: 5, session_absolute_hours: 2 } },
    });
    expect(r.status).toBe(200);
  });

  it('closes a session idle past the limit, saying why, but never one running a statement', async () => {
    const creds = await credentials(w, project.tokens.owner as string, project.projectId);
    const c = new pg.Client(pgConfig(creds));
    await c.connect();
    const gone = ended(c);
    const session = await sessionOf(project.ids.owner as string);
    const fiveMinutesAgo = () => Date.now() - 5 * 60_000 - 1000;
    // Quiet for five minutes while its statement runs for longer than a check: it is not idle.
    const running = c.query('SELECT pg_sleep(1.5) AS slept');
    await new Promise((r) => setTimeout(r, 100));
    session.lastActivity = fiveMinutesAgo();
    expect((await running).rows).toEqual([{ slept: '' }]);
    expect(session.ended).toBe(false);
    const at = Date.now();
    session.lastActivity = fiveMinutesAgo();
    const end = await gone;
    expect(end).toMatchObject({
      message: "this session was idle for 5 minutes, the limit 'acme' sets; connect again",
      code: '57P05',
    });
    expect(end.at - at).toBeLessThan(1500);
    const disconnect = await eventually(async () =>
      (await dbEvents(w, 'db.disconnect', project.projectId)).find(
        (e) => e.details.session_id === session.info.sid,
      ),
    );
    expect(disconnect.details.reason).toBe('idle_timeout');
  });

  it('closes a busy session at the absolute limit, saying why', async () => {
    const creds = await credentials(w, project.tokens.owner as string, project.projectId);
    const c = new pg.Client(pgConfig(creds));
    await c.connect();
    c.on('error', () => undefined);
    const session = await sessionOf(project.ids.owner as string);
    session.info.startedAt = Date.now() - 2 * 3_600_000 - 1000;
    const at = Date.now();
    // Active all along (the FATAL reaches the statement in flight): the absolute limit still holds.
    const end = await (async () => {
      for (;;) await c.query('SELECT 1');
    })().catch((err: Error & { code?: string }) => ({
      at: Date.now(),
      message: err.message,
      code: err.code,
    }));
    expect(end).toMatchObject({
      message: "this session reached the 2-hour limit 'acme' sets on a session; connect again",
      code: '57P01',
    });
    expect(end.at - at).toBeLessThan(1500);
    const disconnect = await eventually(async () =>
      (await dbEvents(w, 'db.disconnect', project.projectId)).find(
        (e) => e.details.session_id === session.info.sid,
      ),
    );
    expect(disconnect.details.reason).toBe('absolute_lifetime');
  });
});

describe('when the audit log cannot be written', () => {
  it('runs no statement and sends no result, and says why', async () => {
    const creds = await credentials(w, project.tokens.developer as string, project.projectId);
    const c = new pg.Client(pgConfig(creds));
    c.on('error', () => undefined);
    await c.connect();
    const before = await countRows('visits');
    // The gateway's events go in batches (audit_batches); its sessions start with one too.
    await asControlOwner('REVOKE INSERT ON ward.audit_batches FROM ward_app');
    try {
      // Past the lease the gateway holds on a healthy audit log, a statement waits for its own event.
      await new Promise((r) => setTimeout(r, 600));
      let answered = false;
      const err = await c
        .query("INSERT INTO visits (note) VALUES ('seen') RETURNING id")
        .then(() => {
          answered = true;
        })
        .catch((e) => e);
      expect(answered).toBe(false);
      expect(err.message).toMatch(/^the audit log could not be written, so the gateway refuses work/);
      expect(await countRows('visits')).toBe(before);
      const refused = await psql(creds, ['-c', 'SELECT 1']);
      expect(refused.stderr).toMatch(/the audit log is unavailable, so no session can start/);
    } finally {
      await asControlOwner('GRANT INSERT ON ward.audit_batches TO ward_app');
      await c.end().catch(() => undefined);
    }
    const again = await psql(creds, ['-c', "INSERT INTO visits (note) VALUES ('after') RETURNING 1"]);
    expect(again.stdout.trim()).toMatch(/^1/);
  });
});

describe('a HIPAA project', () => {
  let hipaa: Creds;
  let hipaaId: string;

  beforeAll(async () => {
    await setHipaa(w, 'acme');
    await enrollTotp(w, project.tokens.owner as string);
    const p = await call(w, 'POST', '/api/v1/orgs/acme/projects', {
      token: project.tokens.owner,
      body: { name: 'charts', region_id: 'local-hipaa' },
    });
    expect(p.status).toBe(201);
    await eventually(async () => {
      const g = await call(w, 'GET', `/api/v1/projects/${p.body.id}`, { token: project.tokens.owner });
      return g.body.status === 'running' ? true : undefined;
    }, 60_000);
    hipaaId = p.body.id;
    hipaa = await credentials(w, project.tokens.owner as string, p.body.id);
  });

  it('refuses a connection without TLS', async () => {
    const r = await psql(hipaa, ['-c', 'SELECT 1'], { sslmode: 'disable' });
    expect(r.stderr).toMatch(/FATAL: {2}this project requires TLS \(sslmode=require or stronger\)/);
    const ok = await psql(hipaa, ['-c', 'SELECT 1']);
    expect(ok.stdout.trim()).toBe('1');
  });

  it('refuses the plaintext opt-in with 409 saying why, and the control database refuses the flag too', async () => {
    const r = await call(w, 'PUT', `/api/v1/projects/${hipaaId}/plaintext`, {
      token: project.tokens.owner,
      body: { allowed: true },
    });
    expect(r.status).toBe(409);
    expect(r.body.error.message).toMatch(
      /^HIPAA projects always require TLS, so 'charts' cannot allow plaintext connections/,
    );
    const refused = (await events(w, 'project.plaintext.set')).filter((e) => e.target.id === hipaaId);
    expect(refused.pop()).toMatchObject({ outcome: 'failure', details: { allowed: true, previous: false } });
    const get = await call(w, 'GET', `/api/v1/projects/${hipaaId}`, { token: project.tokens.owner });
    expect(get.body.settings.allow_plaintext).toBe(false);
    const direct = await w.ward.services.db
      .updateTable('projects')
      .set({ allow_plaintext: true })
      .where('id', '=', hipaaId)
      .execute()
      .catch((e: Error) => e);
    expect((direct as Error).message).toMatch(/projects_hipaa_tls/);
    const plain = await psql(hipaa, ['-c', 'SELECT 1'], { sslmode: 'disable' });
    expect(plain.stderr).toMatch(/FATAL: {2}this project requires TLS/);
  });

  it('refuses identifiers and comments that look like PHI with SQLSTATE 42602', async () => {
    const c = new pg.Client(pgConfig(hipaa));
    await c.connect();
    try {
      const table = await c.query('CREATE TABLE john_smith_ssn_123_45_6789 (id int)').catch((e) => e);
      expect(table.code).toBe('42602');
      expect(table.message).toMatch(/^identifiers and comments must not hold PHI/);
      await c.query('CREATE TABLE encounters (id int, note text)');
      const comment = await c
        .query("COMMENT ON COLUMN encounters.note IS 'patient Jane Doe, born 1980-02-03'")
        .catch((e) => e);
      expect(comment.code).toBe('42602');
      expect(comment.message).toMatch(/this comment looks like/);
      const extended = await c
        .query({ text: 'CREATE TABLE mrn_000123 (id int)', values: [] })
        .catch((e) => e);
      expect(extended.code).toBe('42602');
      await c.query("COMMENT ON COLUMN encounters.note IS 'free-text note written by the clinician'");
      const tables = await c.query(
        "SELECT relname FROM pg_class WHERE relname LIKE 'john%' OR relname LIKE 'mrn%'",
      );
      expect(tables.rows).toEqual([]);
      expect((await c.query('SELECT 1 AS still')).rows).toEqual([{ still: 1 }]);
    } finally {
      await c.end();
    }
    const refused = (
      await dbEvents(w, 'db.statement', hipaa.database === 'charts' ? await projectIdOf('charts') : '')
    ).filter((e) => e.outcome === 'denied');
    expect(refused).toHaveLength(3);
    expect(JSON.stringify(refused)).not.toContain('john_smith');
    expect(refused[0]?.details).toMatchObject({
      statement: null,
      fingerprint: null,
      refused: { sqlstate: '42602' },
    });
  });
});

async function projectIdOf(name: string): Promise<string> {
  const row = await w.ward.services.db
    .selectFrom('projects')
    .select('id')
    .where('name', '=', name)
    .where('org_id', '=', await orgId(w, 'acme'))
    .executeTakeFirstOrThrow();
  return row.id;
}
