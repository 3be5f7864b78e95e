/**
 * Helpers for the gateway tests: a project with people in it, credentials through the API,
 * real clients (psql and pgbench as processes), and the statement events the gateway wrote.
 */
import { spawn } from 'node:child_process';
import { sql } from 'kysely';
import { call, orgWithRoles } from './access.js';
import { eventually, type TestWard } from './ward.js';

export interface Creds {
  user: string;
  password: string;
  host: string;
  port: number;
  database: string;
  uri: string;
  ca_cert: string;
  ca_cert_path: string;
  expires_at: string;
  id: string;
}

/** A new project of `org` in `region`, once it runs; its id. */
export async function runningProject(
  w: TestWard,
  token: string,
  org: string,
  name: string,
  region = 'local',
) {
  const r = await call(w, 'POST', `/api/v1/orgs/${org}/projects`, {
    token,
    body: { name, region_id: region },
  });
  if (r.status !== 201) throw new Error(`project ${name}: ${r.status} ${JSON.stringify(r.body)}`);
  const id = r.body.id as string;
  await eventually(async () => {
    const p = await call(w, 'GET', `/api/v1/projects/${id}`, { token });
    if (p.body.status === 'failed') throw new Error(`project failed: ${p.body.status_reason}`);
    return p.body.status === 'running' ? true : undefined;
  }, 60_000);
  return id;
}

/** An org with one person per role and a running project in `region`. */
export async function projectWithPeople(w: TestWard, org: string, name: string, region = 'local') {
  const people = await orgWithRoles(w, org);
  return { ...people, projectId: await runningProject(w, people.tokens.owner as string, org, name, region) };
}

export async function credentials(
  w: TestWard,
  token: string,
  projectId: string,
  ttl?: number,
): Promise<Creds> {
  const r = await call(w, 'POST', `/api/v1/projects/${projectId}/credentials`, {
    token,
    body: ttl ? { ttl_minutes: ttl } : {},
  });
  if (r.status !== 201) throw new Error(`credentials: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
}

/** node-postgres / postgres.js connection settings with verify-full TLS against Ward's CA. */
export const pgConfig = (c: Creds, extra: Record<string, unknown> = {}) => ({
  host: c.host,
  port: c.port,
  user: c.user,
  password: c.password,
  database: c.database,
  ssl: { ca: c.ca_cert, servername: 'localhost' },
  ...extra,
});

export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a PostgreSQL client program with PG* settings for `c`. */
export function runClient(
  program: string,
  args: string[],
  env: Record<string, string>,
  opts: { stdin?: string; timeoutMs?: number; onSpawn?: (pid: number) => void } = {},
): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(program, args, {
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: '/tmp', PGCONNECT_TIMEOUT: '10', ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 60_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    if (child.pid) opts.onSpawn?.(child.pid);
    child.stdin.end(opts.stdin ?? '');
  });
}

/** PG* variables for `c`: TLS verified against Ward's CA unless `sslmode` says otherwise. */
export const pgEnv = (c: Creds, sslmode = 'verify-full'): Record<string, string> => ({
  PGHOST: c.host,
  PGPORT: String(c.port),
  PGUSER: c.user,
  PGPASSWORD: c.password,
  PGDATABASE: c.database,
  PGSSLMODE: sslmode,
  PGSSLROOTCERT: c.ca_cert_path,
});

export const psql = (
  c: Creds,
  args: string[],
  opts: Parameters<typeof runClient>[3] & { sslmode?: string } = {},
) => runClient('psql', ['-X', '-v', 'ON_ERROR_STOP=1', '-At', ...args], pgEnv(c, opts.sslmode), opts);

/**
 * Every statement outcome recorded for a project, oldest first: the `db.statement.result` events,
 * and the successful outcomes that travelled in the session's next `db.statement` event
 * (`details.previous`); `folded` says which.
 */
export async function statementOutcomes(w: TestWard, projectId: string) {
  const own = (await dbEvents(w, 'db.statement.result', projectId)).map((e) => ({
    ...e.details,
    outcome: e.outcome,
    folded: false,
  }));
  const folded = (await dbEvents(w, 'db.statement', projectId))
    .filter((e) => e.details.previous)
    .map((e) => ({ ...e.details.previous, outcome: 'success', folded: true }));
  return [...own, ...folded];
}

/** The gateway's events of one action for a project, oldest first. */
export async function dbEvents(w: TestWard, action: string, projectId: string) {
  const { rows } = await sql<{ outcome: string; body: string; time: Date }>`
    SELECT outcome, body, time FROM ward.audit_log
     WHERE action = ${action} AND project_id = ${projectId} ORDER BY chain_id, seq`.execute(
    w.ward.services.db,
  );
  // What an event says is its hashed record.
  return rows.map((r) => {
    const e = JSON.parse(r.body);
    return { outcome: r.outcome, actor: e.actor, details: e.details, time: r.time };
  });
}
