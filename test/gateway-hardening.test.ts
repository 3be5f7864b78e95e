/**
 * The gateway's hardening (issue 23) against a real Ward, with libpq (psql) and node-postgres:
 * a database that is none of the login's projects is refused as PostgreSQL refuses it (3D000,
 * the same for another org's project as for none); a session Ward ends tells a libpq client why
 * (FATAL 57P01) before the connection closes; large results and COPY over TLS reach psql, and an
 * event-loop libpq client, whole and never hang (TLS records of at most 8 KB, as PostgreSQL's;
 * neither hung here with 16 KB records, so startup/negotiate.test.ts checks the record size
 * itself); and the backend pid a client is given is the server's own, so notifications
 * carry it, while a cancel still needs the gateway's secret.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call } from './support/access.js';
import {
  type Creds,
  credentials,
  pgConfig,
  pgEnv,
  projectWithPeople,
  psql,
  runClient,
} from './support/gateway.js';
import { startTestWard, type TestWard } from './support/ward.js';

let w: TestWard;
let project: Awaited<ReturnType<typeof projectWithPeople>>;
let owner: Creds;

beforeAll(async () => {
  w = await startTestWard();
  project = await projectWithPeople(w, 'acme', 'records');
  owner = await credentials(w, project.tokens.owner as string, project.projectId);
  // Rows of 1..20000 bytes of text, the same every run (setseed), for the large results below.
  const r = await psql(owner, [
    '-c',
    'CREATE TABLE blobs (id int PRIMARY KEY, body text NOT NULL)',
    '-c',
    `SELECT setseed(0.23); INSERT INTO blobs
       SELECT g, substr(repeat(md5(g::text || random()::text), 625), 1, 1 + floor(random() * 20000)::int)
         FROM generate_series(1, 3000) AS g`,
  ]);
  if (r.code !== 0) throw new Error(r.stderr);
});
afterAll(() => w?.stop());

/** Runs `fn` on a connection straight to the project's cluster, as Ward's administrative role. */
async function direct<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client(w.ward.services.dataplane.adminConnection(project.projectId));
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

