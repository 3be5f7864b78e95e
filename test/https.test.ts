/**
 * HTTPS on the API port (issue 23, item 1). With `tls` in the settings Ward serves TLS 1.2 and
 * later with the configured certificate, or one from its own CA; a TLS 1.1 client is refused,
 * plain HTTP on that port gets no API answer, cookies are Secure, and the CLI works against it
 * once it trusts the CA (NODE_EXTRA_CA_CERTS). Checked with node's own TLS client, trusting only
 * the CA that signed the certificate.
 */
import { X509Certificate } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runWard } from './support/cli.js';
import { httpsRequest, makeTestCerts, type TestCerts } from './support/tls.js';
import { startTestWard, type TestWard } from './support/ward.js';

const portOf = (url: string) => Number(new URL(url).port);

/** Plain HTTP to a port: the answer if one comes, or the error that ended the connection. */
function plainHttp(
  port: number,
  body: string,
): Promise<{ status?: number; headers?: Record<string, unknown>; body?: string; error?: string }> {
  return new Promise((resolve) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: '/api/v1/auth/login',
        agent: false,
        headers: { 'content-type': 'application/json' },
      },
      (res) => {
        let text = '';
        res.on('data', (d) => {
          text += d;
        });
        res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: text }));
        res.on('error', (e) => resolve({ error: (e as NodeJS.ErrnoException).code ?? e.message }));
      },
    );
    req.on('error', (e) => resolve({ error: (e as NodeJS.ErrnoException).code ?? e.message }));
    req.end(body);
  });
}

/** A TLS handshake offering at most TLS 1.1: the error code it ends with, or the protocol agreed. */
function handshakeUpToTls11(port: number, ca: string): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect({
      host: '127.0.0.1',
      port,
      ca,
      minVersion: 'TLSv1',
      maxVersion: 'TLSv1.1',
      // OpenSSL 3 would not even offer TLS 1.1 at its default security level: let the client
      // offer it, so that the refusal is the server's.
      ciphers: 'DEFAULT@SECLEVEL=0',
    });
    socket.on('secureConnect', () => {
      resolve(`connected with ${socket.getProtocol()}`);
      socket.end();
    });
    socket.on('error', (e) => resolve((e as NodeJS.ErrnoException).code ?? e.message));
  });
}

describe('HTTPS with the operator’s certificate (tls: {cert, key})', () => {
  let w: TestWard;
  let certs: TestCerts;
  let configDir: string;

  beforeAll(async () => {
    certs = makeTestCerts();
    configDir = await mkdtemp(join(tmpdir(), 'ward-cli-https-'));
    w = await startTestWard({ tls: { cert: certs.certFile, key: certs.keyFile } });
  }, 120_000);
  afterAll(async () => {
    await w?.stop();
    await rm(configDir, { recursive: true, force: true });
  });

  it('announces https and serves the API over TLS 1.2+ with that certificate', async () => {
    expect(w.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const r = await httpsRequest(`${w.url}/healthz`, { ca: certs.caPem });
    expect(r.status).toBe(200);
    expect(JSON.parse(r.body)).toEqual({ status: 'ok' });
    expect(['TLSv1.2', 'TLSv1.3']).toContain(r.protocol);
    expect(r.fingerprint256).toBe(new X509Certificate(certs.certPem).fingerprint256);
    expect(r.headers['strict-transport-security']).toMatch(/max-age=\d+/);
  });

  it('refuses a client that offers at most TLS 1.1', async () => {
    expect(await handshakeUpToTls11(portOf(w.url), certs.caPem)).toBe('ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION');
  });

  it('signs in over HTTPS and marks the session cookies Secure', async () => {
    const r = await httpsRequest(`${w.url}/api/v1/auth/login`, {
      ca: certs.caPem,
      method: 'POST',
      body: { email: 'admin@localhost', password: w.adminPassword, cookie: true },
    });
    expect(r.status).toBe(200);
    const cookies = [r.headers['set-cookie'] ?? []].flat();
    expect(cookies.map((c) => c.split('=')[0])).toEqual(['ward_session', 'ward_csrf']);
    for (const c of cookies) expect(c).toMatch(/; Secure(;|$)/);
  });

  it('gives plain HTTP on the same port no API answer: no JSON, no cookie, no token', async () => {
    const r = await plainHttp(
      portOf(w.url),
      JSON.stringify({ email: 'admin@localhost', password: w.adminPassword, cookie: true }),
    );
    // Node's TLS server drops the connection; should it ever answer, it must not be the API.
    if (r.error === undefined) {
      expect(r.status).toBe(400);
      expect(r.headers?.['set-cookie']).toBeUndefined();
      expect(r.body ?? '').not.toMatch(/token|expires_at|ward_session/);
    } else expect(r.error).toMatch(/ECONNRESET|EPIPE|socket hang up|HPE_/);
  });

  it('takes CLI calls once the CLI trusts the CA (NODE_EXTRA_CA_CERTS), and not before', async () => {
    const base = { url: w.url, configDir };
    const login = ['login', '--email', 'admin@localhost', '--password-stdin'];
    const untrusted = await runWard(login, base, { stdin: `${w.adminPassword}\n` });
    expect(untrusted.code).not.toBe(0);
    const env = { NODE_EXTRA_CA_CERTS: certs.caFile };
    const r = await runWard(login, base, { stdin: `${w.adminPassword}\n`, env });
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/^Signed in to https:\/\/127\.0\.0\.1:\d+ as admin@localhost until /);
    const me = await runWard(['whoami', '--json'], base, { env });
    expect(JSON.parse(me.stdout)).toMatchObject({ email: 'admin@localhost', operator: true });
  });
});

describe('HTTPS with a certificate from Ward’s own CA (tls: {ward_ca: true})', () => {
  let w: TestWard;

  beforeAll(async () => {
    w = await startTestWard({ tls: { ward_ca: true } });
  }, 120_000);
  afterAll(() => w?.stop());

  it('serves the API with a certificate that $WARD_HOME/tls/ca.crt verifies', async () => {
    expect(w.url).toMatch(/^https:/);
    const ca = await readFile(join(w.home, 'tls', 'ca.crt'), 'utf8');
    const r = await httpsRequest(`${w.url}/healthz`, { ca });
    expect(r.status).toBe(200);
    expect(['TLSv1.2', 'TLSv1.3']).toContain(r.protocol);
    expect(await handshakeUpToTls11(portOf(w.url), ca)).toBe('ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION');
    // A client that trusts only some other CA is refused: the certificate really is Ward's own.
    await expect(httpsRequest(`${w.url}/healthz`, { ca: makeTestCerts().caPem })).rejects.toThrow(
      /certificate/,
    );
  });
});
