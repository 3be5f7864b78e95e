import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.js';

let home: string | undefined;

function withYaml(yaml: string): NodeJS.ProcessEnv {
  home = mkdtempSync(join(tmpdir(), 'ward-config-'));
  writeFileSync(join(home, 'ward.yaml'), yaml);
  return { WARD_HOME: home };
}

function problems(env: NodeJS.ProcessEnv): string[] {
  try {
    loadConfig(env);
  } catch (e) {
    if (e instanceof ConfigError) return e.problems;
    throw e;
  }
  throw new Error('the settings were accepted');
}

afterEach(() => {
  if (home) rmSync(home, { recursive: true, force: true });
  home = undefined;
});

const S3_YAML = `
backups:
  repository:
    type: s3
    endpoint: s3.eu-central-1.amazonaws.com
    bucket: acme-ward-backups
    region: eu-central-1
`;

describe('backups.repository', () => {
  it('is the local disk unless set', () => {
    expect(loadConfig(withYaml('')).backups.repository).toEqual({ type: 'local' });
  });

  it('takes an S3 bucket from ward.yaml with its keys from the environment, HTTPS on 443', () => {
    const env = {
      ...withYaml(S3_YAML),
      WARD_BACKUPS_S3_ACCESS_KEY_ID: 'AKIAEXAMPLE',
      WARD_BACKUPS_S3_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
    };
    expect(loadConfig(env).backups.repository).toEqual({
      type: 's3',
      endpoint: 's3.eu-central-1.amazonaws.com',
      port: 443,
      bucket: 'acme-ward-backups',
      region: 'eu-central-1',
      prefix: '/ward',
      uri_style: 'host',
      access_key_id: 'AKIAEXAMPLE',
      secret_access_key: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
    });
  });

  it('lets the environment override keys written in ward.yaml', () => {
    const env = {
      ...withYaml(`${S3_YAML}    access_key_id: FROMYAML\n    secret_access_key: from-yaml\n`),
      WARD_BACKUPS_S3_SECRET_ACCESS_KEY: 'from-env',
    };
    expect(loadConfig(env).backups.repository).toMatchObject({
      access_key_id: 'FROMYAML',
      secret_access_key: 'from-env',
    });
  });

  it('names every mistake in an S3 setting and where it came from', () => {
    const env = {
      ...withYaml(`
backups:
  repository:
    type: s3
    endpoint: https://s3.amazonaws.com/
    bucket: Acme_Backups
    region: eu-central-1
    prefix: ward/
`),
      WARD_BACKUPS_S3_ACCESS_KEY_ID: 'x'.repeat(201),
    };
    const found = problems(env);
    const yaml = join(home as string, 'ward.yaml');
    expect(found).toEqual(
      expect.arrayContaining([
        `${yaml} 'backups.repository.endpoint': a host name such as s3.us-east-1.amazonaws.com, without https:// or a path`,
        `${yaml} 'backups.repository.bucket': an S3 bucket name: 3 to 63 lowercase letters, digits, dots and dashes`,
        `${yaml} 'backups.repository.prefix': a key prefix such as /ward (a leading slash, no trailing slash)`,
        expect.stringMatching(/^environment WARD_BACKUPS_S3_ACCESS_KEY_ID: /),
        `${yaml} 'backups.repository.secret_access_key': is required (here or in WARD_BACKUPS_S3_SECRET_ACCESS_KEY)`,
      ]),
    );
    expect(found).toHaveLength(5);
  });

  it('refuses an unknown storage type', () => {
    expect(problems(withYaml('backups:\n  repository:\n    type: ftp\n'))).toEqual([
      expect.stringMatching(/'backups\.repository\.type': /),
    ]);
  });
});

