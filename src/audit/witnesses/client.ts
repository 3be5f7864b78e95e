/**
 * @module audit/witnesses/client
 * Ward's side of c2sp.org/tlog-witness: POST `<url>/add-checkpoint` and read the answer, and the
 * witness's monitoring read (`GET <url>/checkpoint?origin=…`, Ward's witness serves it). https
 * (TLS ≥ 1.2, trusting the registered CA when there is one), or http to this machine's loopback.
 * Each call has a deadline, so a witness that hangs costs a pass, never the log.
 */
import http from 'node:http';
import https from 'node:https';

const TIMEOUT_MS = 10_000;
const MAX_ANSWER = 64 * 1024;

export interface WitnessEndpoint {
  url: string;
  ca_pem: string | null;
}

export interface WitnessAnswer {
  status: number;
  contentType: string;
  body: string;
}

function call(
  w: WitnessEndpoint,
  method: 'GET' | 'POST',
  path: string,
  body?: string,
): Promise<WitnessAnswer> {
  const base = new URL(w.url);
  const url = new URL(`${base.pathname.replace(/\/$/, '')}${path}`, base);
  const lib = url.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const req = lib.request(
      url,
      {
        method,
        timeout: TIMEOUT_MS,
        ...(url.protocol === 'https:' ? { ca: w.ca_pem ?? undefined, minVersion: 'TLSv1.2' as const } : {}),
        headers:
          body === undefined
            ? {}
            : { 'content-type': 'text/plain', 'content-length': Buffer.byteLength(body) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          size += c.length;
          if (size > MAX_ANSWER) req.destroy(new Error('the witness answered more than 64 KiB'));
          else chunks.push(c);
        });
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            contentType: String(res.headers['content-type'] ?? ''),
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        );
        res.on('error', reject);
      },
    );
    req.on('timeout', () =>
      req.destroy(new Error(`the witness did not answer within ${TIMEOUT_MS / 1000} s`)),
    );
    req.on('error', reject);
    req.end(body);
  });
}

export const addCheckpoint = (w: WitnessEndpoint, request: string) =>
  call(w, 'POST', '/add-checkpoint', request);

export const latestCheckpoint = (w: WitnessEndpoint, origin: string) =>
  call(w, 'GET', `/checkpoint?origin=${encodeURIComponent(origin)}`);
