/**
 * Witnessed checkpoints end to end, with real processes: a witness the customer runs
 * (`ward audit witness --listen`), registered with the CLI, cosigning every new checkpoint of
 * the org's chain while Ward appends. Then what whoever runs Ward could do with full control of
 * its machine: restore an older copy of the control database, or rewrite an event and let Ward
 * re-sign it. The witness refuses the next checkpoint (409), the org's alert webhook hears of it,
 * and `ward audit verify` fails naming the range, online and offline (`--witness-key`).
 */
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sealerFor } from '../src/audit/index.js';
import { rewriteChain } from './support/audit-damage.js';
import { failsWith, runWard } from './support/cli.js';
import { superuser } from './support/control-db.js';
import { makeTestCerts } from './support/tls.js';
import { eventually, startTestWard, type TestWard } from './support/ward.js';
import { startWebhook, type Webhook } from './support/webhook.js';
import { startWitnessProcess, type WitnessProcess, witnessKey } from './support/witness.js';

const CHECKPOINTS = { audit: { checkpoint_every_events: 3, checkpoint_every_seconds: 1 } };

interface Rig {
  w: TestWard;
  home: string;
  owner: string;
  configDir: string;
  witness: WitnessProcess;
  alerts: Record<string, unknown>[];
  hook: Webhook;
}

const rigs: Rig[] = [];
afterAll(async () => {
  for (const r of rigs) {
    await r.witness.stop();
    await r.w.stop().catch(() => undefined);
    await r.hook.close();
    await rm(r.home, { recursive: true, force: true });
    await rm(r.configDir, { recursive: true, force: true });
    await rm(r.witness.dataDir, { recursive: true, force: true });
  }
});

const cli = (r: Rig, args: string[]) =>
  runWard(args, { url: r.w.url, configDir: r.configDir }, { env: { WARD_TOKEN: r.owner } });

/** `ward audit witness add` for the org, with any further options (`--ca`). */
const addWitness = (r: Rig, name: string, url: string, publicKey: string, ...more: string[]) =>
  cli(r, [
    'audit',
    'witness',
    'add',
    '--org',
    'acme',
    '--name',
    name,
    '--url',
    url,
    '--public-key',
    publicKey,
    ...more,
  ]);

async function change(r: Rig, n: number) {
  for (let i = 0; i < n; i++) {
    const res = await r.w.request('PATCH', '/api/v1/orgs/acme', {
      token: r.owner,
      body: { settings: { legal_name: `Acme ${Math.random()}` } },
    });
    expect(res.status).toBe(200);
  }
}

const status = async (r: Rig) =>
  (await r.w.request('GET', '/api/v1/orgs/acme/audit-witnesses', { token: r.owner })).body;

/**
 * Waits until the witness has cosigned the chain's newest checkpoint, and that covers the whole
 * chain as it was when asked; returns its size.
 */
async function cosignedNewest(r: Rig): Promise<number> {
  const head = (await status(r)).head_seq as number;
  return eventually(async () => {
    const s = await status(r);
    const w = s.witnesses.find((x: { name: string }) => x.name === 'clinic-it');
    const n = s.newest_checkpoint as number | null;
    return n && n >= head && w?.cosigned_size === n ? n : undefined;
  }, 30_000);
}

/** What the witness serves as its newest cosigned checkpoint of the org's log: its size. */
async function witnessSize(r: Rig): Promise<number> {
  const { origin } = (
    await r.w.request('GET', '/api/v1/orgs/acme/audit-witnesses/log-key', { token: r.owner })
  ).body;
  const res = await fetch(`${r.witness.url}/checkpoint?origin=${encodeURIComponent(origin)}`);
  expect(res.status).toBe(200);
  return Number((await res.text()).split('\n')[1]);
}

