/**
 * @module cli/prompt
 * Asking for input: a visible answer, a hidden one (passwords are never echoed), or the first
 * line of standard input for scripts (`--password-stdin`).
 */
import { createInterface } from 'node:readline';
import { Writable } from 'node:stream';
import { CliError } from './client.js';

/**
 * Asks on the terminal. Without one, fails with a line naming `option`, the way to pass the
 * answer instead (e.g. `--password-stdin`).
 */
export async function ask(question: string, hidden = false, option?: string): Promise<string> {
  if (!process.stdin.isTTY) {
    const what = question
      .replace(/\s*\(.*\)\s*/, ' ')
      .replace(/:\s*$/, '')
      .trim();
    throw new CliError(
      `${what} is needed and there is no terminal to ask on; ${option ? `pass it with ${option}` : 'pass it as an option (see --help)'}`,
      2,
    );
  }
  let muted = false;
  const output = new Writable({
    write(chunk, _enc, done) {
      if (!muted) process.stderr.write(chunk);
      done();
    },
  });
  const rl = createInterface({ input: process.stdin, output, terminal: true });
  try {
    const answer = new Promise<string>((resolve) => rl.question(question, resolve));
    muted = hidden;
    const value = await answer;
    if (hidden) process.stderr.write('\n');
    return value;
  } finally {
    rl.close();
  }
}

export async function readFirstLine(): Promise<string> {
  let data = '';
  for await (const chunk of process.stdin) {
    data += chunk;
    if (data.includes('\n')) break;
  }
  return data.split(/\r?\n/)[0] ?? '';
}
