/**
 * `ward compliance publicity`, `ward compliance notices` and `ward subprocessor` of the built
 * binary against a real Ward: an owner shows the switches (off), turns the badge on and gets its
 * public URL; the operator is refused a date inside the notice period, announces a subprocessor,
 * changes and removes it; the owner lists the notices; anyone lists the subprocessors; a bad
 * switch or a non-operator fails with one `ward: …` line.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { earliestEffective } from '../src/compliance/index.js';
import { failsWith, type Run, runWard } from './support/cli.js';
import { enableHipaa, mfaUser, startHipaaWard } from './support/hipaa.js';
import type { TestWard } from './support/ward.js';

let w: TestWard;
let dir: string;
let owner: string;
let operator: string;
let orgId: string;

const ward = (token: string, args: string[]) =>
  runWard(args, { url: w.url, configDir: dir }, { env: { WARD_TOKEN: token } });
const asOwner = (...args: string[]) => ward(owner, args);
const asOperator = (...args: string[]) => ward(operator, args);

function ok(r: Run): string {
  expect(r.stderr, r.stderr).toBe('');
  expect(r.code).toBe(0);
  return r.stdout;
}

beforeAll(async () => {
  w = await startHipaaWard();
  dir = await mkdtemp(join(tmpdir(), 'ward-cli-publicity-'));
  owner = await mfaUser(w, 'owner@acme-cli.test');
  operator = await w.adminToken();
  orgId = (await w.request('POST', '/api/v1/orgs', { token: owner, body: { name: 'acme' } })).body.id;
  await enableHipaa(w, 'acme', owner);
}, 120_000);
afterAll(async () => {
  await w?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('ward compliance publicity', () => {
  it('shows both switches off, turns the badge on and prints its public URL', async () => {
    const shown = ok(await asOwner('compliance', 'publicity', '--org', 'acme'));
    expect(shown).toMatch(/^badge\s+off$/m);
    expect(shown).toMatch(/^trust page\s+off$/m);
    const on = ok(await asOwner('compliance', 'publicity', '--org', 'acme', '--badge', 'on'));
    expect(on).toContain(`badge       ${w.url}/badge/${orgId}.svg`);
    expect(on).toMatch(/^trust page\s+off$/m);
    expect(on).toContain(`Embed: ![HIPAA](${w.url}/badge/${orgId}.svg)`);
    const svg = await (await fetch(`${w.url}/badge/${orgId}.svg`)).text();
    expect(svg).toMatch(/HIPAA: Required \d+% · Addressable \d+% · checked \d{4}-\d{2}-\d{2}/);
    const json = JSON.parse(ok(await asOwner('compliance', 'publicity', '--org', 'acme', '--json')));
    expect(json).toMatchObject({ badge: true, trust_page: false, updated_by: 'owner@acme-cli.test' });
  });

  it('refuses a switch that is not on or off, and a caller who is not an owner', async () => {
    failsWith(
      await asOwner('compliance', 'publicity', '--org', 'acme', '--badge', 'yes'),
      /--badge must be on or off/,
      {
        quiet: true,
      },
    );
    failsWith(
      await asOperator('compliance', 'publicity', '--org', 'acme', '--trust-page', 'on'),
      /turn the public badge and trust page on or off in 'acme' needs the owner role/,
      { quiet: true },
    );
  });
});

describe('ward subprocessor', () => {
  let id: string;

  it('refuses the operator a date inside the notice period, naming the earliest day', async () => {
    const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
    const add = [
      'subprocessor',
      'add',
      '--name',
      'Example Cloud',
      '--purpose',
      'backups',
      '--location',
      'US',
    ];
    failsWith(
      await asOperator(...add, '--phi', 'yes', '--effective', tomorrow),
      new RegExp(`at the earliest on ${earliestEffective(new Date(), 30).day}`),
      { quiet: true },
    );
    failsWith(await asOperator(...add, '--phi', 'maybe', '--effective', tomorrow), /--phi must be yes or no/);
    failsWith(
      await asOwner(...add, '--phi', 'yes', '--effective', earliestEffective(new Date(), 30).day),
      /operator/,
    );
  });

  it('announces, changes and removes one; owners read the notices, anyone the list', async () => {
    const day = earliestEffective(new Date(), 30).day;
    const added = ok(
      await asOperator(
        'subprocessor',
        'add',
        '--name',
        'Example Cloud',
        '--purpose',
        'off-site backups',
        '--location',
        'United States',
        '--phi',
        'yes',
        '--effective',
        day,
      ),
    );
    id = /\((sub_[a-z2-7]{16})\)/.exec(added)?.[1] ?? '';
    expect(added).toContain(`Announced Example Cloud (${id}), taking effect ${day}`);
    const list = ok(await asOwner('subprocessor', 'list'));
    expect(list).toContain('Example Cloud');
    expect(list).toContain('upcoming');
    expect(list).toContain(`from ${day}`);
    const later = new Date(Date.now() + 45 * 86_400_000).toISOString().slice(0, 10);
    ok(await asOperator('subprocessor', 'update', id, '--location', 'Canada', '--effective', later));
    const removal = new Date(Date.now() + 60 * 86_400_000).toISOString().slice(0, 10);
    expect(ok(await asOperator('subprocessor', 'remove', id, '--effective', removal))).toContain(
      `Announced the removal of Example Cloud (${id}), taking effect ${removal}`,
    );
    const notices = ok(await asOwner('compliance', 'notices', '--org', 'acme'));
    expect(notices).toContain(`New subprocessor from ${day}: Example Cloud`);
    expect(notices).toContain('location "United States" → "Canada"');
    expect(notices).toContain(`will no longer be used from ${removal}`);
    const json = JSON.parse(ok(await asOwner('subprocessor', 'list', '--json')));
    expect(json[0]).toMatchObject({ id, status: 'upcoming', next: { location: 'Canada' } });
  });
});
