#!/usr/bin/env node
// Issue 7's figures: Ward's backup, verification and restore of a pgbench database beside raw
// pgBackRest with the same options, measured in the same run on this machine.
//   baseline  ../shared/bench/backup-peers.sh on its own throw-away cluster, initdb'd with data
//             checksums as Ward's are (CHECKSUMS=0: without, as the script is): pgBackRest full backup
//             with aes-256-cbc and lz4, process-max 1, start-fast (bk_aes_lz4), `verify` of that
//             repository, `restore` of it plus the start of the restored cluster
//   Ward      `ward up` on a scratch home, a project loaded with pgbench -i at the same scale
//             (straight to its socket), then through the API: a full backup (the same pgBackRest
//             options), a verification of the repository, and a restore into a new project,
//             which ends with the migration check (schemas, per-table row counts and checksums
//             against the source)
// Printed: seconds per step, Ward's backup ÷ raw pgBackRest's (target ≤ 1.1×), and the restore.
// Usage: npm run build && node bench/backups.mjs      SCALE=100 (≈1.5 GB; ~10 min in all)
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { api, cleanup, operatorToken, scratchHome, startWard, waitFor } from './lib.mjs';

const SCALE = Number(process.env.SCALE ?? 100);
const PEERS_SH = join(
  dirname(fileURLToPath(import.meta.url)),
  '..',
  '..',
  'shared',
  'bench',
  'backup-peers.sh',
);
const log = (line) => process.stderr.write(`[${new Date().toISOString().slice(11, 19)}] ${line}\n`);

/**
 * backup-peers.sh's table: step → wall seconds. Its cluster is initdb'd without data checksums;
 * Ward's clusters have them, and pgBackRest then verifies every page it copies. So the script
 * runs as a copy whose initdb adds --data-checksums: the same options on the same kind of
 * cluster (CHECKSUMS=0 runs it as it stands).
 */
function peers() {
  const checksums = process.env.CHECKSUMS !== '0';
  log(`backup-peers.sh at scale ${SCALE} (its own cluster${checksums ? ', with data checksums' : ''})`);
  let script = PEERS_SH;
  if (checksums) {
    const INITDB = '-A trust -E UTF8 --no-locale';
    const text = readFileSync(PEERS_SH, 'utf8');
    if (!text.includes(INITDB)) throw new Error(`backup-peers.sh no longer runs initdb with "${INITDB}"`);
    script = join(mkdtempSync(join(tmpdir(), 'ward-bench-peers-')), 'backup-peers.sh');
    writeFileSync(script, text.replace(INITDB, `${INITDB} --data-checksums`));
  }
  const r = spawnSync('bash', [script], {
    env: { ...process.env, SCALE: String(SCALE), SKIP_PGRESTORE: '1' },
    encoding: 'utf8',
    maxBuffer: 64 << 20,
  });
  if (checksums) rmSync(dirname(script), { recursive: true, force: true });
  if (r.status !== 0) throw new Error(`backup-peers.sh failed: ${r.stderr.slice(-2000)}`);
  const steps = new Map();
  for (const line of r.stdout.split('\n')) {
    const [name, wall] = line.trim().split(/\s+/);
    if (name && /^\d+(\.\d+)?$/.test(wall ?? '')) steps.set(name, Number(wall));
  }
  return { steps, header: r.stdout.split('\n').find((l) => l.startsWith('# bench-backup')) ?? '' };
}

/** Starts an operation and waits for it; wall seconds from the request to its end. */
async function timedOperation(url, token, path, body) {
  const t0 = performance.now();
  const op = await api(url, 'POST', path, { token, body });
  let done;
  await waitFor(
    async () => {
      done = await api(url, 'GET', `/api/v1/operations/${op.id}`, { token });
      return done.status === 'succeeded' || done.status === 'failed';
    },
    3_600_000,
    100,
  );
  if (done.status !== 'succeeded') throw new Error(`${op.kind} failed: ${done.error}`);
  return { seconds: (performance.now() - t0) / 1000, op: done };
}

