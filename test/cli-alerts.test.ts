/**
 * `ward alert …` against a real Ward: the rules and their settings, working hours, and an alert
 * (a sign-in from a new network) listed, shown, acknowledged, escalated and dismissed; failures
 * are one plain line and a non-zero exit.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call } from './support/access.js';
import { alertsOf } from './support/alerts.js';
import { failsWith, type Run, runWard } from './support/cli.js';
import { PASSWORD, startTestWard, type TestWard } from './support/ward.js';

let w: TestWard;
let dir: string;
let owner: string;

const asOwner = (...args: string[]) =>
  runWard(args, { url: w.url, configDir: dir }, { env: { WARD_TOKEN: owner } });
function ok(r: Run): string {
  expect(r.stderr, r.stderr).toBe('');
  expect(r.code).toBe(0);
  return r.stdout;
}

beforeAll(async () => {
  w = await startTestWard();
  dir = await mkdtemp(join(tmpdir(), 'ward-cli-alerts-'));
  owner = await w.user('olga@acme.test');
  await w.request('POST', '/api/v1/orgs', { token: owner, body: { name: 'acme' } });
}, 120_000);
afterAll(async () => {
  await w?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('ward alert', () => {
  it('lists the rules (off by default outside HIPAA) and switches one on', async () => {
    const rules = ok(await asOwner('alert', 'rules', '--org', 'acme'));
    expect(rules).toMatch(/bulk_read\s+│\s+no\s+│\s+10000\s+│\s+1h\s+│\s+default/);
    const set = ok(
      await asOwner('alert', 'rule', 'set', 'new_network', '--org', 'acme', '--enabled', 'true'),
    );
    expect(set).toBe('new_network is on.\n');
    const bulk = ok(
      await asOwner(
        'alert',
        'rule',
        'set',
        'bulk_read',
        '--org',
        'acme',
        '--threshold',
        '5000',
        '--window',
        '10m',
      ),
    );
    expect(bulk).toBe('bulk_read is off: 5000 within 10m.\n');
    failsWith(
      await asOwner('alert', 'rule', 'set', 'teleport', '--org', 'acme', '--enabled', 'true'),
      /a rule: one of/,
    );
    failsWith(
      await asOwner('alert', 'rule', 'set', 'bulk_read', '--org', 'acme', '--window', 'soon'),
      /--window 'soon'/,
    );
  });

  it('declares working hours with a time zone and clears them', async () => {
    const set = ok(
      await asOwner(
        'alert',
        'hours',
        '--org',
        'acme',
        '--start',
        '08:00',
        '--end',
        '18:00',
        '--days',
        '1-5',
        '--tz',
        'America/Chicago',
      ),
    );
    expect(set).toContain('Working hours: 08:00–18:00, days 1,2,3,4,5, America/Chicago');
    failsWith(
      await asOwner('alert', 'hours', '--org', 'acme', '--start', '18:00', '--end', '08:00'),
      /must start before they end/,
    );
    expect(ok(await asOwner('alert', 'hours', '--org', 'acme', '--clear'))).toContain(
      'Working hours: none declared',
    );
  });

  it('lists, shows, acknowledges, turns into an incident and dismisses an alert', async () => {
    for (const ip of ['10.1.1.1', '203.0.113.9'])
      await call(w, 'POST', '/api/v1/auth/login', {
        body: { email: 'olga@acme.test', password: PASSWORD },
        ip,
      });
    const [a] = await alertsOf(w, owner, 'acme', 'new_network');
    const id = a?.id as string;
    const list = ok(await asOwner('alert', 'list', '--org', 'acme', '--status', 'open'));
    expect(list).toMatch(/^1 open$/m);
    expect(list).toContain(id);
    const shown = ok(await asOwner('alert', 'show', id, '--org', 'acme'));
    expect(shown).toMatch(/^rule\s+new_network: New source network for a person$/m);
    expect(shown).toContain(`${a?.chain}#${a?.seq}`);
    expect(ok(await asOwner('alert', 'ack', id, '--org', 'acme', '--note', 'mine'))).toBe(
      `Alert ${id} is acknowledged.\n`,
    );
    const escalated = ok(
      await asOwner('alert', 'escalate', id, '--org', 'acme', '--title', 'Olga on a new network'),
    );
    const incident = /^Alert \S+ is now incident (inc_[a-z2-7]{16}): ward incident show \1 --org acme$/m.exec(
      escalated,
    );
    expect(incident?.[0].startsWith(`Alert ${id} `)).toBe(true);
    const shownIncident = JSON.parse(
      ok(await asOwner('incident', 'show', incident?.[1] as string, '--org', 'acme', '--json')),
    );
    expect(shownIncident).toMatchObject({ title: 'Olga on a new network', alerts: [{ id }] });
    failsWith(await asOwner('alert', 'escalate', id, '--org', 'acme'), /is already incident/, {
      quiet: true,
    });
    failsWith(await asOwner('alert', 'dismiss', id, '--org', 'acme'), /give --reason/, { quiet: true });
    const done = JSON.parse(
      ok(
        await asOwner(
          'alert',
          'dismiss',
          id,
          '--org',
          'acme',
          '--reason',
          'travelling, confirmed by phone',
          '--json',
        ),
      ),
    );
    expect(done).toMatchObject({ status: 'dismissed', status_note: 'travelling, confirmed by phone' });
    failsWith(
      await asOwner('alert', 'ack', id, '--org', 'acme'),
      /is dismissed; it cannot be marked acknowledged/,
    );
    failsWith(await asOwner('alert', 'list', '--org', 'acme', '--status', 'done'), /--status must be one of/);
  });
});
