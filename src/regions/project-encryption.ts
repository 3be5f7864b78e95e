/**
 * @module regions/project-encryption
 * The storage state of a region whose projects Ward encrypts itself (project_encryption `fscrypt`
 * or `auto`), from the kernel's answer about each project directory: `verified` only when every
 * project directory in the region carries an fscrypt policy with strong modes. Where fscrypt is
 * not available, an `auto` region is judged by its disk like any other (storage-encryption.ts).
 */
import type { DirEncryption, EncryptionSupport } from '../dataplane/index.js';

export const FSCRYPT_VERIFIED = 'fscrypt, per-project keys';

export interface ProjectDir {
  name: string;
  encryption: DirEncryption;
}

/** A storage judgement, as storage-encryption.ts makes them for disks. */
export interface Judged {
  state: 'verified' | 'declared' | 'none';
  detail: string;
}

/**
 * `disk`: the judgement of the disk under the projects (dm-crypt or not), for the fallback.
 */
export function judgeProjects(
  mode: 'fscrypt' | 'auto',
  support: EncryptionSupport,
  dirs: ProjectDir[],
  disk: Judged,
): Judged {
  const plain = dirs.filter((d) => d.encryption.kind !== 'fscrypt');
  if (!support.ok && mode === 'fscrypt')
    return {
      state: 'none',
      detail: `fscrypt is required in this region but not available: ${support.reason}`,
    };
  if (plain.length > 0) {
    if (disk.state === 'verified') return disk;
    const names = plain
      .slice(0, 5)
      .map((d) => `'${d.name}' (${d.encryption.detail})`)
      .join(', ');
    return {
      state: 'none',
      detail: `${plain.length} of ${dirs.length} project directories are not encrypted: ${names}${plain.length > 5 ? ', …' : ''}`,
    };
  }
  if (!support.ok) return { ...disk, detail: `fscrypt is not available (${support.reason}); ${disk.detail}` };
  if (dirs.length === 0)
    return {
      state: 'declared',
      detail: `${FSCRYPT_VERIFIED}: each new project's directory is encrypted under its own key (${support.detail}); no project here yet to check`,
    };
  const sample = dirs[0]?.encryption.detail ?? '';
  return {
    state: 'verified',
    detail: `${FSCRYPT_VERIFIED}: the kernel reports an fscrypt policy on all ${dirs.length} project director${dirs.length === 1 ? 'y' : 'ies'}, each with its own key (${sample.replace(/, its own key [^,]+,.*$/, '')}); ${support.detail}`,
  };
}
