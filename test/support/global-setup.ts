/**
 * Runs once before the test files: the same set-up as `npm test` (quick when nothing changed),
 * so that tests which start real processes (the built CLI, the console bundle) never run a
 * stale build, also when vitest is started directly.
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export default function setup(): void {
  const root = fileURLToPath(new URL('../..', import.meta.url));
  execFileSync(process.execPath, ['scripts/setup.mjs', '--test'], { cwd: root, stdio: 'inherit' });
}
