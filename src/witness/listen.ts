/**
 * @module witness/listen
 * Where the witness listens: `host:port` or `[ipv6]:port`, and whether that host is this machine
 * only. Off loopback the witness serves HTTPS or does not start (fail closed: Ward and monitors
 * would otherwise read and submit checkpoints over an unauthenticated channel).
 */
import { isLoopback } from '../lib/loopback.js';

const BRACKETED = /^\[([0-9A-Fa-f:.]+)\]:([0-9]{1,5})$/;
const PLAIN = /^([A-Za-z0-9.-]{1,253}):([0-9]{1,5})$/;

export function parseListen(text: string): { host: string; port: number } {
  const m = BRACKETED.exec(text) ?? PLAIN.exec(text);
  const port = Number(m?.[2]);
  if (!m || port > 65535)
    throw new Error(
      `'${text.slice(0, 100)}' is not a listen address: write host:port, e.g. 127.0.0.1:7380 or [::1]:7380 (port 0 picks a free one)`,
    );
  return { host: m[1] as string, port };
}

export function isLoopbackHost(host: string): boolean {
  return host === 'localhost' || isLoopback(host);
}

/** The base URL of a server listening on `host` and `port`. */
export function baseUrl(tls: boolean, host: string, port: number): string {
  return `${tls ? 'https' : 'http'}://${host.includes(':') ? `[${host}]` : host}:${port}`;
}
