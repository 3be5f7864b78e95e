/**
 * @module regions/storage-encryption
 * What Ward can say about the encryption of the disk under a region's data directory. It looks for
 * dm-crypt (LUKS or plain) where it can: the mount that holds the directory (/proc/self/mountinfo),
 * its block device, and every device beneath it (/sys/dev/block/<maj:min>/slaves), so LVM on LUKS
 * counts too. The answer is honest:
 *   verified  dm-crypt found under the data directory;
 *   declared  the operator declares encryption Ward cannot see (a provider's disk encryption, or no
 *             block device to inspect, as in a container);
 *   none      nothing encrypts it that Ward knows of, including a declared dm-crypt that is not there.
 * A region whose projects Ward encrypts itself (fscrypt) is judged by project-encryption.ts.
 */
import { readdir, readFile, realpath, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Region } from '../config/index.js';
import type { EncryptionSupport } from '../dataplane/index.js';
import { judgeProjects, type ProjectDir } from './project-encryption.js';
import { projectEncryption } from './regions.js';

export type StorageState = 'verified' | 'declared' | 'none';

export interface StorageCheck {
  state: StorageState;
  detail: string;
  checked_at: string;
}

export type Disk =
  | { kind: 'dm-crypt'; device: string; uuid: string }
  | { kind: 'plain'; device: string }
  | { kind: 'unknown'; reason: string };

export interface Roots {
  proc: string;
  sys: string;
}

const SYSTEM: Roots = { proc: '/proc', sys: '/sys' };

/** The mount holding `path`: its device number, file system type and source. */
export async function mountOf(path: string, roots: Roots = SYSTEM) {
  const real = await realpath(path);
  const info = await readFile(join(roots.proc, 'self', 'mountinfo'), 'utf8');
  let best: { point: string; dev: string; fstype: string; source: string } | undefined;
  for (const line of info.split('\n')) {
    const [left, right] = line.split(' - ');
    if (!left || !right) continue;
    const f = left.split(' ');
    const point = (f[4] ?? '').replace(/\\(\d{3})/g, (_, o: string) =>
      String.fromCharCode(Number.parseInt(o, 8)),
    );
    const [fstype = '', source = ''] = right.split(' ');
    const inside = point === '/' || real === point || real.startsWith(`${point}/`);
    if (inside && (!best || point.length >= best.point.length))
      best = { point, dev: f[2] ?? '', fstype, source };
  }
  return best;
}

const read = (path: string) =>
  readFile(path, 'utf8').then(
    (s) => s.trim(),
    () => undefined,
  );

async function deviceName(dev: string, roots: Roots): Promise<string> {
  const uevent = (await read(join(roots.sys, 'dev', 'block', dev, 'uevent'))) ?? '';
  return /^DEVNAME=(.+)$/m.exec(uevent)?.[1] ?? dev;
}

/** dm-crypt at `dev` or anywhere beneath it. */
async function cryptBeneath(dev: string, roots: Roots, depth = 0): Promise<Disk | undefined> {
  if (depth > 8) return undefined;
  const dir = join(roots.sys, 'dev', 'block', dev);
  const uuid = await read(join(dir, 'dm', 'uuid'));
  if (uuid?.startsWith('CRYPT-')) return { kind: 'dm-crypt', device: await deviceName(dev, roots), uuid };
  const slaves = await readdir(join(dir, 'slaves')).catch(() => [] as string[]);
  for (const s of slaves) {
    const below = await read(join(dir, 'slaves', s, 'dev'));
    const found = below ? await cryptBeneath(below, roots, depth + 1) : undefined;
    if (found) return found;
  }
  return undefined;
}

/** Linux dev_t → "major:minor". */
const devOf = (rdev: number) => `${(rdev >>> 8) & 0xfff}:${(rdev & 0xff) | ((rdev >>> 12) & 0xfff00)}`;

export async function inspectDisk(path: string, roots: Roots = SYSTEM): Promise<Disk> {
  const mount = await mountOf(path, roots).catch(() => undefined);
  if (!mount) return { kind: 'unknown', reason: `no mount for ${path} in ${roots.proc}/self/mountinfo` };
  let dev = mount.dev;
  // File systems such as btrfs report an anonymous device; their source names the real one.
  if (dev.startsWith('0:') && mount.source.startsWith('/dev/'))
    dev = await stat(mount.source).then(
      (s) => devOf(s.rdev),
      () => dev,
    );
  if (dev.startsWith('0:'))
    return {
      kind: 'unknown',
      reason: `${mount.point} is a ${mount.fstype} file system with no block device to inspect`,
    };
  if (!(await read(join(roots.sys, 'dev', 'block', dev, 'dev'))))
    return {
      kind: 'unknown',
      reason: `the block device ${dev} of ${mount.point} is not visible in ${roots.sys}`,
    };
  return (await cryptBeneath(dev, roots)) ?? { kind: 'plain', device: await deviceName(dev, roots) };
}

export function judge(
  declared: Region['storage_encryption'],
  dir: string,
  disk: Disk,
): Omit<StorageCheck, 'checked_at'> {
  if (disk.kind === 'dm-crypt')
    return {
      state: 'verified',
      detail: `${dir} is on ${disk.device}, a dm-crypt device (${disk.uuid.split('-').slice(0, 2).join('-')})`,
    };
  if (disk.kind === 'plain') {
    const seen = `${dir} is on ${disk.device}, which is not dm-crypt and has no dm-crypt device beneath it`;
    if (declared === 'provider')
      return {
        state: 'declared',
        detail: `declared as encrypted by the provider, below what Ward can see: ${seen}`,
      };
    return { state: 'none', detail: declared === 'dm-crypt' ? `declared dm-crypt, but ${seen}` : seen };
  }
  if (declared === 'none')
    return { state: 'none', detail: `nothing is declared, and Ward cannot check: ${disk.reason}` };
  return { state: 'declared', detail: `declared ${declared}; Ward cannot check it: ${disk.reason}` };
}

/** The project directories Ward encrypts itself, as the data plane reports them. */
export interface ProjectDirs {
  support(): Promise<EncryptionSupport>;
  /** Every project directory of the region that should exist (running or awaiting its purge). */
  dirsIn(regionId: string): Promise<ProjectDir[]>;
}

/** Checks a region's data directory, at most once every few seconds per region. */
export function createStorageChecker(opts: {
  dataDir: string;
  roots?: Roots;
  ttlMs?: number;
  projects?: ProjectDirs;
}) {
  const ttl = opts.ttlMs ?? 5_000;
  const cache = new Map<string, { at: number; check: Promise<StorageCheck> }>();

  async function judged(region: Region): Promise<Omit<StorageCheck, 'checked_at'>> {
    const disk = judge(region.storage_encryption, opts.dataDir, await inspectDisk(opts.dataDir, opts.roots));
    const mode = projectEncryption(region);
    if (mode === 'none' || !opts.projects) return disk;
    const [support, dirs] = await Promise.all([opts.projects.support(), opts.projects.dirsIn(region.id)]);
    return judgeProjects(mode, support, dirs, disk);
  }

  return {
    check(region: Region): Promise<StorageCheck> {
      const hit = cache.get(region.id);
      if (hit && Date.now() - hit.at < ttl) return hit.check;
      const check = judged(region).then((j) => ({ ...j, checked_at: new Date().toISOString() }));
      cache.set(region.id, { at: Date.now(), check });
      check.catch(() => cache.delete(region.id));
      return check;
    },
  };
}

export type StorageChecker = ReturnType<typeof createStorageChecker>;
