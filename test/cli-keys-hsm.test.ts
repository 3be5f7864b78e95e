/**
 * `ward keys hsm show|set|remove` of the built binary against a real Ward and a real SoftHSM2
 * token: the PIN from standard input (never an option, never echoed back), one `ward: …` line and
 * a non-zero exit on failure, the org keys moved to the HSM key and back.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { failsWith, type Run, runWard } from './support/cli.js';
import { type SoftHsm, startSoftHsm } from './support/softhsm.js';
import { startTestWard, type TestWard } from './support/ward.js';

const PIN = 'cli-pin-16180339';

let hsm: SoftHsm;
let w: TestWard;
let dir: string;
let alice: string;

const ward = (args: string[], stdin?: string) =>
  runWard(['keys', 'hsm', ...args], { url: w.url, configDir: dir }, { env: { WARD_TOKEN: alice }, stdin });

function ok(r: Run): string {
  expect(r.stderr, r.stderr).toBe('');
  expect(r.code).toBe(0);
  return r.stdout;
}

beforeAll(async () => {
  hsm = await startSoftHsm();
  hsm.createToken({ label: 'acme', pin: PIN }).generateKey('ward-root');
  w = await startTestWard({ hsm_modules: [hsm.modulePath], hsm_poll_every: '1s' as unknown as number });
  dir = await mkdtemp(join(tmpdir(), 'ward-cli-hsm-'));
  alice = await w.user('alice@acme.test');
  await w.request('POST', '/api/v1/orgs', { token: alice, body: { name: 'acme' } });
  await w.request('PATCH', '/api/v1/orgs/acme', {
    token: await w.adminToken(),
    body: { plan: 'enterprise' },
  });
});
afterAll(async () => {
  await w?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
  await hsm?.stop();
});

describe('ward keys hsm', () => {
  const set = ['set', '--org', 'acme', '--token', 'acme', '--key-label', 'ward-root'];

  it('shows Ward’s own root key before anything is set', async () => {
    const out = ok(await ward(['show', '--org', 'acme']));
    expect(out).toMatch(/^root key\s+Ward’s own$/m);
    expect(out).toMatch(/^keystore\s+file:root$/m);
  });

  it('fails with one line: no PIN on standard input, a wrong PIN (not quoted), a module not allowed', async () => {
    const withModule = [...set, '--module', hsm.modulePath];
    failsWith(await ward(withModule), /the PIN of token acme is read from standard input/, { quiet: true });
    const wrong = await ward(withModule, 'wrong-27182818\n');
    failsWith(wrong, /^ward: the PIN for token "acme" is wrong \(CKR_PIN_INCORRECT\)/, { quiet: true });
    expect(wrong.stderr).not.toContain('27182818');
    failsWith(
      await ward([...set, '--module', '/usr/lib/x86_64-linux-gnu/libc.so.6'], `${PIN}\n`),
      /is not one this Ward allows \(ward.yaml hsm_modules: /,
      { quiet: true },
    );
  });

  it('sets the HSM with the PIN from standard input, shows it, and moves back', async () => {
    const out = ok(await ward([...set, '--module', hsm.modulePath], `${PIN}\n`));
    expect(out).toBe('The root key of acme is now key "ward-root" on token "acme": 1 org key re-wrapped\n');
    const shown = ok(await ward(['show', '--org', 'acme']));
    expect(shown).toMatch(/^root key\s+in the organization’s HSM \(PKCS#11\)$/m);
    expect(shown).toMatch(/^keystore\s+pkcs11:token=acme;object=ward-root$/m);
    expect(shown).toMatch(/^state\s+available since /m);
    expect(shown).not.toContain(PIN);
    failsWith(
      await ward([...set, '--module', hsm.modulePath], `${PIN}\n`),
      /is in use; set it again only to give Ward a new PIN while the key is unavailable/,
      {
        quiet: true,
      },
    );
    expect(ok(await ward(['remove', '--org', 'acme']))).toBe(
      "The root key of acme is Ward's own again: 1 org key re-wrapped\n",
    );
    expect(JSON.parse(ok(await ward(['show', '--org', 'acme', '--json'])))).toMatchObject({
      root: 'ward',
      hsm: null,
    });
    failsWith(await ward(['remove', '--org', 'acme']), /there is no HSM to remove/, { quiet: true });
  });
});
