import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStorageChecker, inspectDisk, judge, type Roots } from './storage-encryption.js';

/** A /proc and /sys to stand in for the machine's: the data directory is on the mount at `dataDir`. */
async function fixture(
  base: string,
  name: string,
  mount: string,
  devices: Record<string, Record<string, string>>,
) {
  const roots: Roots = { proc: join(base, name, 'proc'), sys: join(base, name, 'sys') };
  await mkdir(join(roots.proc, 'self'), { recursive: true });
  await writeFile(
    join(roots.proc, 'self', 'mountinfo'),
    `22 1 254:0 / / rw,relatime - ext4 /dev/vda rw\n${mount}\n23 22 0:22 / /sys rw - sysfs sysfs rw\n`,
  );
  for (const [dev, files] of Object.entries(devices))
    for (const [file, content] of Object.entries(files)) {
      const path = join(roots.sys, 'dev', 'block', dev, file);
      await mkdir(join(path, '..'), { recursive: true });
      await writeFile(path, content);
    }
  return roots;
}

let base: string;
let data: string;
beforeAll(async () => {
  base = await mkdtemp(join(tmpdir(), 'ward-storage-'));
  data = join(base, 'data');
  await mkdir(data);
});
afterAll(() => rm(base, { recursive: true, force: true }));

describe('storage encryption', () => {
  it('finds dm-crypt beneath the mount (LVM on LUKS) and calls it verified', async () => {
    const roots = await fixture(base, 'luks', `40 22 253:1 / ${data} rw - ext4 /dev/mapper/vg-data rw`, {
      '253:1': { dev: '253:1', 'dm/uuid': 'LVM-abc', uevent: 'DEVNAME=dm-1', 'slaves/dm-0/dev': '253:0' },
      '253:0': { dev: '253:0', 'dm/uuid': 'CRYPT-LUKS2-0123-luks', uevent: 'DEVNAME=dm-0' },
    });
    const disk = await inspectDisk(data, roots);
    expect(disk).toEqual({ kind: 'dm-crypt', device: 'dm-0', uuid: 'CRYPT-LUKS2-0123-luks' });
    expect(judge('none', data, disk)).toEqual({
      state: 'verified',
      detail: `${data} is on dm-0, a dm-crypt device (CRYPT-LUKS2)`,
    });
    const check = await createStorageChecker({ dataDir: data, roots }).check({
      id: 'r',
      name: 'R',
      type: 'hipaa',
      provider: 'local',
      storage_encryption: 'dm-crypt',
    });
    expect(check.state).toBe('verified');
  });

  it('says none when a declared dm-crypt is not there, and declared for a provider it cannot see', async () => {
    const roots = await fixture(base, 'plain', `40 22 8:2 / ${data} rw - ext4 /dev/sda2 rw`, {
      '8:2': { dev: '8:2', uevent: 'DEVNAME=sda2' },
    });
    const disk = await inspectDisk(data, roots);
    expect(disk).toEqual({ kind: 'plain', device: 'sda2' });
    expect(judge('dm-crypt', data, disk)).toMatchObject({
      state: 'none',
      detail: /^declared dm-crypt, but .* on sda2, which is not dm-crypt/,
    });
    expect(judge('none', data, disk).state).toBe('none');
    expect(judge('provider', data, disk)).toMatchObject({
      state: 'declared',
      detail: /encrypted by the provider/,
    });
  });

  it('cannot check an overlay or a device it cannot see: declared if declared, else none', async () => {
    const roots = await fixture(base, 'overlay', `40 22 0:50 / ${data} rw - overlay overlay rw`, {});
    const disk = await inspectDisk(data, roots);
    expect(disk).toMatchObject({ kind: 'unknown', reason: /overlay file system with no block device/ });
    expect(judge('dm-crypt', data, disk)).toMatchObject({
      state: 'declared',
      detail: /^declared dm-crypt; Ward cannot check it/,
    });
    expect(judge('none', data, disk).state).toBe('none');
    const hidden = await fixture(base, 'hidden', `40 22 9:9 / ${data} rw - ext4 /dev/md9 rw`, {});
    expect(await inspectDisk(data, hidden)).toMatchObject({
      kind: 'unknown',
      reason: /9:9 .* is not visible/,
    });
  });

  it('reads this machine without failing', async () => {
    expect(['dm-crypt', 'plain', 'unknown']).toContain((await inspectDisk(tmpdir())).kind);
  });
});