/** A psql session over verify-full TLS whose input the test types, line by line. */
function interactivePsql(c: Creds) {
  const child = spawn('psql', ['-X', '-At'], {
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: '/tmp', ...pgEnv(c) },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  child.stdin.on('error', () => undefined);
  const exited = once(child, 'close');
  const killer = setTimeout(() => child.kill('SIGKILL'), 20_000);
  return {
    type: (line: string) => child.stdin.write(`${line}\n`),
    output: async (pattern: RegExp, ms = 10_000) => {
      const until = Date.now() + ms;
      while (!pattern.test(stdout) && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
      return stdout;
    },
    async quit() {
      child.stdin.end();
      await exited;
      clearTimeout(killer);
      return { stdout, stderr };
    },
  };
}

describe('a database that is none of the login’s projects', () => {
  it('is refused with 3D000, naming the database and what to connect to, although the password was right', async () => {
    const r = await psql({ ...owner, database: 'template1' }, ['-c', 'SELECT 1']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/FATAL: {2}database "template1" does not exist for user "owner@acme\.test"/);
    expect(r.stderr).toMatch(/connect to yours by the project's name or id \(prj_…\)/);
    expect(r.stderr).not.toMatch(/password authentication failed/);
    const c = new pg.Client(pgConfig(owner, { database: 'postgres' }));
    const err = await c.connect().catch((e) => e);
    expect(err.code).toBe('3D000');
    expect(err.severity).toBe('FATAL');
    // The right database with the wrong password is still a failed password.
    const wrong = await psql({ ...owner, password: 'not-the-password' }, ['-c', 'SELECT 1']);
    expect(wrong.stderr).toMatch(/password authentication failed for user "owner@acme\.test"/);
  });

  it('tells nothing of another org’s projects: their names get the answer a made-up name gets', async () => {
    const other = await projectWithPeople(w, 'globex', 'ledger');
    const refusal = async (database: string) => {
      const c = new pg.Client(pgConfig(owner, { database }));
      const err = await c.connect().catch((e) => e);
      return { code: err.code, message: String(err.message).replace(database, '<db>') };
    };
    const made = await refusal('no_such_project');
    expect(made.code).toBe('3D000');
    expect(await refusal('ledger')).toEqual(made);
    expect(await refusal(other.projectId)).toEqual(made);
  });
});

describe('a session Ward ends', () => {
  it('tells a libpq client why, with FATAL 57P01, before closing (removed from the org)', async () => {
    const member = await credentials(w, project.tokens.member as string, project.projectId);
    const session = interactivePsql(member);
    session.type('\\set VERBOSITY verbose');
    session.type("SELECT 'ready';");
    expect(await session.output(/ready/)).toMatch(/ready/);
    session.type('SELECT pg_sleep(5);');
    await new Promise((r) => setTimeout(r, 300));
    const r = await call(w, 'DELETE', `/api/v1/orgs/acme/members/${project.ids.member}`, {
      token: project.tokens.owner,
    });
    expect(r.status).toBe(204);
    const { stderr } = await session.quit();
    expect(stderr).toMatch(/FATAL: {2}57P01: you are no longer a member of 'acme'/);
  });

  it('tells an idle libpq client why at its next statement', async () => {
    const developer = await credentials(w, project.tokens.developer as string, project.projectId);
    const session = interactivePsql(developer);
    session.type('\\set VERBOSITY verbose');
    session.type("SELECT 'ready';");
    expect(await session.output(/ready/)).toMatch(/ready/);
    const r = await call(w, 'DELETE', `/api/v1/orgs/acme/members/${project.ids.developer}`, {
      token: project.tokens.owner,
    });
    expect(r.status).toBe(204);
    await new Promise((r) => setTimeout(r, 2500));
    session.type('SELECT 1;');
    const { stderr } = await session.quit();
    expect(stderr).toMatch(/FATAL: {2}57P01: you are no longer a member of 'acme'/);
  });
});

describe('large results and COPY over TLS through libpq', () => {
  /** What psql -At prints for the rows of `query`, computed from a direct connection. */
  const expected = async (query: string, line: (row: { id: number; body: string }) => string) => {
    const rows = await direct(async (c) => (await c.query(query)).rows);
    return { rows: rows.length, sha: sha(rows.map((row) => `${line(row)}\n`).join('')) };
  };
  const sha = (s: string) => createHash('sha256').update(s).digest('hex');
  const lines = (s: string) => s.split('\n').length - 1;

  const QUERIES = [
    'SELECT id, body FROM blobs ORDER BY id',
    'SELECT id, body FROM blobs WHERE id % 3 = 1 ORDER BY length(body) DESC, id',
    'SELECT id, body FROM blobs WHERE length(body) > 15000 ORDER BY id DESC',
    'SELECT id, body FROM blobs WHERE id % 7 IN (2, 5) ORDER BY md5(body)',
  ];

  for (const [i, query] of QUERIES.entries()) {
    it(`\\copy (query ${i + 1}) TO STDOUT and the same SELECT arrive whole, within 20 s each`, async () => {
      const want = await expected(query, (r) => `${r.id}\t${r.body}`);
      const copy = await psql(owner, ['-q', '-c', `\\copy (${query}) TO STDOUT`], {
        sslmode: 'require',
        timeoutMs: 20_000,
      });
      expect(copy.code, `psql ${copy.code === null ? 'hung and was killed' : copy.stderr}`).toBe(0);
      expect(lines(copy.stdout)).toBe(want.rows);
      expect(sha(copy.stdout)).toBe(want.sha);
      const select = await psql(owner, ['-q', '-F', '\t', '-c', query], { timeoutMs: 20_000 });
      expect(select.code, `psql ${select.code === null ? 'hung and was killed' : select.stderr}`).toBe(0);
      expect(lines(select.stdout)).toBe(want.rows);
      expect(sha(select.stdout)).toBe(want.sha);
    });
  }

  it('a whole-table COPY to a pipe reads every byte', async () => {
    const total = await direct(
      async (c) =>
        (await c.query('SELECT sum(length(id::text) + 1 + octet_length(body) + 1)::bigint AS n FROM blobs'))
          .rows[0].n,
    );
    const r = await runClient('psql', ['-X', '-q', '-c', '\\copy blobs TO STDOUT'], pgEnv(owner), {
      timeoutMs: 20_000,
    });
    expect(r.code, r.stderr).toBe(0);
    expect(String(Buffer.byteLength(r.stdout))).toBe(String(total));
  });
});

/**
 * An event-loop libpq client: it reads with PQconsumeInput and waits on PQsocket() with poll(),
 * as async drivers do, and exits 3 if the socket stays unreadable for 5 s mid-result. Data left
 * inside OpenSSL (a TLS record larger than libpq's free buffer) never makes the socket readable.
 */
const ASYNC_CLIENT = `#include <libpq-fe.h>
#include <poll.h>
#include <stdio.h>
int main(int argc, char **argv) {
  PGconn *conn = PQconnectdb(argv[1]);
  if (PQstatus(conn) != CONNECTION_OK || !PQsendQuery(conn, argv[2])) {
    fprintf(stderr, "%s", PQerrorMessage(conn));
    return 2;
  }
  long rows = 0, bytes = 0;
  for (;;) {
    if (!PQconsumeInput(conn)) { fprintf(stderr, "%s", PQerrorMessage(conn)); return 2; }
    while (!PQisBusy(conn)) {
      PGresult *r = PQgetResult(conn);
      if (!r) { printf("%ld %ld\\n", rows, bytes); return 0; }
      if (PQresultStatus(r) != PGRES_TUPLES_OK) { fprintf(stderr, "%s", PQresultErrorMessage(r)); return 2; }
      rows += PQntuples(r);
      for (int i = 0; i < PQntuples(r); i++) bytes += PQgetlength(r, i, 1);
      PQclear(r);
    }
    struct pollfd p = { .fd = PQsocket(conn), .events = POLLIN };
    if (poll(&p, 1, 5000) == 0) { fprintf(stderr, "hung with %ld rows read\\n", rows); return 3; }
  }
}
`;

describe('large results over TLS to an event-loop libpq client', () => {
  let program: string | undefined;
  const include = '/usr/include/postgresql';

  // libpq's headers and a C compiler are installed by the test set-up (scripts/setup.mjs).
  beforeAll(async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ward-libpq-'));
    await writeFile(join(dir, 'async.c'), ASYNC_CLIENT);
    const built = await runClient(
      'cc',
      ['-o', join(dir, 'async'), join(dir, 'async.c'), `-I${include}`, '-lpq'],
      {},
    );
    if (built.code !== 0) throw new Error(`the libpq client did not compile: ${built.stderr}`);
    program = join(dir, 'async');
  });

  it('reads every row, never left waiting on a socket with data inside TLS', async () => {
    if (!program) throw new Error('no libpq client');
    const quote = (v: string) => `'${v.replace(/[\\']/g, (c) => `\\${c}`)}'`;
    const conninfo = Object.entries({
      host: owner.host,
      port: String(owner.port),
      user: owner.user,
      password: owner.password,
      dbname: owner.database,
      sslmode: 'verify-full',
      sslrootcert: owner.ca_cert_path,
    })
      .map(([k, v]) => `${k}=${quote(v)}`)
      .join(' ');
    // The whole random table, then small rows (libpq's buffer stays at 16 KB, so a 16 KB record
    // rarely fits what it has free), in sizes from a fixed seed.
    const queries = ['SELECT id, body FROM blobs ORDER BY id'];
    let seed = 7;
    const next = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return 1 + (seed % n);
    };
    for (let i = 0; i < 12; i++)
      queries.push(`SELECT g, repeat('x', ${next(300)}) FROM generate_series(1, ${next(5000)}) AS g`);
    // A run of small rows ending in one large row: the result's last TLS records carry most of it.
    for (let i = 0; i < 30; i++)
      queries.push(
        `SELECT g, repeat('x', CASE WHEN g = 40 THEN ${8000 + next(60_000)} ELSE ${next(400)} END) FROM generate_series(1, 40) AS g`,
      );
    for (const query of queries) {
      const want = await direct(async (c) => {
        const { rows } = await c.query(
          `SELECT count(*)::int AS n, sum(octet_length(b))::int AS b FROM (${query}) AS q(a, b)`,
        );
        return `${rows[0].n} ${rows[0].b ?? 0}`;
      });
      const r = await runClient(program as string, [conninfo, query], {}, { timeoutMs: 20_000 });
      expect(r.code, `${query}: ${r.stderr}`).toBe(0);
      expect(r.stdout.trim()).toBe(want);
    }
  });
});

describe('the backend key a client is given', () => {
  it('carries the server’s own pid: pg_backend_pid() and every notification agree with it', async () => {
    const listener = new pg.Client(pgConfig(owner));
    const notifier = new pg.Client(pgConfig(owner));
    await listener.connect();
    await notifier.connect();
    try {
      const got = new Promise<pg.Notification>((r) => listener.on('notification', r));
      await listener.query('LISTEN ward_pid');
      await listener.query("NOTIFY ward_pid, 'mine'");
      const own = await got;
      const pid = (await listener.query('SELECT pg_backend_pid() AS pid')).rows[0].pid;
      const keyPid = (listener as unknown as { processID: number }).processID;
      expect(own.payload).toBe('mine');
      expect(own.processId).toBe(pid);
      expect(keyPid).toBe(pid);
      const other = new Promise<pg.Notification>((r) => listener.on('notification', r));
      await notifier.query("NOTIFY ward_pid, 'theirs'");
      const theirs = await other;
      expect(theirs.processId).toBe((notifier as unknown as { processID: number }).processID);
      expect(theirs.processId).not.toBe(pid);
    } finally {
      await listener.end();
      await notifier.end();
    }
  });

  it('still cancels only with the gateway’s secret, which is not the server’s', async () => {
    const c = new pg.Client(pgConfig(owner));
    await c.connect();
    try {
      const { processID: pid, secretKey } = c as unknown as { processID: number; secretKey: number };
      const serverSecret = w.ward.services.gateway
        .running()
        ?.sessions()
        .find((s) => s.key.pid === pid)?.key.serverSecret;
      expect(serverSecret).toBeDefined();
      expect(secretKey).not.toBe(serverSecret);
      const sleeping = c.query('SELECT pg_sleep(3) AS slept');
      await new Promise((r) => setTimeout(r, 300));
      await cancelRequest(pid, secretKey + 1);
      await cancelRequest(pid, serverSecret as number);
      const started = Date.now();
      expect((await sleeping).rows).toEqual([{ slept: '' }]);
      expect(Date.now() - started).toBeGreaterThan(1500);
      const again = c.query('SELECT pg_sleep(10)').catch((e) => e);
      await new Promise((r) => setTimeout(r, 300));
      await cancelRequest(pid, secretKey);
      const err = await again;
      expect(err.code).toBe('57014');
    } finally {
      await c.end();
    }
  });
});

/** Sends a CancelRequest for (pid, secret) to the gateway, as libpq does, on a new connection. */
async function cancelRequest(pid: number, secret: number): Promise<void> {
  const b = Buffer.alloc(16);
  b.writeInt32BE(16, 0);
  b.writeInt32BE(80877102, 4);
  b.writeInt32BE(pid, 8);
  b.writeInt32BE(secret | 0, 12);
  const s = connect(owner.port, owner.host);
  s.on('error', () => undefined);
  await once(s, 'connect');
  s.end(b);
  await once(s, 'close');
}
