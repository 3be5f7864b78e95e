/**
 * The gateway with real clients against a real Ward: psql with verify-full TLS, node-postgres,
 * postgres.js and pgbench in simple, extended and prepared modes; \copy both ways, prepared
 * statements, transactions, LISTEN/NOTIFY, cancel; an API token as the password; plaintext refused
 * unless an owner allows it from loopback; and what the audit log says about it all (literals
 * nowhere in clear, the raw text only sealed).
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import pg from 'pg';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStatement, sessionKeyAad } from '../src/dbaccess/statement-text.js';
import { call, events } from './support/access.js';
import {
  type Creds,
  credentials,
  dbEvents,
  pgConfig,
  pgEnv,
  projectWithPeople,
  psql,
  runClient,
  statementOutcomes,
} from './support/gateway.js';
import { eventually, startTestWard, type TestWard } from './support/ward.js';

let w: TestWard;
let project: Awaited<ReturnType<typeof projectWithPeople>>;
let owner: Creds;
let dev: Creds;
let dir: string;
const SSN = '123-45-6789';

beforeAll(async () => {
  w = await startTestWard();
  dir = await mkdtemp(join(tmpdir(), 'ward-gw-'));
  project = await projectWithPeople(w, 'acme', 'records');
  owner = await credentials(w, project.tokens.owner as string, project.projectId);
  dev = await credentials(w, project.tokens.developer as string, project.projectId);
  const r = await psql(owner, [
    '-c',
    'CREATE TABLE patients (id serial PRIMARY KEY, name text NOT NULL, ssn text UNIQUE, born date)',
    '-c',
    `INSERT INTO patients (name, ssn, born) VALUES ('Jane Doe', '${SSN}', '1980-02-03'), ('John Roe', '987-65-4321', '1975-07-01')`,
  ]);
  if (r.code !== 0) throw new Error(r.stderr);
});
afterAll(async () => {
  await w?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('psql through the gateway', () => {
  it('connects with sslmode=verify-full and Ward CA, as the person’s own database role', async () => {
    const r = await psql(dev, ['-c', 'SELECT 40 + 2, current_user']);
    expect(r.stderr).toBe('');
    expect(r.stdout.trim()).toBe('42|developer@acme.test');
    expect(dev.uri).toBe(
      `postgresql://developer%40acme.test@127.0.0.1:${dev.port}/records?sslmode=verify-full&sslrootcert=${encodeURIComponent(dev.ca_cert_path)}`,
    );
    const viaUri = await runClient('psql', ['-X', '-At', dev.uri, '-c', 'SELECT count(*) FROM patients'], {
      PGPASSWORD: dev.password,
    });
    expect(viaUri.stdout.trim()).toBe('2');
  });

  it('gives each project role its privileges and nobody superuser', async () => {
    const member = await credentials(w, project.tokens.member as string, project.projectId);
    const read = await psql(member, ['-c', 'SELECT count(*) FROM patients']);
    expect(read.stdout.trim()).toBe('2');
    const write = await psql(member, ['-c', "INSERT INTO patients (name) VALUES ('x')"]);
    expect(write.stderr).toMatch(/permission denied for table patients/);
    const ddl = await psql(dev, ['-c', 'CREATE TABLE nope (x int)']);
    expect(ddl.stderr).toMatch(/permission denied for schema public/);
    const su = await psql(owner, ['-c', 'SELECT rolsuper FROM pg_roles WHERE rolname = session_user']);
    expect(su.stdout.trim()).toBe('f');
    const escalate = await psql(owner, ['-c', 'SET ROLE ward_admin']);
    expect(escalate.stderr).toMatch(/permission denied to set role "ward_admin"/);
  });

  it('copies in and out with \\copy', async () => {
    const file = join(dir, 'in.csv');
    await writeFile(file, Array.from({ length: 500 }, (_, i) => `${i},row ${i}`).join('\n'));
    await psql(owner, ['-c', 'CREATE TABLE imported (id int, label text)']);
    const inn = await psql(owner, ['-c', `\\copy imported FROM '${file}' WITH (FORMAT csv)`]);
    expect(inn.stderr).toBe('');
    expect(inn.stdout.trim()).toBe('COPY 500');
    const out = join(dir, 'out.csv');
    const exported = await psql(owner, [
      '-c',
      `\\copy (SELECT * FROM imported ORDER BY id) TO '${out}' WITH (FORMAT csv)`,
    ]);
    expect(exported.stdout.trim()).toBe('COPY 500');
    expect((await readFile(out, 'utf8')).split('\n')[499]).toBe('499,row 499');
  });

  it('cancels a running statement when psql is interrupted (Ctrl-C)', async () => {
    let pid = 0;
    const started = Date.now();
    const running = psql(dev, ['-c', 'SELECT pg_sleep(30)'], { onSpawn: (p) => (pid = p) });
    await new Promise((r) => setTimeout(r, 1500));
    process.kill(pid, 'SIGINT');
    const r = await running;
    expect(r.stderr).toMatch(/canceling statement due to user request/);
    expect(Date.now() - started).toBeLessThan(10_000);
  });
});

describe('drivers through the gateway', () => {
  it('node-postgres: simple and extended queries, named prepared statements, transactions, errors', async () => {
    const c = new pg.Client(pgConfig(dev));
    await c.connect();
    try {
      expect((await c.query('SELECT name FROM patients WHERE ssn = $1', [SSN])).rows).toEqual([
        { name: 'Jane Doe' },
      ]);
      const named = { name: 'by-born', text: 'SELECT count(*)::int AS n FROM patients WHERE born < $1' };
      expect((await c.query({ ...named, values: ['1979-01-01'] })).rows[0].n).toBe(1);
      expect((await c.query({ ...named, values: ['2000-01-01'] })).rows[0].n).toBe(2);
      await c.query('BEGIN');
      await c.query("INSERT INTO patients (name) VALUES ('temp')");
      await c.query('ROLLBACK');
      expect((await c.query('SELECT count(*)::int AS n FROM patients')).rows[0].n).toBe(2);
      const err = await c.query('SELECT 1/0').catch((e) => e);
      expect(err.code).toBe('22012');
      expect(err.message).toBe('division by zero');
      const dup = await c.query("INSERT INTO patients (name, ssn) VALUES ('y', $1)", [SSN]).catch((e) => e);
      expect(dup.code).toBe('23505');
      expect(dup.message).toBe('duplicate key value violates unique constraint "patients_ssn_key"');
      expect((await c.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
    } finally {
      await c.end();
    }
  });

  it('postgres.js: prepared by default, unsafe simple queries, a transaction', async () => {
    const sql = postgres({ ...pgConfig(owner), username: owner.user, max: 1 } as any);
    try {
      expect(await sql`SELECT name FROM patients WHERE born > ${'1976-01-01'} ORDER BY id`).toEqual([
        { name: 'Jane Doe' },
      ]);
      expect(await sql.unsafe('SELECT 1 AS a; SELECT 2 AS b')).toHaveLength(2);
      await sql.begin(async (tx) => {
        await tx`UPDATE patients SET name = name WHERE id = ${1}`;
      });
      const e = await sql`SELECT * FROM no_such_table`.catch((x) => x);
      expect(e.code).toBe('42P01');
    } finally {
      await sql.end();
    }
  });

  it('LISTEN/NOTIFY: a notification reaches the listening session', async () => {
    const listener = new pg.Client(pgConfig(dev));
    const notifier = new pg.Client(pgConfig(owner));
    await listener.connect();
    await notifier.connect();
    try {
      const got = new Promise<pg.Notification>((r) => listener.on('notification', r));
      await listener.query('LISTEN ward_test');
      await notifier.query("NOTIFY ward_test, 'hello'");
      expect((await got).payload).toBe('hello');
    } finally {
      await listener.end();
      await notifier.end();
    }
  });

  it('pgbench: initializes and runs in simple, extended and prepared modes', async () => {
    const init = await runClient('pgbench', ['-i', '-s', '1', '-q'], pgEnv(owner), { timeoutMs: 120_000 });
    expect(init.code, init.stderr).toBe(0);
    for (const mode of ['simple', 'extended', 'prepared']) {
      const run = await runClient('pgbench', ['-M', mode, '-c', '2', '-t', '25', '-n'], pgEnv(dev), {
        timeoutMs: 120_000,
      });
      expect(run.code, run.stderr).toBe(0);
      expect(run.stdout).toMatch(/number of transactions actually processed: 50\/50/);
      expect(run.stdout).toMatch(/number of failed transactions: 0/);
    }
  });

  it('takes an API token with the db:connect scope as the password, over TLS only', async () => {
    const scoped = await call(w, 'POST', '/api/v1/tokens', {
      token: project.tokens.admin,
      body: { name: 'reader', expires_in_days: 1, scopes: ['projects:read'] },
    });
    const reader: Creds = { ...dev, user: 'admin@acme.test', password: scoped.body.token };
    // With nothing a SCRAM proof could match, the token is asked for inside TLS and judged by its scope.
    expect((await psql(reader, ['-c', 'SELECT 1'])).stderr).toMatch(/lacks the db:connect scope/);
    const t = await call(w, 'POST', '/api/v1/tokens', {
      token: project.tokens.admin,
      body: { name: 'app', expires_in_days: 1, scopes: ['db:connect'] },
    });
    expect(t.status).toBe(201);
    const creds: Creds = { ...dev, user: 'admin@acme.test', password: t.body.token };
    const ok = await psql(creds, ['-c', 'SELECT session_user']);
    expect(ok.stderr).toBe('');
    expect(ok.stdout.trim()).toBe('admin@acme.test');
    const plain = await psql(creds, ['-c', 'SELECT 1'], { sslmode: 'disable' });
    expect(plain.stderr).toMatch(/FATAL: {2}this project requires TLS \(sslmode=require or stronger\)/);
    // Now the account has a token SCRAM can check, so the exchange is SCRAM: a token without the
    // scope has no verifier, and fails as a wrong password does, with the hint naming the scope.
    const noScope = await psql(reader, ['-c', 'SELECT 1']);
    expect(noScope.stderr).toMatch(/password authentication failed for user "admin@acme.test"/);
    expect(noScope.stderr).toMatch(/an API token with the db:connect scope works as the password/);
  });
});

describe('plaintext connections', () => {
  const setPlaintext = (token: string | undefined, allowed: boolean) =>
    call(w, 'PUT', `/api/v1/projects/${project.projectId}/plaintext`, { token, body: { allowed } });

  it('are refused by default, before any password, saying how to connect', async () => {
    const r = await psql(dev, ['-c', 'SELECT 1'], { sslmode: 'disable' });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/FATAL: {2}this project requires TLS \(sslmode=require or stronger\)/);
    expect(r.stderr).toMatch(/HINT: {2}Connect with sslmode=verify-full and sslrootcert/);
    expect(r.stderr).toContain('ward project set <project> --plaintext allowed');
    // The same answer for a database that names no project: it says nothing of what exists.
    const none = await psql({ ...dev, database: 'nothing-here' }, ['-c', 'SELECT 1'], { sslmode: 'disable' });
    expect(none.stderr).toMatch(/FATAL: {2}this project requires TLS/);
    const refused = await eventually(async () =>
      (await dbEvents(w, 'db.connect', project.projectId)).find(
        (e) =>
          e.outcome === 'denied' &&
          e.details.reason === 'tls_required' &&
          e.details.login === 'developer@acme.test',
      ),
    );
    expect(refused.details).toMatchObject({ database: 'records', tls: null });
    const get = await call(w, 'GET', `/api/v1/projects/${project.projectId}`, {
      token: project.tokens.developer,
    });
    expect(get.body.settings.allow_plaintext).toBe(false);
  });

  it('can be allowed by an owner or admin only; a developer gets 403', async () => {
    const denied = await setPlaintext(project.tokens.developer, true);
    expect(denied.status).toBe(403);
    const r = await setPlaintext(project.tokens.owner, true);
    expect(r.status).toBe(200);
    expect(r.body.settings).toMatchObject({ audit_log_level: 'standard', allow_plaintext: true });
    const set = (await events(w, 'project.plaintext.set')).filter((e) => e.outcome === 'success');
    expect(set.pop()).toMatchObject({
      target: { type: 'project', id: project.projectId, name: 'records' },
      details: { allowed: true, previous: false },
      actor: { email: 'owner@acme.test' },
    });
  });

  it('once allowed, work from 127.0.0.1 with a database password; a token still needs TLS', async () => {
    const r = await psql(dev, ['-c', 'SELECT 40 + 2, current_user'], { sslmode: 'disable' });
    expect(r.stderr).toBe('');
    expect(r.stdout.trim()).toBe('42|developer@acme.test');
    const opened = await eventually(async () =>
      (await dbEvents(w, 'db.connect', project.projectId)).find(
        (e) => e.outcome === 'success' && e.details.tls === null,
      ),
    );
    expect(opened.actor).toMatchObject({ email: 'developer@acme.test', ip: '127.0.0.1' });
    // TLS still works, and is what `ward db credentials` prints.
    expect((await psql(dev, ['-c', 'SELECT 1'])).stdout.trim()).toBe('1');
    const t = await call(w, 'POST', '/api/v1/tokens', {
      token: project.tokens.admin,
      body: { name: 'plain', expires_in_days: 1, scopes: ['db:connect'] },
    });
    const token = await psql(
      { ...dev, user: 'admin@acme.test', password: t.body.token },
      ['-c', 'SELECT 1'],
      {
        sslmode: 'disable',
      },
    );
    expect(token.stderr).toMatch(/password authentication failed for user "admin@acme.test"/);
  });

  it("are listed by the org's HIPAA status until refused again, which ends plaintext sessions within a second", async () => {
    const h = await call(w, 'GET', '/api/v1/orgs/acme/hipaa', { token: project.tokens.owner });
    expect(h.status).toBe(200);
    expect(h.body.plaintext_projects).toEqual([{ id: project.projectId, name: 'records' }]);
    const plainSession = new pg.Client(pgConfig(dev, { ssl: false }));
    const tlsSession = new pg.Client(pgConfig(dev));
    await plainSession.connect();
    await tlsSession.connect();
    const ended = new Promise<Error>((resolve) => plainSession.on('error', resolve));
    const r = await setPlaintext(project.tokens.admin, false);
    expect(r.body.settings.allow_plaintext).toBe(false);
    const err = await ended;
    expect(err.message).toBe(
      "project 'records' no longer allows plaintext connections; connect again with TLS (sslmode=verify-full)",
    );
    expect((await tlsSession.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
    await tlsSession.end();
    await plainSession.end().catch(() => undefined);
    const after = await call(w, 'GET', '/api/v1/orgs/acme/hipaa', { token: project.tokens.owner });
    expect(after.body.plaintext_projects).toEqual([]);
    const plain = await psql(dev, ['-c', 'SELECT 1'], { sslmode: 'disable' });
    expect(plain.stderr).toMatch(/FATAL: {2}this project requires TLS/);
  });
});

describe('what the audit log records', () => {
  it('each statement: who, session, address, TLS, normalized text, fingerprint, tag, rows, duration, SQLSTATE', async () => {
    const r = await psql(dev, ['-c', `SELECT * FROM patients WHERE ssn = '${SSN}'`]);
    expect(r.stdout).toContain('Jane Doe');
    const stmt = await eventually(async () =>
      (await dbEvents(w, 'db.statement', project.projectId)).find(
        (e) =>
          e.details.statement === 'SELECT * FROM patients WHERE ssn = $1' && e.details.protocol === 'simple',
      ),
    );
    expect(stmt.actor).toMatchObject({ type: 'user', email: 'developer@acme.test', ip: '127.0.0.1' });
    expect(stmt.details).toMatchObject({ command: 'SELECT', tls: 'TLSv1.3' });
    expect(stmt.details.fingerprint).toMatch(/^[0-9a-f]{16}$/);
    // Its outcome: its own event here (psql sent nothing after it), or with the next statement.
    const result = await eventually(async () =>
      (await statementOutcomes(w, project.projectId)).find(
        (e) => e.session_id === stmt.details.session_id && e.seq === stmt.details.seq,
      ),
    );
    expect(result).toMatchObject({ command_tag: 'SELECT', rows: 1, sqlstate: '00000', outcome: 'success' });
    expect(result.duration_ms).toBeGreaterThan(0);

    // The raw text is there only sealed: the session key is wrapped by the project's key.
    const connect = (await dbEvents(w, 'db.connect', project.projectId)).find(
      (e) => e.details.session_id === stmt.details.session_id,
    );
    const key = await w.ward.services.keys.decrypt(
      Buffer.from(connect?.details.text_key, 'base64'),
      sessionKeyAad(stmt.details.session_id),
    );
    const raw = openStatement(
      stmt.details.session_id,
      key,
      stmt.details.text_id,
      Buffer.from(stmt.details.text_sealed, 'base64'),
    );
    expect(raw.toString()).toBe(`SELECT * FROM patients WHERE ssn = '${SSN}'`);
  });

  it('one event a statement when statements follow each other; an error keeps its own outcome event', async () => {
    const script = [
      ...Array.from({ length: 30 }, (_, i) => `SELECT ${i} AS n;`),
      'SELECT 1/0;',
      ...Array.from({ length: 9 }, (_, i) => `SELECT ${i} AS m;`),
    ].join('\n');
    await psql(dev, ['-v', 'ON_ERROR_STOP=0', '-f', '-'], { stdin: script });
    const session = (await dbEvents(w, 'db.connect', project.projectId)).at(-1)?.details.session_id;
    const outcomes = await eventually(async () => {
      const all = (await statementOutcomes(w, project.projectId)).filter((e) => e.session_id === session);
      return all.length === 40 ? all : undefined;
    });
    // Every statement has exactly one outcome, and the division by zero is a failure of its own.
    expect(outcomes.map((o) => o.seq).sort((a, b) => a - b)).toEqual(
      Array.from({ length: 40 }, (_, i) => i + 1),
    );
    const failed = outcomes.filter((o) => o.outcome === 'failure');
    expect(failed).toEqual([expect.objectContaining({ seq: 31, sqlstate: '22012', folded: false })]);
    // psql sends each statement as soon as the one before has answered, well inside the few
    // milliseconds an outcome waits for company: most outcomes ride with the next statement.
    expect(outcomes.filter((o) => o.folded).length).toBeGreaterThan(20);
  });

  it('never has a literal value in clear: not in any event, not in Ward’s log', async () => {
    // Every event, stored alone or in a batch (audit_log reads both), and the batches' raw bytes.
    const { rows: all } = await sql`SELECT body FROM ward.audit_log`.execute(w.ward.services.db);
    const { rows: payloads } = await sql<{ payload: Buffer }>`SELECT payload FROM ward.audit_batches`.execute(
      w.ward.services.db,
    );
    expect(payloads.length).toBeGreaterThan(0);
    const text = JSON.stringify(all) + payloads.map((p) => p.payload.toString('utf8')).join('');
    for (const secret of [SSN, 'Jane Doe', '1980-02-03', '987-65-4321']) {
      expect(text).not.toContain(secret);
      expect(await w.log()).not.toContain(secret);
    }
  });

  it('records the extended protocol’s Parse text, never Bind values, and every execution', async () => {
    const events = await dbEvents(w, 'db.statement', project.projectId);
    const byBorn = events.filter(
      (e) => e.details.statement === 'SELECT count(*)::int AS n FROM patients WHERE born < $1',
    );
    expect(byBorn).toHaveLength(2);
    expect(byBorn.map((e) => e.details.protocol)).toEqual(['extended', 'extended']);
    expect(byBorn[0]?.details.text_id).toBe(byBorn[1]?.details.text_id);
    expect(JSON.stringify(events)).not.toContain('1979-01-01');
  });
});
