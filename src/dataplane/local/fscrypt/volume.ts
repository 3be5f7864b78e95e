/**
 * @module dataplane/local/fscrypt/volume
 * The file system encrypted clusters live on. fscrypt needs ext4 with its `encrypt` feature (or
 * another file system that supports it); where the one under `$WARD_HOME` does, Ward uses a
 * directory on it. Where it does not (the usual case: the feature is off by default), Ward makes
 * a sparse ext4 image with the feature, `$WARD_HOME/encrypted.img`, and mounts it (loop) at
 * `$WARD_HOME/encrypted`: this needs root. The image grows (doubling) when less than a fifth of
 * it is free: while mounted where the kernel allows it (online resize needs CAP_SYS_RESOURCE),
 * otherwise before it is mounted at Ward's next start.
 */
import { execFile } from 'node:child_process';
import { chmod, chown, readFile, stat, statfs, truncate } from 'node:fs/promises';
import { promisify } from 'node:util';
import { ensureDir, exists } from '../../../lib/fs.js';
import type { EncryptionSupport } from '../../provider.js';
import { policyOf } from './kernel.js';

const run = promisify(execFile);

export type VolumeBacking = { kind: 'native' } | { kind: 'image'; image: string; device: string };

export interface EncryptedVolume {
  /** Where encrypted cluster directories are made. */
  readonly dir: string;
  readonly backing: VolumeBacking;
  /** Grows the image when less than a fifth is free; true when it grew. */
  grow(): Promise<boolean>;
  /** Unmounts the image Ward mounted (every key on it goes with it); a no-op for `native`. */
  close(): Promise<void>;
}

export interface VolumeOptions {
  dir: string;
  image: string;
  /** The image's size when it is made (bytes; sparse, so only what is written takes disk). */
  sizeBytes: number;
  /** Makes the image if it does not exist yet; without it, a missing image is `unavailable`. */
  create: boolean;
  /** Owner and mode of the volume's top directory (the service user must pass through). */
  owner: { uid: number; gid: number; mode: number };
}

export type VolumeResult = { ok: true; volume: EncryptedVolume } | { ok: false; reason: string };

const firstLine = (err: unknown) =>
  ((err as { stderr?: string }).stderr || (err as Error).message).trim().split('\n')[0];

/** The source device of the mount at exactly `dir`, if something is mounted there. */
async function mountedAt(dir: string): Promise<string | undefined> {
  const info = await readFile('/proc/self/mountinfo', 'utf8');
  for (const line of info.split('\n')) {
    const [left, right] = line.split(' - ');
    const point = left
      ?.split(' ')[4]
      ?.replace(/\\(\d{3})/g, (_, o: string) => String.fromCharCode(Number.parseInt(o, 8)));
    if (point === dir) return right?.split(' ')[1];
  }
  return undefined;
}

async function makeImage(image: string, sizeBytes: number): Promise<void> {
  await run('truncate', ['-s', String(sizeBytes), image]);
  await chmod(image, 0o600);
  // A small journal and lazily initialised inode tables keep a fresh image a few MB on disk.
  await run('mkfs.ext4', [
    '-q',
    '-F',
    '-O',
    'encrypt',
    '-b',
    '4096',
    '-J',
    'size=16',
    '-E',
    'lazy_itable_init=1,nodiscard',
    '-L',
    'ward-encrypted',
    image,
  ]);
}

/** Free and total blocks of the unmounted ext4 image, from its superblock. */
async function imageSpace(image: string) {
  const { stdout } = await run('dumpe2fs', ['-h', image]);
  const field = (name: string) =>
    Number(new RegExp(`^${name}:\\s+(\\d+)`, 'm').exec(stdout)?.[1] ?? Number.NaN);
  return { free: field('Free blocks'), total: field('Block count'), blockSize: field('Block size') };
}

/**
 * Doubles the file system of an unmounted image that is more than four fifths full (the image
 * may already have been enlarged by a grow that could not resize while mounted).
 */
async function growOffline(image: string): Promise<boolean> {
  const space = await imageSpace(image);
  if (!(space.free * 5 < space.total)) return false;
  const target = space.total * space.blockSize * 2;
  if ((await stat(image)).size < target) await truncate(image, target);
  await run('e2fsck', ['-f', '-p', image]);
  await run('resize2fs', [image]);
  return true;
}