async function main() {
  const peer = peers();
  const home = scratchHome();
  const port = 18900 + Math.floor(Math.random() * 300);
  const ward = await startWard(home, port);
  try {
    const token = await operatorToken(ward.url, home);
    await api(ward.url, 'POST', '/api/v1/orgs', { token, body: { name: 'bench' } });
    const project = await api(ward.url, 'POST', '/api/v1/orgs/bench/projects', {
      token,
      body: { name: 'bench', region_id: 'local' },
    });
    await waitFor(
      async () =>
        (await api(ward.url, 'GET', `/api/v1/projects/${project.id}`, { token })).status === 'running',
      120_000,
      100,
    );
    log(`pgbench -i -s ${SCALE} into the Ward project`);
    const direct = {
      PGHOST: join(home, 'projects', project.id, 'run'),
      PGUSER: 'ward_admin',
      PGDATABASE: 'app',
    };
    const init = spawnSync('pgbench', ['-i', '-q', '-s', String(SCALE)], {
      env: { ...process.env, ...direct },
      encoding: 'utf8',
    });
    if (init.status !== 0) throw new Error(`pgbench -i failed: ${init.stderr}`);
    spawnSync('psql', ['-qAt', '-c', 'CHECKPOINT'], { env: { ...process.env, ...direct } });
    // The load left its WAL (about the database's size) to be archived, compressed and encrypted
    // in the background; the baseline's timed backup comes after two others, by when its archiver
    // has caught up. Time Ward's from the same quiet state: every finished segment archived.
    const caughtUp = () => {
      spawnSync('psql', ['-qAt', '-c', 'SELECT pg_switch_wal()'], { env: { ...process.env, ...direct } });
      const r = spawnSync(
        'psql',
        [
          '-qAt',
          '-c',
          'SELECT last_archived_wal >= pg_walfile_name(pg_current_wal_lsn() - 1) FROM pg_stat_archiver',
        ],
        { env: { ...process.env, ...direct }, encoding: 'utf8' },
      );
      return r.stdout.trim() === 't';
    };
    const w0 = performance.now();
    await waitFor(async () => caughtUp(), 1_800_000, 1_000);
    log(`Ward: its WAL archive caught up after ${((performance.now() - w0) / 1000).toFixed(1)} s`);

    log('Ward: full backup');
    const backup = await timedOperation(ward.url, token, `/api/v1/projects/${project.id}/backups`, {
      type: 'full',
    });
    log('Ward: verify');
    const verify = await timedOperation(ward.url, token, `/api/v1/projects/${project.id}/backups/verify`);
    log('Ward: restore into a new project, with the migration check');
    const restore = await timedOperation(ward.url, token, `/api/v1/projects/${project.id}/restore`, {
      name: 'bench-restored',
      region_id: 'local',
      backup_id: backup.op.result.backup_id,
    });
    const report = restore.op.result.report;

    const raw = peer.steps;
    const rawRestore = (raw.get('restore_aes_lz4') ?? Number.NaN) + (raw.get('restored_start_promote') ?? 0);
    const ratio = (a, b) => (Number.isFinite(a / b) ? `×${(a / b).toFixed(2)}` : '-');
    const s = (v) => (Number.isFinite(v) ? `${v.toFixed(1)} s` : '-');
    const rows = [
      ['full backup (aes-256-cbc, lz4)', backup.seconds, raw.get('bk_aes_lz4'), '≤ ×1.10'],
      ['verify the repository', verify.seconds, raw.get('verify_aes_lz4'), '-'],
      ['restore into a new project + start', restore.seconds, rawRestore, '-'],
    ];
    console.log(`# Ward backup benchmark — ${new Date().toISOString()} — pgbench scale ${SCALE}`);
    console.log(`# baseline ${peer.header.replace(/^# /, '')}`);
    console.log('step                                 Ward        raw pgBackRest  ratio   target');
    for (const [name, w, b, target] of rows)
      console.log(
        `${name.padEnd(36)} ${s(w).padEnd(11)} ${s(b).padEnd(15)} ${ratio(w, b).padEnd(7)} ${target}`,
      );
    console.log(
      `# Ward's backup: pgBackRest's backup command ${(backup.op.result.duration_ms / 1000).toFixed(1)} s of it; the rest is the job's start, retention (expire) and recording the backup`,
    );
    console.log(
      `# Ward's restore includes the migration check against the source: ${report ? `${report.identical ? 'identical' : 'DIFFERENT'}, ${report.tables.length} tables` : 'none'}; backup ${backup.op.result.backup_id}, ${(backup.op.result.size_bytes / 1048576).toFixed(0)} MiB`,
    );
  } finally {
    await ward.stop();
    cleanup(home);
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
