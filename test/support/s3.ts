/**
 * A real S3-compatible server for tests: s3rver over HTTPS (a certificate from a throwaway CA),
 * knowing only a key pair made for this run, storing objects in a temporary folder.
 * Its limits: it checks the access key id but not SigV4 signatures, and it cannot page a listing
 * past 1,000 keys under OpenSSL 3 (its continuation token uses DES), so tests stay below that.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeTestCerts } from './tls.js';

// s3rver is CommonJS without type declarations: the little of it used here.
const require = createRequire(import.meta.url);
const S3rver = require('s3rver') as new (
  options: Record<string, unknown>,
) => { run(): Promise<{ port: number }>; close(done: () => void): void };
const { DUMMY_ACCOUNT } = require('s3rver/lib/models/account.js') as {
  DUMMY_ACCOUNT: {
    createKeyPair(id: string, secret: string): void;
    revokeAccessKey(id: string): void;
  };
};

export interface TestS3 {
  endpoint: 'localhost';
  port: number;
  bucket: string;
  caFile: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** The keys stored under a prefix ('ward/<project>'), without s3rver's own files. */
  keys(prefix: string): Promise<string[]>;
  /** Whether any stored object holds these bytes. */
  holds(bytes: Buffer): Promise<boolean>;
  close(): Promise<void>;
}

export async function startS3(bucket = 'ward-test'): Promise<TestS3> {
  const certs = makeTestCerts();
  const dir = await mkdtemp(join(tmpdir(), 'ward-s3-'));
  const accessKeyId = `WARDTEST${randomBytes(6).toString('hex').toUpperCase()}`;
  const secretAccessKey = randomBytes(30).toString('base64url');
  DUMMY_ACCOUNT.createKeyPair(accessKeyId, secretAccessKey);
  DUMMY_ACCOUNT.revokeAccessKey('S3RVER');
  const server = new S3rver({
    address: '127.0.0.1',
    port: 0,
    silent: true,
    directory: dir,
    key: certs.keyPem,
    cert: certs.certPem,
    vhostBuckets: false,
    configureBuckets: [{ name: bucket }],
  });
  const { port } = await server.run();
  const objectSuffix = '._S3rver_object';

  async function files(under: string): Promise<string[]> {
    const found = await readdir(under, { recursive: true, withFileTypes: true }).catch(() => []);
    return found.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
  }

  return {
    endpoint: 'localhost',
    port,
    bucket,
    caFile: certs.caFile,
    accessKeyId,
    secretAccessKey,
    async keys(prefix) {
      const root = join(dir, bucket);
      return (await files(join(root, prefix)))
        .filter((f) => f.endsWith(objectSuffix))
        .map((f) => f.slice(root.length + 1, -objectSuffix.length))
        .sort();
    },
    async holds(bytes) {
      for (const f of await files(dir)) if ((await readFile(f)).includes(bytes)) return true;
      return false;
    },
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await rm(dir, { recursive: true, force: true });
    },
  };
}
