/**
 * Runs once before the test files: the same set-up as `npm test` (quick when nothing changed),
 * so that tests which start real processes (the built CLI, the console bundle) never run a
 * stale build, also when vitest is started directly. While other work in the tree does not
 * compile yet, WARD_TEST_ALLOW_STALE_BUILD=1 lets tests that need no rebuild run anyway; CI never
 * sets it.
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export default function setup(): void {
  const root = fileURLToPath(new URL('../..', import.meta.url));
  try {
    execFileSync(process.execPath, ['scripts/setup.mjs', '--test'], { cwd: root, stdio: 'inherit' });
  } catch (err) {
    if (process.env.WARD_TEST_ALLOW_STALE_BUILD !== '1') throw err;
    process.stderr.write(
      'global-setup: the build failed; WARD_TEST_ALLOW_STALE_BUILD=1, so tests run against the last build\n',
    );
  }
}
