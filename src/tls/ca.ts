/**
 * @module tls/ca
 * Ward's own certificate authority, made at first start in `$WARD_HOME/tls`: `ca.crt` (give it
 * to clients as sslrootcert), `ca.key` (0600, never leaves the directory), and the gateway's
 * server certificate for localhost, 127.0.0.1 and ::1 (plus the configured host), renewed when it
 * has less than 30 days left or no longer names that host. Keys are P-256, made by Node;
 * Debian's openssl does the X.509 encoding and signing (see ADR 0011).
 */
import { execFile } from 'node:child_process';
import { generateKeyPairSync, randomBytes, X509Certificate } from 'node:crypto';
import { readFile, rm } from 'node:fs/promises';
import { isIP } from 'node:net';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { exists, writeFileAtomic } from '../lib/fs.js';

const run = promisify(execFile);

export interface WardTls {
  caCert: string;
  caCertPath: string;
  cert: string;
  key: string;
}

const CA_DAYS = 3650;
const SERVER_DAYS = 397;
const RENEW_BEFORE_MS = 30 * 86_400_000;

function newKey(): string {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  return privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
}

async function openssl(args: string[]): Promise<void> {
  try {
    await run('openssl', args, { timeout: 30_000 });
  } catch (err) {
    const e = err as NodeJS.ErrnoException & { stderr?: string };
    if (e.code === 'ENOENT')
      throw new Error("Ward needs Debian's openssl to make its certificates: apt-get install openssl");
    throw new Error(`openssl ${args[0]} failed: ${(e.stderr ?? e.message).trim().split('\n').slice(-1)[0]}`);
  }
}

async function makeCa(dir: string): Promise<void> {
  const key = join(dir, 'ca.key');
  await writeFileAtomic(key, newKey(), 0o600);
  await openssl([
    'req',
    '-x509',
    '-new',
    '-key',
    key,
    '-sha256',
    '-days',
    String(CA_DAYS),
    '-subj',
    `/O=Ward/CN=Ward CA ${hostname().slice(0, 40)} ${randomBytes(4).toString('hex')}`,
    '-addext',
    'basicConstraints=critical,CA:TRUE,pathlen:0',
    '-addext',
    'keyUsage=critical,keyCertSign,cRLSign',
    '-addext',
    'subjectKeyIdentifier=hash',
    '-out',
    join(dir, 'ca.crt'),
  ]);
}

function sanOf(hosts: string[]): string {
  return hosts.map((h) => (isIP(h) ? `IP:${h}` : `DNS:${h}`)).join(',');
}

async function makeServer(dir: string, hosts: string[]): Promise<void> {
  const key = join(dir, 'gateway.key');
  const csr = join(dir, 'gateway.csr');
  const ext = join(dir, 'gateway.ext');
  await writeFileAtomic(key, newKey(), 0o600);
  await writeFileAtomic(
    ext,
    [
      'basicConstraints=critical,CA:FALSE',
      'keyUsage=critical,digitalSignature',
      'extendedKeyUsage=serverAuth',
      `subjectAltName=${sanOf(hosts)}`,
      'authorityKeyIdentifier=keyid',
    ].join('\n'),
    0o600,
  );
  try {
    await openssl(['req', '-new', '-key', key, '-subj', `/O=Ward/CN=${hosts[0]}`, '-out', csr]);
    await openssl([
      'x509',
      '-req',
      '-in',
      csr,
      '-CA',
      join(dir, 'ca.crt'),
      '-CAkey',
      join(dir, 'ca.key'),
      '-set_serial',
      `0x${randomBytes(16).toString('hex')}`,
      '-days',
      String(SERVER_DAYS),
      '-sha256',
      '-extfile',
      ext,
      '-out',
      join(dir, 'gateway.crt'),
    ]);
  } finally {
    await rm(csr, { force: true });
    await rm(ext, { force: true });
  }
}

async function serverIsCurrent(dir: string, hosts: string[], caCert: string): Promise<boolean> {
  const path = join(dir, 'gateway.crt');
  if (!(await exists(path)) || !(await exists(join(dir, 'gateway.key')))) return false;
  const cert = new X509Certificate(await readFile(path));
  if (!cert.verify(new X509Certificate(caCert).publicKey)) return false;
  if (new Date(cert.validTo).getTime() - Date.now() < RENEW_BEFORE_MS) return false;
  return hosts.every((h) => (isIP(h) ? cert.checkIP(h) : cert.checkHost(h)) !== undefined);
}

/** Ward's CA and the gateway's certificate in `dir` (0700), made or renewed as needed. */
export async function ensureWardTls(dir: string, host: string): Promise<WardTls> {
  const hosts = [...new Set(['localhost', '127.0.0.1', '::1', host])];
  if (!(await exists(join(dir, 'ca.crt'))) || !(await exists(join(dir, 'ca.key')))) await makeCa(dir);
  const caCert = await readFile(join(dir, 'ca.crt'), 'utf8');
  if (!(await serverIsCurrent(dir, hosts, caCert))) await makeServer(dir, hosts);
  return {
    caCert,
    caCertPath: join(dir, 'ca.crt'),
    cert: await readFile(join(dir, 'gateway.crt'), 'utf8'),
    key: await readFile(join(dir, 'gateway.key'), 'utf8'),
  };
}