/** Ward, an org with an owner and an alert webhook, and a witness process registered by the CLI. */
async function rig(): Promise<Rig> {
  const home = await mkdtemp(join(tmpdir(), 'ward-wit-'));
  const configDir = await mkdtemp(join(tmpdir(), 'ward-wit-cli-'));
  const w = await startTestWard(CHECKPOINTS, {}, { home });
  const owner = await w.user('owner@acme.test');
  expect((await w.request('POST', '/api/v1/orgs', { token: owner, body: { name: 'acme' } })).status).toBe(
    201,
  );
  const hook = await startWebhook();
  const alerts: Rig['alerts'] = hook.bodies;
  await w.request('PUT', '/api/v1/orgs/acme/alert-webhook', {
    token: owner,
    body: { url: hook.url },
  });
  const r = { w, home, owner, configDir, alerts, hook } as Rig;
  const logKey = await cli(r, ['audit', 'witness', 'log-key', '--org', 'acme']);
  expect(logKey.code).toBe(0);
  const dataDir = await mkdtemp(join(tmpdir(), 'ward-witness-'));
  r.witness = await startWitnessProcess(dataDir, [logKey.stdout.trim()]);
  rigs.push(r);
  const add = await addWitness(r, 'clinic-it', r.witness.url, join(dataDir, 'witness.vkey'));
  expect(add.stderr).toBe('');
  expect(add.stdout).toMatch(/^Registered witness clinic-it /);
  return r;
}

/** Restarts Ward on the same home; `restore` runs while it is stopped. */
async function restart(r: Rig, restore?: () => void): Promise<void> {
  await r.w.stop();
  restore?.();
  r.w = await startTestWard(CHECKPOINTS, {}, { home: r.home });
}

