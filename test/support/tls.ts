/**
 * A throwaway certificate authority and a server certificate for 127.0.0.1, made with openssl,
 * for tests that stand up real TLS receivers (syslog, webhooks) or serve Ward over HTTPS; and a
 * request over HTTPS that trusts a given CA only and reports what the handshake agreed.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TLSSocket } from 'node:tls';

export interface TestCerts {
  caPem: string;
  certPem: string;
  keyPem: string;
  caFile: string;
  certFile: string;
  keyFile: string;
}

export function makeTestCerts(): TestCerts {
  const dir = mkdtempSync(join(tmpdir(), 'ward-tls-'));
  const f = (n: string) => join(dir, n);
  const ssl = (...args: string[]) => execFileSync('openssl', args, { stdio: 'pipe' });
  ssl(
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:P-256',
    '-nodes',
    '-keyout',
    f('ca.key'),
    '-out',
    f('ca.crt'),
    '-subj',
    '/CN=ward-test-ca',
    '-days',
    '2',
  );
  ssl(
    'req',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:P-256',
    '-nodes',
    '-keyout',
    f('srv.key'),
    '-out',
    f('srv.csr'),
    '-subj',
    '/CN=127.0.0.1',
  );
  writeFileSync(f('ext.cnf'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\n');
  ssl(
    'x509',
    '-req',
    '-in',
    f('srv.csr'),
    '-CA',
    f('ca.crt'),
    '-CAkey',
    f('ca.key'),
    '-CAcreateserial',
    '-out',
    f('srv.crt'),
    '-days',
    '2',
    '-extfile',
    f('ext.cnf'),
  );
  return {
    caPem: readFileSync(f('ca.crt'), 'utf8'),
    certPem: readFileSync(f('srv.crt'), 'utf8'),
    keyPem: readFileSync(f('srv.key'), 'utf8'),
    caFile: f('ca.crt'),
    certFile: f('srv.crt'),
    keyFile: f('srv.key'),
  };
}

export interface HttpsReply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  /** The TLS version the handshake agreed (TLSv1.2, TLSv1.3). */
  protocol: string | null;
  /** The SHA-256 fingerprint of the certificate the server presented. */
  fingerprint256: string;
}

/** One request over HTTPS that trusts `ca` and nothing else (node's https, not fetch). */
export function httpsRequest(
  url: string,
  opts: { ca: string; method?: string; body?: unknown; headers?: Record<string, string> },
): Promise<HttpsReply> {
  const body = opts.body === undefined ? undefined : JSON.stringify(opts.body);
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: opts.method ?? 'GET',
        ca: opts.ca,
        agent: false,
        headers: { ...(body ? { 'content-type': 'application/json' } : {}), ...opts.headers },
      },
      (res) => {
        const socket = res.socket as TLSSocket;
        const protocol = socket.getProtocol();
        const fingerprint256 = socket.getPeerCertificate().fingerprint256;
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => {
          text += d;
        });
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: text,
            protocol,
            fingerprint256,
          }),
        );
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}
