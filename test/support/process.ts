/**
 * `ward up` as a separate process, for tests that need more than one Ward or need to kill one.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { eventually } from './ward.js';

export const BIN = new URL('../../dist/main.js', import.meta.url).pathname;

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

export interface WardProcess {
  url: string;
  child: ChildProcess;
  exited: Promise<number | null>;
  stderr(): string;
  kill(signal: NodeJS.Signals): Promise<number | null>;
}

export async function startWardProcess(env: Record<string, string>): Promise<WardProcess> {
  const port = await freePort();
  const gatewayPort = await freePort();
  const child = spawn(process.execPath, [BIN, 'up'], {
    env: {
      ...process.env,
      WARD_PORT: String(port),
      WARD_GATEWAY_PORT: String(gatewayPort),
      WARD_LOG_LEVEL: 'warn',
      ...env,
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (d) => (stderr += d));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  const url = `http://127.0.0.1:${port}`;
  await eventually(async () => {
    if (child.exitCode !== null) throw new Error(`ward up exited: ${stderr}`);
    return (await fetch(`${url}/healthz`)).ok ? true : undefined;
  }, 60_000);
  return {
    url,
    child,
    exited,
    stderr: () => stderr,
    async kill(signal) {
      if (child.exitCode === null) child.kill(signal);
      return exited;
    },
  };
}
