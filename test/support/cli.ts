/**
 * The built `ward` binary (dist/main.js, what `npx ward` runs) as a test drives it: its own
 * config directory, the Ward under test as WARD_URL, standard input if given; and the check that
 * a failure is one `ward: …` line and a non-zero exit.
 */
import { spawn } from 'node:child_process';
import { expect } from 'vitest';

const BIN = new URL('../../dist/main.js', import.meta.url).pathname;

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

export function runWard(
  args: string[],
  base: { url: string; configDir: string },
  opts: { stdin?: string; env?: Record<string, string> } = {},
): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      env: {
        PATH: process.env.PATH,
        HOME: base.configDir,
        WARD_URL: base.url,
        WARD_CONFIG_DIR: base.configDir,
        ...opts.env,
      },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
    child.stdin.end(opts.stdin ?? '');
  });
}

/**
 * A failure as the CLI reports one: a non-zero exit and one `ward: …` line on standard error that
 * matches `message`; with `quiet`, also nothing on standard output.
 */
export function failsWith(r: Run, message: RegExp, opts: { quiet?: boolean } = {}): void {
  expect(r.code).not.toBe(0);
  if (opts.quiet) expect(r.stdout).toBe('');
  const lines = r.stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/^ward: /);
  expect(lines[0]).toMatch(message);
}
