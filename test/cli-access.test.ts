/**
 * The identity and access commands of the built `ward` binary against a real Ward: MFA, the
 * session policy, members, grants, service accounts, break-glass, access reviews, accounts.
 * Tables for people, JSON for scripts, one line and a non-zero exit on error.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, orgWithRoles, totpAt } from './support/access.js';
import { failsWith, runWard } from './support/cli.js';
import { PASSWORD, startTestWard, type TestWard } from './support/ward.js';

let w: TestWard;
let configDir: string;
let projectId: string;

const ward = (args: string[], opts: { stdin?: string; env?: Record<string, string> } = {}) =>
  runWard(args, { url: w.url, configDir }, opts);

beforeAll(async () => {
  w = await startTestWard();
  configDir = await mkdtemp(join(tmpdir(), 'ward-cli-access-'));
  await orgWithRoles(w, 'acme');
  const owner = await w.login('owner@acme.test', PASSWORD);
  projectId = (
    await call(w, 'POST', '/api/v1/orgs/acme/projects', {
      token: owner,
      body: { name: 'records', region_id: 'local' },
    })
  ).body.id;
  const r = await ward(['login', '--email', 'owner@acme.test', '--password-stdin'], {
    stdin: `${PASSWORD}\n`,
  });
  if (r.code !== 0) throw new Error(r.stderr);
}, 120_000);
afterAll(() => w?.stop());

describe('ward CLI: identity and access', () => {
  let secret: string;

  it('enrolls two-step verification with a terminal QR code, then needs the code to sign in', async () => {
    const start = await ward(['mfa', 'enroll']);
    expect(start.code).toBe(0);
    expect(start.stdout).toMatch(/[▀▄█]/);
    secret = /type the secret ([A-Z2-7]+)/.exec(start.stdout)?.[1] ?? '';
    failsWith(await ward(['mfa', 'confirm', '000000']), /does not match/);
    const ok = await ward(['mfa', 'confirm', await totpAt(secret)]);
    expect(ok.stdout.match(/^ {2}[a-z2-7]{4}-/gm)).toHaveLength(10);
    failsWith(
      await ward(['login', '--email', 'owner@acme.test', '--password-stdin'], { stdin: `${PASSWORD}\n` }),
      /enter the 6-digit code/,
    );
    const again = await ward(
      ['login', '--email', 'owner@acme.test', '--password-stdin', '--totp', await totpAt(secret, 1)],
      {
        stdin: `${PASSWORD}\n`,
      },
    );
    expect(again.code).toBe(0);
    expect(JSON.parse((await ward(['mfa', 'status', '--json'])).stdout)).toMatchObject({
      totp: 'enabled',
      recovery_codes_left: 10,
    });
  });

  it('sets the session policy and refuses one out of range with one line', async () => {
    const r = await ward([
      'org',
      'set',
      'acme',
      '--session-idle-minutes',
      '10',
      '--session-absolute-hours',
      '8',
      '--require-mfa',
      'yes',
    ]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^session idle limit\s+10 min$/m);
    expect(r.stdout).toMatch(/^require MFA\s+yes$/m);
    failsWith(await ward(['org', 'set', 'acme', '--session-idle-minutes', '90']), /session_idle_minutes/);
  });

  it('changes roles and refuses to remove the last owner', async () => {
    expect(
      (
        await ward([
          'org',
          'member',
          'set-role',
          '--org',
          'acme',
          '--email',
          'member@acme.test',
          '--role',
          'auditor',
        ])
      ).stdout,
    ).toBe('member@acme.test is now auditor in acme\n');
    failsWith(
      await ward(['org', 'member', 'remove', '--org', 'acme', '--email', 'owner@acme.test']),
      /would have no owner left/,
    );
  });

  it('grants project roles and shows who can reach the data', async () => {
    expect(
      (await ward(['project', 'grant', projectId, '--email', 'developer@acme.test', '--role', 'readonly']))
        .code,
    ).toBe(0);
    const table = await ward(['project', 'access', projectId]);
    expect(table.stdout).toMatch(/│ developer@acme\.test\s+│ developer\s+│ none\s+│/);
    const json = JSON.parse((await ward(['project', 'access', projectId, '--json'])).stdout);
    expect(json.find((a: any) => a.email === 'developer@acme.test').grant).toBe('readonly');
    failsWith(
      await ward(['project', 'grant', projectId, '--email', 'member@acme.test', '--role', 'readonly']),
      /auditors see audit/,
    );
  });

  it('creates a service account and a scoped token that works as WARD_TOKEN', async () => {
    expect((await ward(['sa', 'create', '--org', 'acme', '--name', 'deployer'])).stdout).toMatch(
      /^Created service account deployer/,
    );
    const t = JSON.parse(
      (
        await ward([
          'sa',
          'token',
          'create',
          'deployer',
          '--org',
          'acme',
          '--token-name',
          'ci',
          '--scopes',
          'projects:read',
          '--expires-in',
          '30d',
          '--json',
        ])
      ).stdout,
    );
    expect(t.token).toMatch(/^ward_sat_/);
    const list = await ward(['project', 'list', '--org', 'acme', '--json'], { env: { WARD_TOKEN: t.token } });
    expect(JSON.parse(list.stdout)[0].name).toBe('records');
    failsWith(
      await ward(['org', 'create', 'sneaky'], { env: { WARD_TOKEN: t.token } }),
      /service account cannot/,
    );
    expect((await ward(['sa', 'list', '--org', 'acme'])).stdout).toMatch(/│ deployer │ developer │/);
  });

  it('requests break-glass access, lists it flagged, and an owner reviews it', async () => {
    const admin = join(configDir, 'admin');
    const env = { WARD_CONFIG_DIR: admin };
    await ward(['login', '--email', 'admin@acme.test', '--password-stdin'], { stdin: `${PASSWORD}\n`, env });
    const enroll = await ward(['mfa', 'enroll', '--json'], { env });
    await ward(['mfa', 'confirm', await totpAt(JSON.parse(enroll.stdout).secret)], { env });
    await ward(['project', 'grant', projectId, '--email', 'admin@acme.test', '--role', 'readonly']);
    failsWith(await ward(['break-glass', 'request', projectId, '--reason', 'short'], { env }), /reason/);
    const bg = await ward(
      [
        'break-glass',
        'request',
        projectId,
        '--reason',
        'incident 12: restore a dropped table',
        '--role',
        'owner',
        '--json',
      ],
      { env },
    );
    const id = JSON.parse(bg.stdout).id as string;
    expect((await ward(['break-glass', 'list', '--org', 'acme'])).stdout).toMatch(
      /│ admin@acme\.test\s+│ owner\s+│.*│ yes\s+│ yes\s+│/,
    );
    failsWith(
      await ward(['break-glass', 'review', id, '--org', 'acme', '--note', 'mine'], { env }),
      /needs the owner role/,
    );
    expect(
      (await ward(['break-glass', 'review', id, '--org', 'acme', '--note', 'checked incident 12'])).stdout,
    ).toBe(`Reviewed ${id}\n`);
  });

  it('runs an access review from the terminal', async () => {
    const start = await ward(['access-review', 'start', '--org', 'acme', '--json']);
    const review = JSON.parse(start.stdout);
    for (const item of review.items) {
      const r = await ward([
        'access-review',
        'decide',
        review.id,
        '--org',
        'acme',
        '--email',
        item.email,
        item.email === 'member@acme.test' ? '--revoke' : '--keep',
      ]);
      expect(r.code, r.stderr).toBe(0);
    }
    const done = await ward(['access-review', 'complete', review.id, '--org', 'acme']);
    expect(done.stdout).toMatch(/is complete; evidence SHA-256 [0-9a-f]{64}/);
  });

  it('lets the operator disable and unlock accounts', async () => {
    const env = { WARD_CONFIG_DIR: join(configDir, 'op') };
    await ward(['login', '--email', 'admin@localhost', '--password-stdin'], {
      stdin: `${w.adminPassword}\n`,
      env,
    });
    expect((await ward(['user', 'disable', 'developer@acme.test'], { env })).stdout).toBe(
      'developer@acme.test: disabled\n',
    );
    expect((await ward(['user', 'unlock', 'developer@acme.test'], { env })).stdout).toBe(
      'developer@acme.test: unlocked\n',
    );
    failsWith(await ward(['user', 'disable', 'developer@acme.test']), /only the operator/);
  });
});
