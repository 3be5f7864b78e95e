#!/usr/bin/env node
// Issue 25's figures: what encrypting a project's directory at rest (fscrypt, its own key) costs.
//   pgbench    `ward up` on a scratch home with two standard regions, `plain` and `encrypted`
//              (project_encryption: fscrypt), one project in each; pgbench -i, then select-only
//              runs straight to each project's Unix socket (no gateway: only the storage differs),
//              alternating plain/encrypted ROUNDS times; median TPS of each and their ratio. With
//              SCRIPTS="select tpcb" also TPC-B-like read-write runs (writes, WAL and fsync pay
//              for encryption where warm reads from the page cache do not).
//   unlock     what Ward adds to a project's start: deriving the directory key and adding it to
//              the kernel, checked against the directory's policy (EncryptedDirs.unlock), on a
//              locked directory, median of 50; and a Ward restart until both clusters run again.
// Needs root (Ward mounts its encrypted volume).
// Usage: npm run build && node bench/encryption.mjs
//   DURATION=15 SCALE=20 CLIENTS=8 ROUNDS=3 SCRIPTS=select
import { spawnSync } from 'node:child_process';
import { hkdfSync, randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { api, cleanup, operatorToken, scratchHome, startWard, stats, waitFor } from './lib.mjs';

const DURATION = Number(process.env.DURATION ?? 15);
const SCALE = Number(process.env.SCALE ?? 20);
const CLIENTS = Number(process.env.CLIENTS ?? 8);
const ROUNDS = Number(process.env.ROUNDS ?? 3);
const SCRIPTS = (process.env.SCRIPTS ?? 'select').split(/\s+/).filter(Boolean);
const SCRIPT_ARGS = { select: ['-S'], tpcb: [] };
const log = (line) => process.stderr.write(`[${new Date().toISOString().slice(11, 19)}] ${line}\n`);

function pgbench(env, args) {
  const r = spawnSync('pgbench', args, { env: { ...process.env, ...env }, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`pgbench ${args.join(' ')}: ${r.stderr}`);
  return Number(/tps = ([\d.]+)/.exec(r.stdout)?.[1]);
}

/** Median time of EncryptedDirs.unlock on a locked directory, with a real HKDF derivation. */
async function unlockMs() {
  const { createEncryptedDirs } = await import('../dist/dataplane/local/fscrypt/encrypted-dirs.js');
  const base = mkdtempSync(join(tmpdir(), 'ward-bench-unlock-'));
  const projectKey = randomBytes(32);
  const dirs = createEncryptedDirs({
    dir: join(base, 'encrypted'),
    image: join(base, 'encrypted.img'),
    sizeBytes: 256 * 2 ** 20,
    owner: { uid: 0, gid: 0, mode: 0o700 },
    keys: async (owner, id) =>
      Buffer.from(hkdfSync('sha512', projectKey, 'ward-derived-key', `fscrypt:${owner}:${id}`, 64)),
    warn: () => {},
  });
  try {
    await dirs.make('prj_bench');
    writeFileSync(join(dirs.rootOf('prj_bench'), 'f'), 'x');
    const samples = [];
    for (let i = 0; i < 50; i++) {
      await dirs.lock('prj_bench');
      const t = performance.now();
      await dirs.unlock('prj_bench');
      samples.push(performance.now() - t);
    }
    await dirs.lock('prj_bench');
    return stats(samples);
  } finally {
    await dirs.close();
    cleanup(base);
  }
}

async function main() {
  const home = scratchHome();
  writeFileSync(
    join(home, 'ward.yaml'),
    [
      'regions:',
      '  - { id: plain, name: Plain, type: standard, project_encryption: none }',
      '  - { id: encrypted, name: Encrypted, type: standard, project_encryption: fscrypt }',
      '',
    ].join('\n'),
  );
  const port = 20000 + Math.floor(Math.random() * 20000);
  let ward = await startWard(home, port);
  const rows = [];
  try {
    const token = await operatorToken(ward.url, home);
    await api(ward.url, 'POST', '/api/v1/orgs', { token, body: { name: 'bench' } });
    const projects = {};
    for (const region of ['plain', 'encrypted']) {
      const t = performance.now();
      const p = await api(ward.url, 'POST', '/api/v1/orgs/bench/projects', {
        token,
        body: { name: region, region_id: region },
      });
      await waitFor(
        async () => (await api(ward.url, 'GET', `/api/v1/projects/${p.id}`, { token })).status === 'running',
        120_000,
        20,
      );
      const shown = await api(ward.url, 'GET', `/api/v1/projects/${p.id}`, { token });
      log(`${region}: created in ${(performance.now() - t).toFixed(0)} ms; ${shown.encryption.kind}`);
      projects[region] = {
        id: p.id,
        env: {
          PGHOST: join(home, region === 'plain' ? 'projects' : 'encrypted', p.id, 'run'),
          PGUSER: 'ward_admin',
          PGDATABASE: 'app',
          PGSSLMODE: 'disable',
        },
      };
      log(`pgbench -i -s ${SCALE} on ${region}`);
      pgbench(projects[region].env, ['-i', '-q', '-s', String(SCALE)]);
    }
    for (const script of SCRIPTS) {
      const tps = { plain: [], encrypted: [] };
      for (let round = 0; round < ROUNDS; round++)
        for (const region of round % 2 ? ['encrypted', 'plain'] : ['plain', 'encrypted']) {
          log(`${script} -c ${CLIENTS} on ${region} (round ${round + 1})`);
          const args = [...SCRIPT_ARGS[script], '-n', '-M', 'simple', '-c', String(CLIENTS), '-j', '2'];
          tps[region].push(pgbench(projects[region].env, [...args, '-T', String(DURATION)]));
        }
      for (const region of ['plain', 'encrypted']) rows.push({ script, region, ...stats(tps[region]) });
    }

    log('restarting Ward until both clusters run');
    await ward.stop();
    const restartAt = performance.now();
    ward = await startWard(home, port);
    await waitFor(
      async () => {
        const all = await Promise.all(
          Object.values(projects).map((p) => api(ward.url, 'GET', `/api/v1/projects/${p.id}`, { token })),
        );
        return all.every((p) => p.cluster?.state === 'running');
      },
      120_000,
      20,
    );
    const restartMs = performance.now() - restartAt;
    const unlock = await unlockMs();

    console.log(
      `# pgbench, simple protocol, ${CLIENTS} clients, ${DURATION} s runs, scale ${SCALE}, straight to each project's socket; median of ${ROUNDS}; the target (≥ 0.90) is select-only's`,
    );
    console.log('| script | storage | TPS median | min | max | ÷ plain |');
    console.log('|---|---|---:|---:|---:|---:|');
    for (const r of rows) {
      const plain = rows.find((x) => x.script === r.script && x.region === 'plain').median;
      console.log(
        `| ${r.script} | ${r.region} | ${r.median.toFixed(0)} | ${r.min.toFixed(0)} | ${r.max.toFixed(0)} | ${(r.median / plain).toFixed(3)} |`,
      );
    }
    console.log('');
    console.log(
      `# unlock (derive the key, add it to the kernel, check it against the policy): median ${unlock.median.toFixed(2)} ms, max ${unlock.max.toFixed(2)} ms of ${unlock.n} (target ≤ 200 ms)`,
    );
    console.log(`# Ward restart until both projects' clusters run again: ${restartMs.toFixed(0)} ms`);
  } finally {
    await ward.stop();
    cleanup(home);
  }
}

await main();
