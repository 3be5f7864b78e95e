import { describe, expect, it } from 'vitest';
import { parseInfo, progressOf } from './info.js';
import { failureDetail } from './pgbackrest.js';

const INFO = `[{"archive":[{"database":{"id":1,"repo-key":1},"id":"15-1","max":"000000010000000000000003","min":"000000010000000000000001"}],"backup":[{"archive":{"start":"000000010000000000000002","stop":"000000010000000000000002"},"backrest":{"format":5,"version":"2.45"},"database":{"id":1,"repo-key":1},"error":false,"info":{"delta":22992509,"repository":{"delta":3081952,"size":3081952},"size":22992509},"label":"20261122-082809F","lsn":{"start":"0/2000028","stop":"0/2000100"},"prior":null,"reference":null,"timestamp":{"start":1795336089,"stop":1795336093},"type":"full"}],"cipher":"aes-256-cbc","db":[{"id":1,"repo-key":1,"system-id":7710909769777327027,"version":"15"}],"name":"prj_a","repo":[{"cipher":"aes-256-cbc","key":1,"status":{"code":0,"message":"ok"}}],"status":{"code":0,"lock":{"backup":{"held":false}},"message":"ok"}}]`;

describe('pgBackRest output', () => {
  it('reads a backup from info --output=json', () => {
    const { backups, status } = parseInfo(INFO);
    expect(status.code).toBe(0);
    expect(backups).toEqual([
      {
        label: '20261122-082809F',
        type: 'full',
        prior: null,
        started_at: new Date(1795336089000),
        stopped_at: new Date(1795336093000),
        wal_start: '000000010000000000000002',
        wal_stop: '000000010000000000000002',
        lsn_start: '0/2000028',
        lsn_stop: '0/2000100',
        size_bytes: 22992509,
        repository_bytes: 3081952,
        cipher: 'aes-256-cbc',
      },
    ]);
  });

  it('finds the percentage in detail lines, and nothing in others', () => {
    expect(progressOf('P01 DETAIL: backup file /d/base/5/1255 (768KB, 3.42%) checksum 46f8')).toBe(3.42);
    expect(progressOf('P01 DETAIL: restore file /r/base/1/2619 (128KB, 100.00%) checksum ab')).toBe(100);
    expect(progressOf('P00 INFO: backup start archive = 000000010000000000000003')).toBeUndefined();
  });

  it('says why a command failed with its ERROR and HINT lines', () => {
    const out =
      'P00   WARN: something\nP00  ERROR: [068]: archive_command must contain pgbackrest\n      HINT: fix it\n';
    expect(failureDetail(out)).toBe('ERROR: [068]: archive_command must contain pgbackrest HINT: fix it');
  });

  it('names the signal that stopped it, and leaves out the hint of a warning', () => {
    const out = [
      'P00   INFO: backup command begin 2.45: --no-config --stanza=prj_1 --type=full',
      "P00   WARN: option 'repo1-retention-full' is not set for 'repo1-retention-full-type=count', the repository may run out of space",
      "            HINT: to retain full backups indefinitely (without warning), set option 'repo1-retention-full' to the maximum.",
      'P00   INFO: backup command end: terminated on signal [SIGTERM]',
    ].join('\n');
    expect(failureDetail(out)).toBe('stopped by SIGTERM');
    const failed = [
      "P00   WARN: option 'repo1-retention-full' is not set",
      '            HINT: to retain full backups indefinitely, set it.',
      'P00  ERROR: [082]: WAL segment 000000010000000000000003 was not archived before the 60000ms timeout',
      '            HINT: check the archive_command to ensure that all options are correct.',
      'P00   INFO: check command end: aborted with exception [082]',
    ].join('\n');
    expect(failureDetail(failed)).toBe(
      'ERROR: [082]: WAL segment 000000010000000000000003 was not archived before the 60000ms timeout HINT: check the archive_command to ensure that all options are correct.',
    );
  });

  it('adds the object store’s error code and message to a refused S3 request, not its headers', () => {
    const out = [
      'P00  ERROR: [039]: HTTP request failed with 403 (Forbidden):',
      '            *** Path/Query ***:',
      '            GET /bucket/?list-type=2&prefix=ward%2Fprj_1%2F',
      '            *** Request Headers ***:',
      '            authorization: <redacted>',
      '            x-amz-date: 20261122T144100Z',
      '            *** Response Content ***:',
      '            <?xml version="1.0" encoding="UTF-8"?>',
      '            <Error><Code>InvalidAccessKeyId</Code><Message>The AWS Access Key Id you provided does not',
      '            exist in our records.</Message><AWSAccessKeyId>AKIAEXAMPLE</AWSAccessKeyId></Error>',
    ].join('\n');
    const detail = failureDetail(out);
    expect(detail).toBe(
      "ERROR: [039]: HTTP request failed with 403 (Forbidden): the object store answered InvalidAccessKeyId: The AWS Access Key Id you provided does not exist in our records. HINT: the object store refused Ward's credentials; check backups.repository's access_key_id and secret_access_key, and what the bucket's policy allows that key",
    );
    expect(detail).not.toContain('AKIAEXAMPLE');
  });
});
