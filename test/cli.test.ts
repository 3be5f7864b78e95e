/**
 * The `ward` CLI as a built binary (dist/main.js, what `npx ward` runs) against a real Ward:
 * tables for people, JSON for scripts, one line and a non-zero exit on error.
 */
import { mkdtemp, readFile, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { failsWith, runWard } from './support/cli.js';
import { PASSWORD, startTestWard, type TestWard } from './support/ward.js';

let w: TestWard;
let configDir: string;

const ward = (args: string[], opts: { stdin?: string; env?: Record<string, string> } = {}) =>
  runWard(args, { url: w.url, configDir }, opts);

beforeAll(async () => {
  w = await startTestWard();
  configDir = await mkdtemp(join(tmpdir(), 'ward-cli-'));
  await w.user('alice@acme.test');
});
afterAll(() => w?.stop());

describe('ward CLI', () => {
  it('explains itself', async () => {
    const help = await ward(['--help']);
    expect(help.code).toBe(0);
    for (const cmd of ['up', 'login', 'org', 'project', 'token', 'user', 'region'])
      expect(help.stdout).toMatch(new RegExp(`\\n\\s+${cmd}\\b`));
    const project = await ward(['project', 'create', '--help']);
    expect(project.stdout).toMatch(/--region <region>/);
    expect(project.stdout).toMatch(/--json/);
  });

  it('says how to sign in when there is no session', async () => {
    failsWith(await ward(['org', 'list']), /not signed in to http:\/\/127\.0\.0\.1:\d+: run `ward login`/, {
      quiet: true,
    });
  });

  it('signs in with the password on stdin and keeps the session in a 0600 file', async () => {
    const bad = await ward(['login', '--email', 'alice@acme.test', '--password-stdin'], {
      stdin: 'wrong password\n',
    });
    failsWith(bad, /email or password is incorrect/, { quiet: true });
    const r = await ward(['login', '--email', 'alice@acme.test', '--password-stdin'], {
      stdin: `${PASSWORD}\n`,
    });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Signed in to http:\/\/127\.0\.0\.1:\d+ as alice@acme\.test until /);
    const file = join(configDir, 'credentials.json');
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(JSON.parse(await readFile(file, 'utf8')).token).toMatch(/^ward_ses_/);
    const me = await ward(['whoami', '--json']);
    expect(JSON.parse(me.stdout)).toMatchObject({ email: 'alice@acme.test', operator: false });
  });

  it('creates and lists orgs, with one clear line on a conflict', async () => {
    const r = await ward(['org', 'create', 'acme']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Created organization acme \(org_[a-z2-7]{16}\); you are its owner\n$/);
    failsWith(await ward(['org', 'create', 'acme']), /an organization named 'acme' already exists/, {
      quiet: true,
    });
    failsWith(await ward(['org', 'create', 'Not Valid']), /body\.name: /, { quiet: true });
    const table = await ward(['org', 'list']);
    expect(table.stdout).toMatch(/│ acme │ basic │\s+│ owner │ org_/);
    const json = JSON.parse((await ward(['org', 'list', '--json'])).stdout);
    expect(json.map((o: any) => o.name)).toEqual(['acme']);
  });

  let projectId: string;

  it('creates a project and waits until it runs', async () => {
    const r = await ward(['project', 'create', '--org', 'acme', '--name', 'records', '--region', 'local']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const m = /^Project records \((prj_[a-z2-7]{16})\) is running in local\n$/.exec(r.stdout);
    expect(m).not.toBeNull();
    projectId = m?.[1] ?? '';
  });

  it('refuses bad project input with one line', async () => {
    failsWith(
      await ward(['project', 'create', '--org', 'acme', '--name', 'records', '--region', 'local']),
      /already has a project named 'records'/,
      { quiet: true },
    );
    failsWith(
      await ward(['project', 'create', '--org', 'acme', '--name', 'other', '--region', 'mars']),
      /unknown region 'mars'/,
      { quiet: true },
    );
    failsWith(
      await ward([
        'project',
        'create',
        '--org',
        'acme',
        '--name',
        'hip',
        '--region',
        'local-hipaa',
        '--hipaa',
      ]),
      /does not have HIPAA enabled/,
      { quiet: true },
    );
    failsWith(
      await ward(['project', 'create', '--org', 'globex', '--name', 'x1', '--region', 'local']),
      /no organization 'globex'/,
      { quiet: true },
    );
    const missing = await ward(['project', 'create', '--org', 'acme']);
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toMatch(/required option '--name <name>' not specified/);
  });

  it('lists and shows projects as tables and JSON', async () => {
    const table = await ward(['project', 'list']);
    expect(table.stdout).toMatch(/│ records │ acme │ local\s+│ standard │ running │ prj_/);
    const list = JSON.parse((await ward(['project', 'list', '--org', 'acme', '--json'])).stdout);
    expect(list).toEqual([expect.objectContaining({ id: projectId, name: 'records', status: 'running' })]);
    const show = await ward(['project', 'show', 'records']);
    expect(show.stdout).toMatch(/^name\s+records$/m);
    expect(show.stdout).toMatch(/^status\s+running$/m);
    const byId = JSON.parse((await ward(['project', 'show', projectId, '--json'])).stdout);
    expect(byId.cluster.state).toBe('running');
    failsWith(await ward(['project', 'show', 'nothing']), /no project 'nothing' in your organizations/, {
      quiet: true,
    });
    failsWith(await ward(['project', 'show', 'prj_aaaaaaaaaaaaaaaa']), /no project 'prj_aaaaaaaaaaaaaaaa'/, {
      quiet: true,
    });
  });

  it('requires TLS until an owner allows plaintext from loopback, which the HIPAA status lists', async () => {
    expect((await ward(['project', 'show', 'records'])).stdout).toMatch(/^connections\s+TLS required$/m);
    const allowed = await ward(['project', 'set', 'records', '--plaintext', 'allowed']);
    expect(allowed.stderr).toBe('');
    expect(allowed.stdout).toBe(
      'records: plaintext allowed from loopback (127.0.0.1, ::1); every other connection needs TLS\n',
    );
    expect((await ward(['project', 'show', 'records'])).stdout).toMatch(
      /^connections\s+TLS, or plaintext from loopback$/m,
    );
    expect((await ward(['org', 'hipaa', 'status', 'acme'])).stdout).toMatch(
      /^plaintext allowed\s+records \(from loopback; ward project set <project> --plaintext refused\)$/m,
    );
    const bad = await ward(['project', 'set', 'records', '--plaintext', 'sometimes']);
    failsWith(bad, /--plaintext 'sometimes' is not allowed or refused/, { quiet: true });
    expect(bad.code).toBe(2);
    const refused = await ward(['project', 'set', 'records', '--plaintext', 'refused', '--json']);
    expect(JSON.parse(refused.stdout).settings.allow_plaintext).toBe(false);
    expect((await ward(['org', 'hipaa', 'status', 'acme'])).stdout).toMatch(
      /^plaintext allowed\s+none: every project requires TLS$/m,
    );
  });

  it('deletes a project', async () => {
    const r = await ward(['project', 'delete', 'records', '--org', 'acme']);
    expect(r.stdout).toBe(`Project records (${projectId}) is deleted\n`);
    expect(JSON.parse((await ward(['project', 'list', '--json'])).stdout)).toEqual([]);
  });

  it('creates, lists and revokes a personal token, which then works as WARD_TOKEN until revoked', async () => {
    const created = await ward(['token', 'create', '--name', 'ci', '--expires-in', '7d', '--json']);
    const token = JSON.parse(created.stdout);
    expect(token.token).toMatch(/^ward_pat_/);
    const who = await ward(['whoami', '--json'], {
      env: { WARD_TOKEN: token.token, WARD_CONFIG_DIR: join(configDir, 'none') },
    });
    expect(JSON.parse(who.stdout).email).toBe('alice@acme.test');
    const list = await ward(['token', 'list']);
    expect(list.stdout).toContain(token.id);
    expect(list.stdout).not.toContain(token.token);
    expect((await ward(['token', 'revoke', token.id])).stdout).toBe(`Revoked ${token.id} 'ci'\n`);
    failsWith(await ward(['whoami'], { env: { WARD_TOKEN: token.token } }), /revoked/, { quiet: true });
    failsWith(
      await ward(['token', 'create', '--name', 'x', '--expires-in', 'forever']),
      /--expires-in 'forever' is not a number of days/,
      { quiet: true },
    );
  });

  it('creates a personal token narrowed by --scopes, and refuses a scope that does not exist', async () => {
    const made = await ward([
      'token',
      'create',
      '--name',
      'db-only',
      '--expires-in',
      '1d',
      '--scopes',
      'db:connect, projects:read',
      '--json',
    ]);
    const token = JSON.parse(made.stdout);
    expect(token.scopes).toEqual(['db:connect', 'projects:read']);
    const list = await ward(['token', 'list']);
    expect(list.stdout).toMatch(new RegExp(`${token.id}\\s*│\\s*db-only\\s*│\\s*db:connect projects:read`));
    failsWith(
      await ward(['token', 'create', '--name', 'x', '--expires-in', '1d', '--scopes', 'root']),
      /scopes/,
      { quiet: true },
    );
  });

  it('creates an account from a script with a generated password, shown once, and names --password-stdin where one is needed', async () => {
    const operator = { WARD_TOKEN: await w.adminToken() };
    const made = await ward(['user', 'create', '--email', 'gen@acme.test', '--name', 'Gen Eric'], {
      env: operator,
    });
    expect(made.code).toBe(0);
    const [, password] =
      /^Initial password, shown once \(give it to them over a secure channel; they sign in with it\): (\S+)$/m.exec(
        made.stdout,
      ) ?? [];
    expect(password).toMatch(/^\S{16,}$/);
    expect(made.stdout).toMatch(/^Created gen@acme\.test \(usr_/m);
    await expect(w.login('gen@acme.test', password as string)).resolves.toMatch(/\S/);
    // The event says a password was generated, and holds none.
    const events = await w.ward.services.db
      .selectFrom('audit_events')
      .select('body')
      .where('action', '=', 'user.create')
      .execute();
    const mine = events
      .map((e) => JSON.parse(String(e.body)))
      .find((e) => e.details.email === 'gen@acme.test');
    expect(mine.details.password).toBe('generated');
    expect(JSON.stringify(events)).not.toContain(password);
    // With no terminal, sign-in says how to pass the password.
    failsWith(await ward(['login', '--email', 'gen@acme.test']), /pass it with --password-stdin/, {
      quiet: true,
    });
  });

  it('only lets the operator create accounts', async () => {
    failsWith(
      await ward(['user', 'create', '--email', 'z@acme.test', '--name', 'Z', '--password-stdin'], {
        stdin: `${PASSWORD}\n`,
      }),
      /only the operator can create accounts/,
      { quiet: true },
    );
  });

  it('signs out', async () => {
    expect((await ward(['logout'])).stdout).toBe('Signed out.\n');
    failsWith(await ward(['whoami']), /not signed in/, { quiet: true });
  });

  it('says so when Ward is not running', async () => {
    failsWith(
      await ward(['whoami'], { env: { WARD_URL: 'http://127.0.0.1:9', WARD_TOKEN: 'x' } }),
      /cannot reach Ward at http:\/\/127\.0\.0\.1:9 .*is `ward up` running\?/,
      { quiet: true },
    );
  });
});
