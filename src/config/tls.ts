/**
 * @module config/tls
 * The HTTPS certificate and key that ward.yaml names, checked at start so that a mistake is a
 * settings error naming the file rather than a failed handshake later: readable, PEM, the key
 * belongs to the certificate, not expired. Relative paths are under $WARD_HOME.
 */
import { createPrivateKey, type KeyObject, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

export interface TlsFiles {
  cert: string;
  key: string;
}

export interface TlsProblem {
  path: string[];
  message: string;
}

/** The files with relative paths taken from `home`. */
export function resolveTlsFiles(files: TlsFiles, home: string): TlsFiles {
  return { cert: resolve(home, files.cert), key: resolve(home, files.key) };
}

function readPem(path: string, which: 'cert' | 'key', problems: TlsProblem[]): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    problems.push({ path: ['tls', which], message: `cannot read ${path} (${err.code ?? err.message})` });
    return undefined;
  }
}

/** Every problem with the certificate and key files, at once; none when Ward can serve them. */
export function tlsFileProblems(files: TlsFiles, now = Date.now()): TlsProblem[] {
  const problems: TlsProblem[] = [];
  const certPem = readPem(files.cert, 'cert', problems);
  const keyPem = readPem(files.key, 'key', problems);
  let cert: X509Certificate | undefined;
  let key: KeyObject | undefined;
  if (certPem !== undefined) {
    try {
      cert = new X509Certificate(certPem);
    } catch {
      problems.push({ path: ['tls', 'cert'], message: `${files.cert} is not a PEM certificate` });
    }
  }
  if (keyPem !== undefined) {
    try {
      key = createPrivateKey(keyPem);
    } catch {
      problems.push({
        path: ['tls', 'key'],
        message: `${files.key} is not an unencrypted PEM private key (Ward takes no passphrase)`,
      });
    }
  }
  if (cert && key && !cert.checkPrivateKey(key))
    problems.push({ path: ['tls', 'key'], message: `${files.key} is not the key of ${files.cert}` });
  if (cert && Date.parse(cert.validTo) < now)
    problems.push({ path: ['tls', 'cert'], message: `${files.cert} expired on ${cert.validTo}` });
  return problems;
}
