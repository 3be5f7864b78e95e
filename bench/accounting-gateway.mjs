#!/usr/bin/env node
// Accounting of access through the gateway (issue 22): pgbench select-only through Ward (client
// TLS, sync durable audit) on one project, alternately without a subject key and with
// pgbench_accounts.aid declared (every statement then names its aid in its predicate: the literal
// or bound value is read, normalized, hashed and indexed with its batch), in the order
// without, with, without, with, … so drift on a shared machine falls on both sides. Prints TPS
// and Ward's CPU per statement for each run, and the ratio of the medians.
//   npm run build && node bench/accounting-gateway.mjs     (DURATION=10 SCALE=10 CLIENTS=8 ROUNDS=2 MODES="simple extended" KEYS="none aid")
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import pg from 'pg';
import {
  api,
  cleanup,
  cpuSeconds,
  operatorToken,
  postmaster,
  scratchHome,
  startWard,
  waitFor,
} from './lib.mjs';

const DURATION = Number(process.env.DURATION ?? 10);
const SCALE = Number(process.env.SCALE ?? 10);
const CLIENTS = process.env.CLIENTS ?? '8';
const ROUNDS = Number(process.env.ROUNDS ?? 2);
const MODES = (process.env.MODES ?? 'simple extended').split(/\s+/).filter(Boolean);
// KEYS="aid" (or "none") runs one side only: to profile it (WARD_NODE_ARGS="--cpu-prof …").
const KEYS = (process.env.KEYS ?? 'none aid').split(/\s+/).map((k) => k === 'aid');
const log = (line) => process.stderr.write(`[${new Date().toISOString().slice(11, 19)}] ${line}\n`);

