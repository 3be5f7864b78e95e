#!/usr/bin/env node
// Ward's set-up, run first by `npm start` and `npm test`, using only Node's built-ins so that it
// works on a fresh machine before `npm ci`. Quick when nothing is missing:
//   1. Debian packages: PostgreSQL (15+), pgaudit, pgBackRest, openssl, acl and e2fsprogs (as
//      root), build tools
//      for native addons; with --test also Chromium and SoftHSM2. As root it installs what is
//      missing; otherwise it prints the exact command and exits non-zero.
//   2. `npm ci` when node_modules is missing or older than package-lock.json.
//   3. The build (server, migrations, console) when any source changed since the last one.
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const forTests = process.argv.includes('--test');
const say = (line) => process.stderr.write(`setup: ${line}\n`);

function fail(line) {
  process.stderr.write(`setup: ${line}\n`);
  process.exit(1);
}

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { stdio: 'inherit', cwd: root, ...opts });
  if (r.status !== 0) fail(`\`${cmd} ${args.join(' ')}\` failed (exit ${r.status ?? r.signal})`);
}

function onPath(bin) {
  return (process.env.PATH ?? '').split(':').some((d) => d && existsSync(join(d, bin)));
}

function checkNode() {
  const [major, minor] = process.versions.node.split('.').map(Number);
  if (major < 20 || (major === 20 && minor < 19))
    fail(`Ward needs Node.js 20.19 or newer; this is ${process.versions.node}`);
}

/** The newest PostgreSQL server major installed (Debian layout), or the one WARD_PG_BIN names. */
function pgMajor() {
  const dirs = process.env.WARD_PG_BIN ? [process.env.WARD_PG_BIN] : [];
  try {
    dirs.push(execFileSync('pg_config', ['--bindir'], { encoding: 'utf8' }).trim());
  } catch {}
  if (existsSync('/usr/lib/postgresql')) {
    for (const v of readdirSync('/usr/lib/postgresql')
      .filter((v) => /^\d+$/.test(v))
      .sort((a, b) => b - a))
      dirs.push(`/usr/lib/postgresql/${v}/bin`);
  }
  for (const dir of dirs) {
    if (!existsSync(join(dir, 'initdb'))) continue;
    const out = execFileSync(join(dir, 'postgres'), ['--version'], { encoding: 'utf8' });
    const major = Number(/(\d+)/.exec(out)?.[1]);
    if (major >= 15) return major;
  }
  return undefined;
}

function debianPackages() {
  const missing = [];
  let major = pgMajor();
  if (!major) missing.push('postgresql');
  if (!onPath('pgbackrest')) missing.push('pgbackrest');
  const root_ = process.getuid?.() === 0;
  // As root, clusters run as an unprivileged user who may need search permission (an ACL) on
  // WARD_HOME's parents.
  if (root_ && !onPath('setfacl')) missing.push('acl');
  // Ward's CA and the gateway's certificate are signed with Debian's openssl (docs/adr/0011).
  if (!onPath('openssl')) missing.push('openssl');
  // HIPAA projects run pgaudit (docs/adr/0004): installed for `npm start` as for tests, so a
  // project behaves the same whichever ran first.
  if (major && !existsSync(`/usr/lib/postgresql/${major}/lib/pgaudit.so`))
    missing.push(`postgresql-${major}-pgaudit`);
  // Encrypted project directories (fscrypt) live on an ext4 image Ward makes and mounts as root.
  if (root_ && !onPath('mkfs.ext4')) missing.push('e2fsprogs');
  // `npm ci` compiles the pkcs11js addon (the PKCS#11 keystore) with node-gyp, against the
  // headers Node ships.
  if (!onPath('g++')) missing.push('g++');
  if (!onPath('make')) missing.push('make');
  if (!onPath('python3')) missing.push('python3');
  if (forTests && !existsSync('/usr/bin/chromium')) missing.push('chromium');
  // The PKCS#11 keystore's tests run against throwaway SoftHSM2 tokens (test/support/softhsm.ts).
  if (forTests && !existsSync('/usr/lib/softhsm/libsofthsm2.so')) missing.push('softhsm2');
  // A gateway test compiles a small event-loop libpq client (test/gateway-hardening.test.ts).
  if (forTests && !existsSync('/usr/include/postgresql/libpq-fe.h')) missing.push('libpq-dev');
  if (forTests && !onPath('cc')) missing.push('gcc');
  if (missing.length === 0) return;
  const install = ['apt-get', 'install', '-y', '--no-install-recommends', ...missing];
  if (!root_) fail(`missing Debian packages; as root run: apt-get update && ${install.join(' ')}`);
  say(`installing Debian packages: ${missing.join(' ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  run('apt-get', ['update', '-qq'], { env });
  run(install[0], install.slice(1), { env });
  if (missing.includes('postgresql')) {
    major = pgMajor();
    if (!major) fail('PostgreSQL was installed but no server binaries were found');
    if (!existsSync(`/usr/lib/postgresql/${major}/lib/pgaudit.so`)) {
      run('apt-get', ['install', '-y', '--no-install-recommends', `postgresql-${major}-pgaudit`], { env });
    }
  }
}

/** A digest of the contents of the given files and directories (recursively). */
function digest(paths) {
  const h = createHash('sha256');
  const add = (full) => {
    if (!existsSync(full)) return;
    if (statSync(full).isDirectory()) {
      for (const name of readdirSync(full).sort()) add(join(full, name));
    } else {
      h.update(full).update(readFileSync(full));
    }
  };
  for (const p of paths) add(join(root, p));
  return h.digest('hex');
}

function npmDependencies() {
  const stamp = join(root, 'node_modules', '.ward-lock-digest');
  const want = digest(['package-lock.json']);
  if (existsSync(stamp) && readFileSync(stamp, 'utf8') === want) return;
  say('installing npm packages (npm ci)');
  run('npm', ['ci', '--no-audit', '--no-fund']);
  writeFileSync(stamp, want);
}

function build() {
  const stamp = join(root, 'dist', '.build-digest');
  const want = digest([
    'src',
    'console/src',
    'console/index.html',
    'console/vite.config.ts',
    'console/package.json',
    'tsconfig.json',
    'package-lock.json',
    'scripts/build.mjs',
  ]);
  if (
    existsSync(stamp) &&
    readFileSync(stamp, 'utf8') === want &&
    existsSync(join(root, 'console', 'dist', 'index.html'))
  )
    return;
  say('building');
  run(process.execPath, [join(root, 'scripts', 'build.mjs')]);
  writeFileSync(stamp, want);
}

checkNode();
debianPackages();
npmDependencies();
build();
