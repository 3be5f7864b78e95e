/**
 * @module dataplane/local/fscrypt/encrypted-dirs
 * Cluster directories encrypted by the kernel, one key each. A directory's fscrypt key is derived
 * from its project's key in Ward's hierarchy (`DiskKeys`), so it is never stored anywhere: Ward
 * adds it to the kernel before a cluster starts (unlock) and removes it after the cluster stops
 * (lock), and crypto-shredding the project's key leaves nothing that could unlock the directory
 * again. Everything `initdb` makes (data, WAL, server logs, the socket directory) lives inside.
 * Keys are added and removed through the volume's top directory: an ioctl through the encrypted
 * directory itself would hold it open, and an open directory cannot be locked.
 */
import { existsSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { DirEncryption, EncryptionSupport } from '../../provider.js';
import {
  addKey,
  describeMode,
  KEY_BYTES,
  keyStatus,
  MODE_AES_256_CTS,
  MODE_AES_256_XTS,
  policyOf,
  removeKey,
  setPolicy,
} from './kernel.js';
import {
  type EncryptedVolume,
  openVolume,
  probeVolume,
  type VolumeOptions,
  type VolumeResult,
} from './volume.js';

/**
 * The fscrypt key of directory `dirId`, derived from the key of project `keyOwner` (a drill's
 * scratch directory is keyed under the project it restores). 64 bytes.
 */
export type DiskKeys = (keyOwner: string, dirId: string) => Promise<Buffer>;

export interface EncryptedDirsOptions extends Omit<VolumeOptions, 'create'> {
  keys: DiskKeys;
  warn: (msg: string, fields: Record<string, unknown>) => void;
}

export function createEncryptedDirs(opts: EncryptedDirsOptions) {
  let volume: EncryptedVolume | undefined;
  /** Opening is one at a time: a look (create false) never answers for a make (create true). */
  let chain: Promise<unknown> = Promise.resolve();

  /** The volume, mounting (and with `create`, making) it on first use. */
  function open(create: boolean): Promise<VolumeResult> {
    const next = chain.then(async (): Promise<VolumeResult> => {
      if (volume) return { ok: true, volume };
      const r = await openVolume({ ...opts, create });
      if (r.ok) volume = r.volume;
      return r;
    });
    chain = next.catch(() => undefined);
    return next;
  }

  const rootOf = (id: string) => join(opts.dir, id);

  async function keyFor(owner: string, id: string): Promise<Buffer> {
    const key = await opts.keys(owner, id);
    if (key.length !== KEY_BYTES) throw new Error(`a directory key must be ${KEY_BYTES} bytes`);
    return key;
  }

  /** Adds the directory's key to the kernel and checks it is the key the directory was made with. */
  async function unlockRoot(root: string, owner: string, id: string): Promise<void> {
    const policy = await policyOf(root);
    if (policy === 'none' || policy === 'unsupported') return;
    const key = await keyFor(owner, id);
    let keyId: string;
    try {
      keyId = await addKey(opts.dir, key);
    } finally {
      key.fill(0);
    }
    if (keyId !== policy.keyId) {
      await removeKey(opts.dir, keyId).catch(() => undefined);
      throw new Error(
        `the key Ward derives for ${id} (${keyId}) is not the one its directory is encrypted with (${policy.keyId}); the directory cannot be unlocked`,
      );
    }
  }

  return {
    /** Mounts an existing image (at start) or makes one (`create`); says why when it cannot. */
    open,

    /** Whether `id` has an encrypted directory (only once the volume is open). */
    has: (id: string) => volume !== undefined && existsSync(rootOf(id)),

    rootOf,

    /** Makes `id`'s directory anew, empty, encrypted under its key, and unlocked. */
    async make(id: string, owner = id): Promise<string> {
      const r = await open(true);
      if (!r.ok) throw new Error(r.reason);
      await r.volume
        .grow()
        .catch((err) => opts.warn('growing the encrypted volume failed', { err: `${err}` }));
      const root = rootOf(id);
      await this.lock(id).catch(() => undefined);
      await rm(root, { recursive: true, force: true });
      await mkdir(root, { mode: 0o700 });
      const key = await keyFor(owner, id);
      try {
        await setPolicy(root, await addKey(opts.dir, key));
      } catch (err) {
        await rm(root, { recursive: true, force: true });
        throw err;
      } finally {
        key.fill(0);
      }
      return root;
    },

    /** Unlocks `id`'s directory before its cluster starts; a no-op for one that is not encrypted. */
    async unlock(id: string, owner = id): Promise<void> {
      if (this.has(id)) await unlockRoot(rootOf(id), owner, id);
    },

    /** Removes `id`'s key from the kernel: its names and contents are unreadable until unlocked. */
    async lock(id: string): Promise<void> {
      if (!volume || !existsSync(rootOf(id))) return;
      const policy = await policyOf(rootOf(id));
      if (policy === 'none' || policy === 'unsupported') return;
      const { busy } = await removeKey(opts.dir, policy.keyId);
      if (busy)
        opts.warn('a file in a locked cluster directory was still open; its key goes when it closes', { id });
    },

    /** The kernel's answer for `id`'s directory. */
    async describe(id: string): Promise<DirEncryption> {
      if (!this.has(id)) return { kind: 'none', detail: 'its directory is not on the encrypted volume' };
      const policy = await policyOf(rootOf(id));
      if (policy === 'none' || policy === 'unsupported')
        return { kind: 'none', detail: 'the kernel reports no encryption policy on its directory' };
      const state = await keyStatus(opts.dir, policy.keyId);
      const strong = policy.contents === MODE_AES_256_XTS && policy.filenames === MODE_AES_256_CTS;
      return {
        kind: strong ? 'fscrypt' : 'none',
        unlocked: state === 'present',
        detail: `fscrypt v2 policy (${describeMode(policy.contents)} contents, ${describeMode(policy.filenames)} names), its own key ${policy.keyId.slice(0, 8)}…, ${state === 'present' ? 'unlocked' : 'locked'}`,
      };
    },

    /** Where the volume is, or whether one could be made, or why not. */
    async support(): Promise<EncryptionSupport> {
      const r = await open(false);
      if (!r.ok) return probeVolume(opts);
      const b = r.volume.backing;
      return {
        ok: true,
        detail:
          b.kind === 'native'
            ? `${opts.dir} is on a file system with fscrypt`
            : `${b.image} (ext4 with fscrypt) is mounted at ${opts.dir} from ${b.device}`,
      };
    },

    /** Unmounts the image (Ward stops); the clusters on it must be stopped. */
    close(): Promise<void> {
      const next = chain.then(async () => {
        const v = volume;
        volume = undefined;
        await v?.close();
      });
      chain = next.catch(() => undefined);
      return next;
    },
  };
}

export type EncryptedDirs = ReturnType<typeof createEncryptedDirs>;