describe('tls', () => {
  /** A self-signed certificate and its key, and a key of another pair, as PEM files in `dir`. */
  function pemFiles(dir: string): void {
    const ssl = (...args: string[]) => execFileSync('openssl', args, { stdio: 'pipe' });
    const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];
    ssl(
      'req',
      '-x509',
      ...ec,
      '-keyout',
      join(dir, 'ward.key'),
      '-out',
      join(dir, 'ward.crt'),
      '-subj',
      '/CN=w',
      '-days',
      '2',
    );
    ssl(
      'req',
      '-x509',
      ...ec,
      '-keyout',
      join(dir, 'other.key'),
      '-out',
      join(dir, 'other.crt'),
      '-subj',
      '/CN=o',
      '-days',
      '2',
    );
  }

  it("takes ward_ca: true (a certificate from Ward's CA), also beyond loopback", () => {
    expect(loadConfig(withYaml('host: 0.0.0.0\ntls: { ward_ca: true }\n')).tls).toEqual({ ward_ca: true });
  });

  it('takes a certificate and key, relative paths under WARD_HOME', () => {
    const env = withYaml('tls: { cert: ward.crt, key: ward.key }\n');
    pemFiles(home as string);
    expect(loadConfig(env).tls).toEqual({
      cert: join(home as string, 'ward.crt'),
      key: join(home as string, 'ward.key'),
    });
  });

  it('names a missing file, a file that is not PEM, and a key of another certificate, all at once', () => {
    const env = withYaml('tls: { cert: ward.crt, key: missing.key }\n');
    pemFiles(home as string);
    const yaml = join(home as string, 'ward.yaml');
    const at = (f: string) => join(home as string, f);
    expect(problems(env)).toEqual([`${yaml} 'tls.key': cannot read ${at('missing.key')} (ENOENT)`]);
    writeFileSync(join(home as string, 'ward.yaml'), 'tls: { cert: ward.yaml, key: other.key }\n');
    expect(problems(env)).toEqual([`${yaml} 'tls.cert': ${at('ward.yaml')} is not a PEM certificate`]);
    writeFileSync(join(home as string, 'ward.yaml'), 'tls: { cert: ward.crt, key: other.key }\n');
    expect(problems(env)).toEqual([
      `${yaml} 'tls.key': ${at('other.key')} is not the key of ${at('ward.crt')}`,
    ]);
  });

  it('wants either cert and key or ward_ca, and TLS of some kind beyond loopback', () => {
    const rule = /'tls': give either cert and key .* or ward_ca: true/;
    expect(problems(withYaml('tls: { cert: a.crt }\n'))).toEqual([expect.stringMatching(rule)]);
    expect(problems(withYaml('tls: { cert: a.crt, key: a.key, ward_ca: true }\n'))).toEqual([
      expect.stringMatching(rule),
    ]);
    expect(problems(withYaml('tls: { ward_ca: false }\n'))).toEqual([expect.stringMatching(rule)]);
    expect(problems(withYaml('host: 0.0.0.0\n'))).toEqual([
      expect.stringMatching(/'host': serving on '0\.0\.0\.0' \(beyond loopback\) needs TLS/),
    ]);
  });
});

describe('smtp', () => {
  const SMTP = 'smtp:\n  host: smtp.example.org\n  user: ward@example.org\n  from: ward@example.org\n';

  it('takes the password from the environment, with STARTTLS required on 587 by default', () => {
    const smtp = loadConfig({ ...withYaml(SMTP), WARD_SMTP_PASSWORD: 'from-env' }).smtp;
    expect(smtp).toEqual({
      host: 'smtp.example.org',
      port: 587,
      secure: false,
      starttls: true,
      user: 'ward@example.org',
      password: 'from-env',
      from: 'ward@example.org',
    });
  });

  it('refuses plaintext to a server beyond this machine, and a sender that is not an address', () => {
    expect(problems(withYaml(`${SMTP}  starttls: false\n`))).toEqual([
      expect.stringContaining("e-mail to 'smtp.example.org' without TLS"),
    ]);
    expect(problems(withYaml('smtp:\n  host: relay\n  from: ward\n'))[0]).toContain(
      "'smtp.from': an e-mail address",
    );
  });
});