describe('a witness', () => {
  let r: Rig;
  beforeAll(async () => {
    r = await rig();
  }, 120_000);

  it('cosigns every new checkpoint; the CLI, the API, verification and metrics show it', async () => {
    await change(r, 7);
    const size = await cosignedNewest(r);
    const s = await status(r);
    expect(s.quorum).toBe(1);
    expect(s.quorum_checkpoint.tree_size).toBe(size);
    expect(s.quorum_checkpoint.witnesses).toEqual(['clinic-it']);
    expect(s.lag_events).toBe(s.head_seq - size);
    expect(s.log_key.startsWith(`${s.origin}+`)).toBe(true);
    // The witness's own history holds what it cosigned, and it grows as the log does.
    await change(r, 4);
    const later = await eventually(async () => {
      const n = await cosignedNewest(r);
      return n > size ? n : undefined;
    });
    expect(await witnessSize(r)).toBe(later);

    const list = await cli(r, ['audit', 'witness', 'list', '--org', 'acme']);
    expect(list.code).toBe(0);
    expect(list.stdout).toContain('clinic-it');
    expect(list.stdout).toMatch(
      new RegExp(
        `Quorum 1: newest checkpoint cosigned by a quorum covers ${later} of \\d+ events \\(clinic-it, `,
      ),
    );

    const verify = await cli(r, ['audit', 'verify', '--org', 'acme']);
    expect(verify.code).toBe(0);
    expect(verify.stdout).toMatch(/^OK: chain /);
    expect(verify.stdout).toMatch(
      /Witnessed: the newest checkpoint cosigned by a quorum of 1 covers \d+ events \(clinic-it, /,
    );

    const metrics = await (await fetch(`${r.w.url}/metrics`)).text();
    expect(metrics).toMatch(/^ward_audit_witness_lag_events \d+$/m);
    expect(metrics).toMatch(/^ward_audit_witnesses_failing 0$/m);
  });

  it('refuses bad registrations and quorums with what to fix', async () => {
    const bad = await r.w.request('POST', '/api/v1/orgs/acme/audit-witnesses', {
      token: r.owner,
      body: { name: 'plain', url: 'http://witness.example:7380', public_key: r.witness.vkey },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toContain('is not https: checkpoints leave Ward only over TLS');
    const key = await r.w.request('POST', '/api/v1/orgs/acme/audit-witnesses', {
      token: r.owner,
      body: { name: 'nokey', url: 'https://witness.example', public_key: 'not a key' },
    });
    expect(key.status).toBe(400);
    expect(key.body.error.message).toContain('witness.vkey');
    const twice = await r.w.request('POST', '/api/v1/orgs/acme/audit-witnesses', {
      token: r.owner,
      body: { name: 'again', url: r.witness.url, public_key: r.witness.vkey },
    });
    expect(twice.status).toBe(409);
    expect(twice.body.error.message).toBe("this witness key is already registered as 'clinic-it'");
    failsWith(
      await cli(r, ['audit', 'witness', 'quorum', '--org', 'acme', '2']),
      /a quorum of 2 needs 2 registered witnesses; 1 is registered/,
    );
    failsWith(
      await cli(r, ['audit', 'witness', 'quorum', '--org', 'acme', 'two']),
      /the quorum is a whole number from 1, not 'two'/,
    );
  });

  it('will not run a witness that trusts no log, or that listens beyond loopback without TLS', async () => {
    const data = join(r.configDir, 'w2');
    failsWith(
      await cli(r, ['audit', 'witness', '--listen', '127.0.0.1:0', '--data', data]),
      /a witness needs the log it witnesses: --log/,
    );
    failsWith(
      await cli(r, [
        'audit',
        'witness',
        '--listen',
        '0.0.0.0:7380',
        '--data',
        data,
        '--log',
        (await status(r)).log_key,
      ]),
      /without TLS/,
    );
    failsWith(
      await cli(r, ['audit', 'witness', '--listen', '127.0.0.1:0', '--data', data, '--log', 'not-a-key']),
      /cannot read --log 'not-a-key'/,
    );
  });

  it('never holds up appends when a witness is down; a quorum it cannot reach shows the lag', async () => {
    const add = await addWitness(r, 'down', 'http://127.0.0.1:9', witnessKey('down.example/w'));
    expect(add.code).toBe(0);
    const started = Date.now();
    await change(r, 6);
    expect(Date.now() - started).toBeLessThan(5_000);
    const failing = await eventually(async () => {
      const d = (await status(r)).witnesses.find((x: { name: string }) => x.name === 'down');
      return d?.last_error ? d : undefined;
    });
    expect(failing.last_error).toMatch(/ECONNREFUSED/);
    expect(failing.cosigned_size).toBe(0);
    const q2 = await cli(r, ['audit', 'witness', 'quorum', '--org', 'acme', '2']);
    expect(q2.code).toBe(0);
    expect(q2.stdout).toContain('Quorum 2: no checkpoint cosigned by a quorum yet');
    const metrics = await (await fetch(`${r.w.url}/metrics`)).text();
    expect(Number(/^ward_audit_witness_lag_events (\d+)$/m.exec(metrics)?.[1])).toBeGreaterThan(0);
    expect(metrics).toMatch(/^ward_audit_witnesses_failing 1$/m);
    failsWith(
      await cli(r, ['audit', 'witness', 'remove', '--org', 'acme', '--name', 'down']),
      /the quorum is 2 and 1 witnesses would be left; lower the quorum first/,
    );
    expect((await cli(r, ['audit', 'witness', 'quorum', '--org', 'acme', '1'])).code).toBe(0);
    expect((await cli(r, ['audit', 'witness', 'remove', '--org', 'acme', '--name', 'down'])).stdout).toBe(
      'Removed witness down\n',
    );
    const events = await r.w.request(
      'GET',
      '/api/v1/orgs/acme/audit-events?action=audit.witness.*&limit=20',
      { token: r.owner },
    );
    expect(events.body.events.map((e: { action: string }) => e.action)).toEqual(
      expect.arrayContaining(['audit.witness.add', 'audit.witness.quorum', 'audit.witness.remove']),
    );
  });

  it('cosigns over TLS: an https witness registered with its CA', async () => {
    const certs = makeTestCerts();
    const logKey = (await cli(r, ['audit', 'witness', 'log-key', '--org', 'acme'])).stdout.trim();
    const dataDir = await mkdtemp(join(tmpdir(), 'ward-witness-tls-'));
    const tlsWitness = await startWitnessProcess(dataDir, [logKey], certs);
    try {
      expect(tlsWitness.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
      const add = await addWitness(r, 'clinic-tls', tlsWitness.url, tlsWitness.vkey, '--ca', certs.caFile);
      expect(add.code).toBe(0);
      await change(r, 3);
      const tls = await eventually(async () => {
        const s = await status(r);
        const w = s.witnesses.find((x: { name: string }) => x.name === 'clinic-tls');
        return w?.cosigned_size > 0 && w.cosigned_size === s.newest_checkpoint ? w : undefined;
      });
      expect(tls.last_status).toBe(200);
      expect(
        (await cli(r, ['audit', 'witness', 'remove', '--org', 'acme', '--name', 'clinic-tls'])).code,
      ).toBe(0);
    } finally {
      await tlsWitness.stop();
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  it('checks cosignatures offline: an export verifies with the witness key, and fails without a quorum of them', async () => {
    await change(r, 3);
    await cosignedNewest(r);
    const file = join(r.configDir, 'acme.jsonl');
    const exp = await cli(r, ['audit', 'export', '--org', 'acme', '-o', file]);
    expect(exp.code).toBe(0);
    const pub = join(r.configDir, 'ward.pub');
    const key = await cli(r, ['audit', 'public-key']);
    expect(key.code).toBe(0);
    await writeFile(pub, key.stdout);
    const ok = await cli(r, [
      'audit',
      'verify',
      '--file',
      file,
      '--public-key',
      pub,
      '--witness-key',
      join(r.witness.dataDir, 'witness.vkey'),
    ]);
    expect(ok.stdout).toMatch(
      /Witnessed: the newest checkpoint cosigned by a quorum of 1 covers \d+ events \(witness-/,
    );
    expect(ok.code).toBe(0);
    const stranger = await cli(r, [
      'audit',
      'verify',
      '--file',
      file,
      '--public-key',
      pub,
      '--witness-key',
      witnessKey('stranger.example/w'),
    ]);
    expect(stranger.code).toBe(1);
    expect(stranger.stdout).toContain(
      'no checkpoint in the file is cosigned by 1 of the 1 witness key given',
    );
  });
});

describe('a rollback or a rewrite by whoever runs Ward', () => {
  it('is refused by the witness (409), raised to the alert webhook, and named by ward audit verify', async () => {
    const r = await rig();
    await change(r, 6);
    await cosignedNewest(r);
    // A copy of the control database, taken with Ward stopped.
    const control = join(r.home, 'control');
    await restart(r, () => execFileSync('cp', ['-a', control, `${control}.copy`]));
    const kept = (await status(r)).witnesses[0].cosigned_size as number;
    await change(r, 9);
    await cosignedNewest(r);
    const witnessed = await witnessSize(r);
    expect(witnessed).toBeGreaterThan(kept);
    // The older copy restored: the events after it are gone, and Ward's own records agree.
    await restart(r, () => {
      execFileSync('rm', ['-rf', control]);
      execFileSync('mv', [`${control}.copy`, control]);
    });
    expect((await status(r)).witnesses[0].cosigned_size).toBe(kept);
    await change(r, 2 * (witnessed - kept) + 3);

    const refused = await eventually(async () => {
      const e = await r.w.request('GET', '/api/v1/orgs/acme/audit-events?action=audit.witness.refuse', {
        token: r.owner,
      });
      return e.body.events[0];
    });
    expect(refused.details).toMatchObject({ witness: 'clinic-it', status: 409, witness_size: witnessed });
    const w = (await status(r)).witnesses[0];
    expect(w.last_status).toBe(409);
    expect(w.cosigned_size).toBe(kept);
    await r.w.ward.services.access.alerts.drain();
    await eventually(async () => r.alerts.find((a) => a.alert === 'audit.witness.refuse'));
    expect(r.alerts.find((a) => a.alert === 'audit.witness.refuse')).toMatchObject({
      witness: 'clinic-it',
      status: 409,
    });

    const verify = await cli(r, ['audit', 'verify', '--org', 'acme']);
    expect(verify.code).toBe(1);
    expect(verify.stdout).toContain(
      `first bad seq ${kept + 1} (forked): witness clinic-it cosigned another root for the first ${witnessed} events: events ${kept + 1}–${witnessed} were rolled back or rewritten after it cosigned them`,
    );
  }, 180_000);

  it("a rewritten event, re-hashed, re-sealed and re-signed with Ward's own key, is caught only by the witness", async () => {
    const r = await rig();
    await change(r, 6);
    const first = await cosignedNewest(r);
    await change(r, 6);
    const second = await cosignedNewest(r);
    const orgId = (await status(r)).origin.split('/').pop() as string;
    // Everything Ward's key allows: rewrite event first + 2 and every hash after it, drop the
    // checkpoints and cosignatures that would show it, and seal the new run as Ward's writer would.
    const target = first + 2;
    const sealer = sealerFor(r.w.ward.services.signer);
    await superuser(
      r.w,
      async (c) => {
        await c.query('DELETE FROM ward.audit_checkpoints WHERE chain_id = $1 AND tree_size >= $2', [
          orgId,
          target,
        ]);
        await c.query('DELETE FROM ward.audit_cosignatures WHERE chain_id = $1 AND tree_size >= $2', [
          orgId,
          target,
        ]);
        await rewriteChain(c, orgId, (body) => body.replace(/Acme 0\./g, 'Forgd 0.'), target - 1);
        const { rows: cps } = await c.query(
          'SELECT tree_size, last_hash FROM ward.audit_checkpoints WHERE chain_id = $1 ORDER BY tree_size DESC LIMIT 1',
          [orgId],
        );
        const from = { seq: Number(cps[0].tree_size), hash: cps[0].last_hash as Buffer };
        const { rows: head } = await c.query(
          'SELECT last_seq, last_hash FROM ward.audit_chains WHERE id = $1',
          [orgId],
        );
        const to = { seq: Number(head[0].last_seq), hash: head[0].last_hash as Buffer };
        await c.query('UPDATE ward.audit_events SET seal = NULL WHERE chain_id = $1 AND seq > $2', [
          orgId,
          from.seq,
        ]);
        await c.query('UPDATE ward.audit_events SET seal = $1 WHERE chain_id = $2 AND seq = $3', [
          sealer.seal(orgId, from, to),
          orgId,
          to.seq,
        ]);
      },
      { replica: true },
    );
    // Ward's own checks find nothing: the chain is consistent, sealed, and it signs the new head.
    await change(r, 1);
    const refused = await eventually(async () => {
      const e = await r.w.request('GET', '/api/v1/orgs/acme/audit-events?action=audit.witness.refuse', {
        token: r.owner,
      });
      return e.body.events[0];
    });
    const witnessed = await witnessSize(r);
    expect(witnessed).toBeGreaterThanOrEqual(second);
    expect(refused.details).toMatchObject({ witness: 'clinic-it', status: 409, witness_size: witnessed });
    // What Ward's records still hold as cosigned (the rest was deleted): the range starts after it.
    const kept = (await status(r)).witnesses[0].cosigned_size as number;
    expect(kept).toBeGreaterThanOrEqual(first);
    expect(kept).toBeLessThan(target);
    const verify = await cli(r, ['audit', 'verify', '--org', 'acme']);
    expect(verify.code).toBe(1);
    expect(verify.stdout).toContain(
      `first bad seq ${kept + 1} (forked): witness clinic-it cosigned another root for the first ${witnessed} events: events ${kept + 1}–${witnessed} were rolled back or rewritten after it cosigned them`,
    );
  }, 180_000);
});
