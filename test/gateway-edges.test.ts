/**
 * The gateway's CLI and console edges against a real Ward: `ward db credentials` (the built
 * binary) prints a password and a URI that psql connects with; `ward db audit-delivery` shows
 * and sets a project's delivery; the project page in a real browser issues credentials and
 * switches delivery; and a project on asynchronous delivery still records every statement.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call } from './support/access.js';
import { runWard } from './support/cli.js';
import {
  type Creds,
  dbEvents,
  pgEnv,
  projectWithPeople,
  psql,
  runClient,
  statementOutcomes,
} from './support/gateway.js';
import { eventually, PASSWORD, startTestWard, type TestWard } from './support/ward.js';

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

let w: TestWard;
let project: Awaited<ReturnType<typeof projectWithPeople>>;

/** The CLI with a token and no session (its config directory does not exist). */
const ward = (args: string[], token: string) =>
  runWard(
    args,
    { url: w.url, configDir: join(tmpdir(), 'ward-none') },
    { env: { HOME: tmpdir(), WARD_TOKEN: token } },
  );

beforeAll(async () => {
  w = await startTestWard();
  project = await projectWithPeople(w, 'acme', 'records');
});
afterAll(() => w?.stop());

describe('ward db', () => {
  it('credentials: a table for people with a psql command that works, JSON for scripts', async () => {
    const r = await ward(
      ['db', 'credentials', '--project', 'records', '--ttl', '30m'],
      project.tokens.developer as string,
    );
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/^user\s+developer@acme\.test$/m);
    expect(r.stdout).toMatch(/^role\s+readwrite \(database role developer@acme\.test\)$/m);
    const password = /^password\s+(\S+)$/m.exec(r.stdout)?.[1] ?? '';
    const uri = /^uri\s+(\S+)$/m.exec(r.stdout)?.[1] ?? '';
    expect(r.stdout).toContain(`PGPASSWORD='${password}' psql "${uri}"`);
    const expires = /^expires\s+(\S+)$/m.exec(r.stdout)?.[1] ?? '';
    expect(Date.parse(expires) - Date.now()).toBeGreaterThan(29 * 60_000);
    const viaUri = await runClient('psql', ['-X', '-At', uri, '-c', 'SELECT current_user'], {
      PGPASSWORD: password,
    });
    expect(viaUri.stdout.trim()).toBe('developer@acme.test');
    const json = JSON.parse(
      (await ward(['db', 'credentials', '--project', 'records', '--json'], project.tokens.member as string))
        .stdout,
    );
    expect(json).toMatchObject({
      user: 'member@acme.test',
      project_role: 'readonly',
      database: 'records',
      sslmode: 'verify-full',
    });
  });

  it('fails with one line: too long a ttl, an auditor, an unknown project', async () => {
    const long = await ward(
      ['db', 'credentials', '--project', 'records', '--ttl', '2h'],
      project.tokens.developer as string,
    );
    expect(long.code).not.toBe(0);
    expect(long.stderr).toMatch(/^ward: body\.ttl_minutes: .*at most 60/);
    const auditor = await ward(
      ['db', 'credentials', '--project', 'records'],
      project.tokens.auditor as string,
    );
    expect(auditor.stderr.trim().split('\n')).toHaveLength(1);
    expect(auditor.stderr).toMatch(/^ward: /);
    const none = await ward(
      ['db', 'credentials', '--project', 'nothing'],
      project.tokens.developer as string,
    );
    expect(none.stderr).toBe("ward: no project 'nothing' in your organizations\n");
  });

  it('audit-delivery: shows and sets it; HIPAA projects stay sync', async () => {
    expect((await ward(['db', 'audit-delivery', 'records'], project.tokens.owner as string)).stdout).toBe(
      'records: audit delivery sync\n',
    );
    const set = await ward(
      ['db', 'audit-delivery', 'records', 'async', '--json'],
      project.tokens.owner as string,
    );
    expect(JSON.parse(set.stdout)).toMatchObject({ name: 'records', audit_delivery: 'async' });
    const dev = await ward(['db', 'audit-delivery', 'records', 'sync'], project.tokens.developer as string);
    expect(dev.code).not.toBe(0);
    await ward(['db', 'audit-delivery', 'records', 'sync'], project.tokens.owner as string);
  });
});

