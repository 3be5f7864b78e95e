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