function pgbench(env, args) {
  const r = spawnSync('pgbench', args, {
    env: { ...process.env, ...env },
    encoding: 'utf8',
    maxBuffer: 64 << 20,
  });
  const out = `${r.stdout}${r.stderr}`;
  const tps = Number(/^tps = ([\d.]+)/m.exec(out)?.[1] ?? Number.NaN);
  const tx = Number(/number of transactions actually processed: (\d+)/.exec(out)?.[1] ?? 0);
  if (r.status !== 0 || Number.isNaN(tps)) log(`pgbench failed: ${out.split('\n').slice(-3).join(' ')}`);
  return { tps, tx };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main() {
  const home = scratchHome();
  const port = 18900 + Math.floor(Math.random() * 500);
  const ward = await startWard(home, port);
  try {
    const token = await operatorToken(ward.url, home);
    await api(ward.url, 'POST', '/api/v1/orgs', { token, body: { name: 'bench' } });
    const project = await api(ward.url, 'POST', '/api/v1/orgs/bench/projects', {
      token,
      body: { name: 'bench', region_id: 'local' },
    });
    const id = project.id;
    await waitFor(
      async () => (await api(ward.url, 'GET', `/api/v1/projects/${id}`, { token })).status === 'running',
      120_000,
      100,
    );
    const creds = async () => {
      const c = await api(ward.url, 'POST', `/api/v1/projects/${id}/credentials`, {
        token,
        body: { ttl_minutes: 60 },
      });
      return {
        PGHOST: c.host,
        PGPORT: String(c.port),
        PGUSER: c.user,
        PGPASSWORD: c.password,
        PGDATABASE: c.database,
        PGSSLMODE: 'require',
      };
    };
    log(`pgbench -i -s ${SCALE} through the gateway`);
    spawnSync('pgbench', ['-i', '-q', '-s', String(SCALE)], {
      env: { ...process.env, ...(await creds()) },
      stdio: 'ignore',
    });
    // The control database's backends: the audit commits, and with a key the subject index rows.
    const control = postmaster(join(home, 'control', 'pgdata'));
    // Batches and events written, read from the control database: events a statement and
    // statements a batch tell the store's share apart from the relay's.
    const su = new pg.Client({ host: join(home, 'control', 'run'), user: 'ward_admin', database: 'ward' });
    await su.connect();
    const stored = async () =>
      (
        await su.query(
          `SELECT count(*)::int AS batches, coalesce(sum(last_seq - first_seq + 1), 0)::int AS events,
                  coalesce(sum(cardinality(subject_tokens)), 0)::int AS tokens FROM ward.audit_batches`,
        )
      ).rows[0];
    const rows = [];
    let key;
    for (const mode of MODES)
      for (let round = 0; round < ROUNDS; round++)
        for (const declared of KEYS) {
          if (declared && !key)
            key = await api(ward.url, 'POST', `/api/v1/projects/${id}/subject-keys`, {
              token,
              body: { column: 'pgbench_accounts.aid' },
            });
          if (!declared && key) {
            await api(ward.url, 'DELETE', `/api/v1/projects/${id}/subject-keys/${key.id}`, { token }).catch(
              () => undefined,
            );
            key = undefined;
          }
          const env = await creds();
          const s0 = await stored();
          const w0 = cpuSeconds(ward.pid);
          const c0 = cpuSeconds(control, true);
          log(`${mode} select -c ${CLIENTS}, key ${declared ? 'declared' : 'none'}`);
          const r = pgbench(env, ['-M', mode, '-S', '-c', CLIENTS, '-j', '2', '-T', String(DURATION), '-n']);
          const per = (seconds) => (seconds * 1e6) / Math.max(1, r.tx);
          const wardUs = per(cpuSeconds(ward.pid) - w0);
          const controlUs = per(cpuSeconds(control, true) - c0);
          const s1 = await stored();
          const events = s1.events - s0.events;
          rows.push({
            mode,
            declared,
            ...r,
            wardUs,
            controlUs,
            eventsPerStmt: events / Math.max(1, r.tx),
            perBatch: events / Math.max(1, s1.batches - s0.batches),
            tokensPerStmt: (s1.tokens - s0.tokens) / Math.max(1, r.tx),
          });
        }
    console.log(
      `pgbench select-only through the gateway, ${CLIENTS} clients, ${DURATION} s a run, scale ${SCALE}`,
    );
    console.log(
      'mode      key        TPS  Ward µs/stmt  control µs/stmt  events/stmt  events/batch  tokens/stmt',
    );
    for (const r of rows)
      console.log(
        `${r.mode.padEnd(9)} ${(r.declared ? 'aid' : 'none').padEnd(6)} ${r.tps.toFixed(0).padStart(9)} ${r.wardUs.toFixed(1).padStart(13)} ${r.controlUs.toFixed(1).padStart(16)} ${r.eventsPerStmt.toFixed(2).padStart(12)} ${r.perBatch.toFixed(1).padStart(13)} ${r.tokensPerStmt.toFixed(2).padStart(12)}`,
      );
    for (const mode of MODES) {
      const without = median(rows.filter((r) => r.mode === mode && !r.declared).map((r) => r.tps));
      const withKey = median(rows.filter((r) => r.mode === mode && r.declared).map((r) => r.tps));
      const cpuWithout = median(rows.filter((r) => r.mode === mode && !r.declared).map((r) => r.wardUs));
      const cpuWith = median(rows.filter((r) => r.mode === mode && r.declared).map((r) => r.wardUs));
      const ctlWithout = median(rows.filter((r) => r.mode === mode && !r.declared).map((r) => r.controlUs));
      const ctlWith = median(rows.filter((r) => r.mode === mode && r.declared).map((r) => r.controlUs));
      console.log(
        `${mode}: with a declared key ${((withKey / without) * 100).toFixed(1)}% of the TPS without; Ward CPU ${cpuWith.toFixed(1)} µs/stmt against ${cpuWithout.toFixed(1)}, control database ${ctlWith.toFixed(1)} against ${ctlWithout.toFixed(1)} (medians of ${ROUNDS})`,
      );
    }
    await su.end();
  } finally {
    await ward.stop();
    cleanup(home);
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
