#!/usr/bin/env node
// Builds Ward: the server and CLI (TypeScript → dist/), its SQL migrations, and the console
// (Vite → console/dist/). Called by setup when sources changed; `npm run build` runs it directly.
import { spawnSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, renameSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(dirname(fileURLToPath(import.meta.url)));

function run(cmd, args) {
  const r = spawnSync(cmd, args, { stdio: 'inherit', cwd: root });
  if (r.status !== 0) {
    process.stderr.write(`build: \`${cmd} ${args.join(' ')}\` failed\n`);
    process.exit(1);
  }
}

// Compile into a staging directory and swap it in only when everything succeeded, so a failed
// build leaves the previous one whole.
const dist = join(root, 'dist');
const next = join(root, 'dist.next');
rmSync(next, { recursive: true, force: true });
run(process.execPath, [
  join(root, 'node_modules', 'typescript', 'bin', 'tsc'),
  '-p',
  'tsconfig.json',
  '--outDir',
  next,
]);
// Files the server reads at run time besides the compiled code.
cpSync(join(root, 'src', 'db', 'migrations'), join(next, 'db', 'migrations'), { recursive: true });
cpSync(join(root, 'src', 'hipaa', 'templates'), join(next, 'hipaa', 'templates'), { recursive: true });
cpSync(join(root, 'src', 'compliance', 'catalog.yaml'), join(next, 'compliance', 'catalog.yaml'));
cpSync(
  join(root, 'src', 'backups', 'wal', 'pgbackrest-wal.mjs'),
  join(next, 'backups', 'wal', 'pgbackrest-wal.mjs'),
);
chmodSync(join(next, 'main.js'), 0o755);
const old = join(root, 'dist.old');
rmSync(old, { recursive: true, force: true });
if (existsSync(dist)) renameSync(dist, old);
renameSync(next, dist);
rmSync(old, { recursive: true, force: true });
run('npm', ['run', 'build', '--workspace', 'console']);