async function prepareTop(dir: string, owner: VolumeOptions['owner']) {
  await chown(dir, owner.uid, owner.gid);
  await chmod(dir, owner.mode);
}

/**
 * Whether a volume could be made here, without making one: the kernel's ext4 supports encryption,
 * Ward runs as root (to mount) and mkfs.ext4 is installed.
 */
export async function probeVolume(opts: Pick<VolumeOptions, 'dir' | 'image'>): Promise<EncryptionSupport> {
  if (!(await exists('/sys/fs/ext4/features/encryption')))
    return {
      ok: false,
      reason: "this kernel's ext4 has no encryption support (/sys/fs/ext4/features/encryption)",
    };
  if (process.getuid?.() !== 0)
    return {
      ok: false,
      reason: `Ward does not run as root, so it cannot mount an encrypted image at ${opts.dir}`,
    };
  if (!(await exists('/dev/loop-control')))
    return {
      ok: false,
      reason: 'this machine has no loop devices (/dev/loop-control) to mount an encrypted image with',
    };
  const mkfs = await run('mkfs.ext4', ['-V']).then(
    () => true,
    () => false,
  );
  if (!mkfs) return { ok: false, reason: "mkfs.ext4 is not installed (Debian's e2fsprogs)" };
  return {
    ok: true,
    detail: `the ext4 image ${opts.image} (fscrypt) is made for the first encrypted cluster`,
  };
}

export async function openVolume(opts: VolumeOptions): Promise<VolumeResult> {
  const { dir, image } = opts;
  await ensureDir(dir, opts.owner.mode);
  let device = await mountedAt(dir);
  if (!device) {
    const native = await policyOf(dir).catch(() => 'unsupported' as const);
    if (native !== 'unsupported') {
      await prepareTop(dir, opts.owner);
      return {
        ok: true,
        volume: { dir, backing: { kind: 'native' }, grow: async () => false, close: async () => {} },
      };
    }
    if (process.getuid?.() !== 0)
      return {
        ok: false,
        reason: `the file system under ${dir} does not support fscrypt, and only root can mount an encrypted image there`,
      };
    if (!(await exists(image))) {
      if (!opts.create) return { ok: false, reason: `no encrypted image at ${image} yet` };
      try {
        await makeImage(image, opts.sizeBytes);
      } catch (err) {
        return { ok: false, reason: `making the ext4 image ${image} failed: ${firstLine(err)}` };
      }
    }
    try {
      await growOffline(image);
    } catch (err) {
      return { ok: false, reason: `growing the ext4 image ${image} failed: ${firstLine(err)}` };
    }
    try {
      // noinit_itable: no background zeroing of inode tables; nodev, nosuid, noexec: data only.
      await run('mount', ['-t', 'ext4', '-o', 'loop,nodev,nosuid,noexec,noinit_itable', image, dir]);
    } catch (err) {
      return { ok: false, reason: `mounting ${image} at ${dir} failed: ${firstLine(err)}` };
    }
    device = (await mountedAt(dir)) ?? 'loop';
    await prepareTop(dir, opts.owner);
  }
  if ((await policyOf(dir).catch(() => 'unsupported' as const)) === 'unsupported')
    return { ok: false, reason: `${device} mounted at ${dir} does not support fscrypt` };
  const mounted = device;

  return {
    ok: true,
    volume: {
      dir,
      backing: { kind: 'image', image, device: mounted },
      async grow() {
        const fs = await statfs(dir);
        if (fs.bavail * 5 >= fs.blocks) return false;
        const size = (await stat(image)).size;
        await truncate(image, size * 2);
        await run('losetup', ['--set-capacity', mounted]);
        try {
          await run('resize2fs', [mounted]);
        } catch (err) {
          throw new Error(
            `the image ${image} is larger now, but its file system cannot grow while mounted (${firstLine(err)}); it grows when Ward next starts`,
          );
        }
        return true;
      },
      async close() {
        // Every cluster on it has stopped; a process still holding a file (a straggling
        // pgBackRest) must not keep Ward from stopping: the mount then goes when it lets go.
        await run('umount', [dir]).catch(() => run('umount', ['--lazy', dir]));
      },
    },
  };
}
