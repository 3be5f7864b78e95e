/**
 * Runs once before the test files: the same set-up as `npm test` (quick when nothing changed),
 * so that tests which start real processes (the built CLI, the console bundle) never run a
 * stale build, also when vitest is started directly. While other work in the tree does not
 * compile yet, WARD_TEST_ALLOW_STALE_BUILD=1 lets tests that need no rebuild run anyway; CI never
 * sets it.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';

/**
 * Unmounts the encrypted volumes of test Wards that did not stop (a killed process): Ward
 * unmounts its own when it stops, and a mount left behind would keep its $WARD_HOME.
 */
function unmountLeftovers(): void {
  const prefix = `${tmpdir()}/ward-`;
  for (const line of readFileSync('/proc/self/mountinfo', 'utf8').split('\n')) {
    const point = line.split(' ')[4];
    if (point?.startsWith(prefix) && point.endsWith('/encrypted'))
      try {
        execFileSync('umount', ['-l', point]);
      } catch {
        // already gone
      }
  }
}

export default function setup(): () => void {
  const root = fileURLToPath(new URL('../..', import.meta.url));
  try {
    execFileSync(process.execPath, ['scripts/setup.mjs', '--test'], { cwd: root, stdio: 'inherit' });
  } catch (err) {
    if (process.env.WARD_TEST_ALLOW_STALE_BUILD !== '1') throw err;
    process.stderr.write(
      'global-setup: the build failed; WARD_TEST_ALLOW_STALE_BUILD=1, so tests run against the last build\n',
    );
  }
  return unmountLeftovers;
}