describe('an application', () => {
  it('connects as its service account with a db:connect token as the password, its name as the user', async () => {
    const sa = await call(w, 'POST', '/api/v1/orgs/acme/service-accounts', {
      token: project.tokens.owner,
      body: { name: 'etl', role: 'developer' },
    });
    expect(sa.status).toBe(201);
    const t = await call(w, 'POST', `/api/v1/orgs/acme/service-accounts/${sa.body.id}/tokens`, {
      token: project.tokens.owner,
      body: { name: 'etl-db', scopes: ['db:connect'], expires_in_days: 30 },
    });
    expect(t.status).toBe(201);
    const creds = (
      await call(w, 'POST', `/api/v1/projects/${project.projectId}/credentials`, {
        token: project.tokens.developer,
        body: {},
      })
    ).body as Creds;
    const r = await psql({ ...creds, user: 'etl', password: t.body.token }, ['-c', 'SELECT session_user']);
    expect(r.stderr).toBe('');
    expect(r.stdout.trim()).toBe('etl@acme.service');
  });

  it('keeps its db:connect token working as the password while it also holds database passwords, channel-bound', async () => {
    const sa = await call(w, 'POST', '/api/v1/orgs/acme/service-accounts', {
      token: project.tokens.owner,
      body: { name: 'loader', role: 'developer' },
    });
    const token = (
      await call(w, 'POST', `/api/v1/orgs/acme/service-accounts/${sa.body.id}/tokens`, {
        token: project.tokens.owner,
        body: { name: 'loader-db', scopes: ['db:connect'], expires_in_days: 30 },
      })
    ).body;
    // The account issues itself a short-lived password; before, that made the gateway refuse the token.
    const issued = await call(w, 'POST', `/api/v1/projects/${project.projectId}/credentials`, {
      token: token.token,
      body: {},
    });
    expect(issued.status).toBe(201);
    const creds = issued.body as Creds;
    // channel_binding=require: libpq accepts only SCRAM-SHA-256-PLUS, never a password in the clear.
    const connect = (password: string) =>
      runClient('psql', ['-X', '-At', '-c', 'SELECT session_user'], {
        ...pgEnv({ ...creds, password }),
        PGCHANNELBINDING: 'require',
      });
    for (const password of [token.token, creds.password, token.token]) {
      const r = await connect(password);
      expect(r.stderr).toBe('');
      expect(r.stdout.trim()).toBe('loader@acme.service');
    }
    const opened = (await dbEvents(w, 'db.connect', project.projectId)).filter(
      (e) => e.outcome === 'success' && e.details.login === 'loader',
    );
    expect(opened.map((e) => [e.details.method, e.details.token_id ?? e.details.credential_id])).toEqual([
      ['token', token.id],
      ['scram', creds.id],
      ['token', token.id],
    ]);
    // A revoked token stops working at once; the password goes on.
    const revoked = await call(
      w,
      'DELETE',
      `/api/v1/orgs/acme/service-accounts/${sa.body.id}/tokens/${token.id}`,
      { token: project.tokens.owner },
    );
    expect(revoked.status).toBe(200);
    const refused = await connect(token.token);
    expect(refused.stderr).toMatch(/password authentication failed for user "loader"/);
    expect((await connect(creds.password)).stdout.trim()).toBe('loader@acme.service');
  });

  it("takes a person's db:connect token beside the person's own database password", async () => {
    const creds = (
      await call(w, 'POST', `/api/v1/projects/${project.projectId}/credentials`, {
        token: project.tokens.member,
        body: {},
      })
    ).body as Creds;
    const made = await call(w, 'POST', '/api/v1/tokens', {
      token: project.tokens.member,
      body: { name: 'notebook', expires_in_days: 1, scopes: ['db:connect'] },
    });
    const other = await call(w, 'POST', '/api/v1/tokens', {
      token: project.tokens.member,
      body: { name: 'reader', expires_in_days: 1, scopes: ['projects:read'] },
    });
    const ok = await psql({ ...creds, password: made.body.token }, ['-c', 'SELECT current_user']);
    expect(ok.stderr).toBe('');
    expect(ok.stdout.trim()).toBe('member@acme.test');
    const noScope = await psql({ ...creds, password: other.body.token }, ['-c', 'SELECT 1']);
    expect(noScope.stderr).toMatch(/password authentication failed for user "member@acme.test"/);
  });
});

