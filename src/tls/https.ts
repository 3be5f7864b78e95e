/**
 * @module tls/https
 * The certificate the API and console serve: the operator's own files, or, when ward.yaml says
 * `tls: { ward_ca: true }`, the server certificate Ward's CA issues (the gateway's: it names
 * localhost, 127.0.0.1, ::1 and the configured host; renewed at start like the gateway's).
 */
import { readFile } from 'node:fs/promises';
import { ensureWardTls } from './ca.js';

/** What ward.yaml's `tls` says, once checked (config/tls.ts). */
export type HttpsSetting = { cert: string; key: string } | { ward_ca: true };

export interface HttpsCertificate {
  cert: string;
  key: string;
  /** Ward's CA certificate, for clients, when the certificate is Ward's own. */
  caCertPath?: string;
}

/** Reads or issues the API's certificate; `dir` is `$WARD_HOME/tls`, `host` the configured one. */
export async function httpsCertificate(
  setting: HttpsSetting,
  dir: string,
  host: string,
): Promise<HttpsCertificate> {
  if ('ward_ca' in setting) {
    const own = await ensureWardTls(dir, host);
    return { cert: own.cert, key: own.key, caCertPath: own.caCertPath };
  }
  return { cert: await readFile(setting.cert, 'utf8'), key: await readFile(setting.key, 'utf8') };
}
