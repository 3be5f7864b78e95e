#!/usr/bin/env node
// Builds Ward: the server and CLI (TypeScript → dist/), its SQL migrations, and the console
// (Vite → console/dist/). Called by setup when sources changed; `npm run build` runs it directly.
import { spawnSync } from 'node:child_process';
import { chmodSync, cpSync, rmSync } from 'node:fs';
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

rmSync(join(root, 'dist'), { recursive: true, force: true });
run(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.json']);
cpSync(join(root, 'src', 'db', 'migrations'), join(root, 'dist', 'db', 'migrations'), { recursive: true });
chmodSync(join(root, 'dist', 'main.js'), 0o755);
run('npm', ['run', 'build', '--workspace', 'console']);