describe('asynchronous delivery', () => {
  it('does not hold results, and still records every statement and its outcome', async () => {
    await call(w, 'PATCH', `/api/v1/projects/${project.projectId}`, {
      token: project.tokens.owner,
      body: { settings: { audit_delivery: 'async' } },
    });
    const c = (
      await call(w, 'POST', `/api/v1/projects/${project.projectId}/credentials`, {
        token: project.tokens.owner,
        body: {},
      })
    ).body as Creds;
    const script = Array.from({ length: 200 }, (_, i) => `SELECT ${i} AS n;`).join('\n');
    const r = await psql(c, ['-f', '-'], { stdin: script });
    expect(r.stdout.trim().split('\n')).toHaveLength(200);
    const session = (await dbEvents(w, 'db.connect', project.projectId)).at(-1)?.details.session_id;
    expect((await dbEvents(w, 'db.connect', project.projectId)).at(-1)?.details.audit_delivery).toBe('async');
    await eventually(async () => {
      const results = (await statementOutcomes(w, project.projectId)).filter((e) => e.session_id === session);
      return results.length === 200 ? true : undefined;
    });
    await call(w, 'PATCH', `/api/v1/projects/${project.projectId}`, {
      token: project.tokens.owner,
      body: { settings: { audit_delivery: 'sync' } },
    });
  });
});

describe('the project page', () => {
  let profile: string;
  let context: BrowserContext;
  let page: Page;

  beforeAll(async () => {
    profile = await mkdtemp(join(tmpdir(), 'ward-chromium-'));
    context = await chromium.launchPersistentContext(profile, {
      executablePath: '/usr/bin/chromium',
      headless: true,
      args: CHROMIUM_ARGS,
      baseURL: w.url,
    });
    context.setDefaultTimeout(10_000);
    page = context.pages()[0] ?? (await context.newPage());
  });
  afterAll(async () => {
    await context?.close();
    if (profile) await rm(profile, { recursive: true, force: true });
  });

  it('issues database credentials that psql connects with, and switches audit delivery', async () => {
    await page.goto('/');
    await page.getByLabel('Email').fill('owner@acme.test');
    await page.getByRole('textbox', { name: 'Password' }).fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Organizations', level: 1 }).waitFor();
    await page.goto(`/projects/${project.projectId}`);
    await page.getByRole('heading', { name: 'Database', level: 2 }).waitFor();
    await page.getByRole('button', { name: 'Get database credentials' }).click();
    const table = page.getByRole('table', { name: 'Database credentials' });
    await table.waitFor();
    const password =
      (await table
        .getByRole('row', { name: /Password/ })
        .getByRole('cell')
        .textContent()) ?? '';
    const uri = (await table.getByRole('row', { name: /URI/ }).getByRole('cell').textContent()) ?? '';
    expect(uri).toMatch(/^postgresql:\/\/owner%40acme\.test@127\.0\.0\.1:\d+\/records\?sslmode=verify-full/);
    const r = await runClient('psql', ['-X', '-At', uri, '-c', 'SELECT session_user'], {
      PGPASSWORD: password,
    });
    expect(r.stdout.trim()).toBe('owner@acme.test');

    await page.getByRole('radio', { name: 'Asynchronous' }).click();
    await page.getByRole('status').filter({ hasText: 'Audit delivery is now asynchronous' }).waitFor();
    const p = await call(w, 'GET', `/api/v1/projects/${project.projectId}`, { token: project.tokens.owner });
    expect(p.body.settings.audit_delivery).toBe('async');
  });
});
