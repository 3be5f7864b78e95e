/**
 * Witnesses for tests: a fresh witness verifier key (what `witness.vkey` holds) without running
 * one, and a real witness process.
 */
import { spawn } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { COSIGNATURE_V1, encodeVkey, rawEd25519, verifierFor } from '../../src/evidence/index.js';

const BIN = new URL('../../dist/main.js', import.meta.url).pathname;

/** A new witness's public key as a vkey (type 0x04) named `name`. */
export function witnessKey(name: string): string {
  const { publicKey } = generateKeyPairSync('ed25519');
  return encodeVkey(verifierFor(name, COSIGNATURE_V1, rawEd25519(publicKey)));
}

export interface WitnessProcess {
  url: string;
  /** The witness's public key (its witness.vkey). */
  vkey: string;
  dataDir: string;
  /** Everything it wrote to standard error. */
  stderr(): string;
  stop(): Promise<void>;
}

/**
 * `ward audit witness --listen 127.0.0.1:0 --data <dir> --log <key>…` as its own process (what a
 * customer runs on a machine of their own), over HTTPS with `tls`; resolved once it listens.
 */
export function startWitnessProcess(
  dataDir: string,
  logKeys: string[],
  tls?: { certFile: string; keyFile: string },
): Promise<WitnessProcess> {
  const args = [BIN, 'audit', 'witness', '--listen', '127.0.0.1:0', '--data', dataDir];
  for (const k of logKeys) args.push('--log', k);
  if (tls) args.push('--tls-cert', tls.certFile, '--tls-key', tls.keyFile);
  const child = spawn(process.execPath, args, { env: { PATH: process.env.PATH } });
  let out = '';
  let err = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (err += d));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the witness did not start: ${err}`)), 15_000);
    const check = () => {
      const url = /listening at (\S+) /.exec(err)?.[1];
      if (!url || !out.includes('\n')) return;
      clearTimeout(timer);
      resolve({
        url,
        vkey: out.trim(),
        dataDir,
        stderr: () => err,
        async stop() {
          if (child.exitCode === null) child.kill('SIGTERM');
          await exited;
        },
      });
    };
    child.stdout.on('data', check);
    child.stderr.on('data', check);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the witness exited with ${code}: ${err}`));
    });
  });
}
