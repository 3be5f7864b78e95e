/**
 * @module dataplane/local/fscrypt/kernel
 * The kernel's fscrypt interface (linux/fscrypt.h), called directly: Ward adds a directory's key
 * to the file system's keyring, sets a v2 policy on an empty directory, asks the kernel which
 * policy a directory has, and removes the key again. Debian's `fscrypt` tool does the same but
 * keeps protectors and a config in /etc; Ward's keys already live in its own hierarchy, so the
 * five ioctls are all it needs (through koffi, a foreign-function library, since Node has no
 * ioctl). The raw key passes only through memory: a buffer handed to the kernel and wiped.
 */
import { open } from 'node:fs/promises';
import koffi from 'koffi';

/** Contents AES-256-XTS, file names AES-256-CTS: the modes HHS-recognized tools use and the kernel's default. */
export const MODE_AES_256_XTS = 1;
export const MODE_AES_256_CTS = 4;
const POLICY_V2 = 2;
/** Pad file names to 32 bytes, so names leak as little of their length as possible. */
const FLAGS_PAD_32 = 0x03;
const KEY_SPEC_IDENTIFIER = 2;
/** An fscrypt master key for AES-256-XTS is 64 bytes. */
export const KEY_BYTES = 64;

const ioc = (dir: number, nr: number, size: number) => ((dir << 30) | (size << 16) | (0x66 << 8) | nr) >>> 0;
const READ = 2;
const READ_WRITE = 3;
const IOCTL = {
  setPolicy: ioc(READ, 19, 12),
  getPolicyEx: ioc(READ_WRITE, 22, 9),
  addKey: ioc(READ_WRITE, 23, 80),
  removeKeyAllUsers: ioc(READ_WRITE, 25, 64),
  keyStatus: ioc(READ_WRITE, 26, 128),
} as const;

const ERRNO: Record<number, string> = {
  1: 'EPERM',
  2: 'ENOENT',
  13: 'EACCES',
  17: 'EEXIST',
  22: 'EINVAL',
  25: 'ENOTTY',
  39: 'ENOTEMPTY',
  61: 'ENODATA',
  95: 'EOPNOTSUPP',
  126: 'ENOKEY',
};

export class FscryptError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export interface Policy {
  version: 2;
  contents: number;
  filenames: number;
  flags: number;
  /** The master key's identifier, as the kernel derives it from the key (16 bytes, hex). */
  keyId: string;
}

export type KeyStatus = 'absent' | 'present' | 'incompletely_removed';

type Ioctl = ((fd: number, request: number, arg: Buffer) => number) & {
  async(fd: number, request: number, arg: Buffer, cb: (err: unknown, res: number) => void): void;
};

let ioctlFn: Ioctl | undefined;
function ioctl(): Ioctl {
  ioctlFn ??= koffi.load('libc.so.6').func('int ioctl(int fd, unsigned long request, uint8_t *arg)') as Ioctl;
  return ioctlFn;
}

/** Runs one ioctl on `path` off the event loop; resolves with errno (0 on success). */
async function call(path: string, request: number, arg: Buffer): Promise<number> {
  const handle = await open(path, 'r');
  try {
    return await new Promise<number>((resolve, reject) =>
      ioctl().async(handle.fd, request, arg, (err, res) =>
        err ? reject(err) : resolve(res === 0 ? 0 : koffi.errno()),
      ),
    );
  } finally {
    await handle.close();
  }
}

const name = (errno: number) => ERRNO[errno] ?? `errno ${errno}`;

function fail(errno: number, what: string): never {
  throw new FscryptError(name(errno), `${what}: ${name(errno)}`);
}

function keySpec(buf: Buffer, keyId: string) {
  buf.writeUInt32LE(KEY_SPEC_IDENTIFIER, 0);
  Buffer.from(keyId, 'hex').copy(buf, 8);
}

/**
 * The policy of `dir`, `none` for an unencrypted directory on a file system that supports fscrypt,
 * `unsupported` where the file system does not (ext4 without its `encrypt` feature, overlayfs).
 */
export async function policyOf(dir: string): Promise<Policy | 'none' | 'unsupported'> {
  const arg = Buffer.alloc(8 + 24);
  arg.writeBigUInt64LE(24n, 0);
  const errno = await call(dir, IOCTL.getPolicyEx, arg);
  if (errno === 61) return 'none';
  if (errno === 95 || errno === 25) return 'unsupported';
  if (errno !== 0) fail(errno, `reading the encryption policy of ${dir}`);
  const p = arg.subarray(8);
  if (p[0] !== POLICY_V2)
    throw new FscryptError('EINVAL', `${dir} has an fscrypt v${p[0]} policy; Ward uses v2`);
  return {
    version: 2,
    contents: p[1] ?? 0,
    filenames: p[2] ?? 0,
    flags: p[3] ?? 0,
    keyId: p.subarray(8, 24).toString('hex'),
  };
}

/** Adds `key` to the keyring of the file system holding `dir`; resolves with its identifier. */
export async function addKey(dir: string, key: Buffer): Promise<string> {
  if (key.length !== KEY_BYTES) throw new FscryptError('EINVAL', `an fscrypt key is ${KEY_BYTES} bytes`);
  const arg = Buffer.alloc(80 + KEY_BYTES);
  arg.writeUInt32LE(KEY_SPEC_IDENTIFIER, 0);
  arg.writeUInt32LE(KEY_BYTES, 40);
  key.copy(arg, 80);
  try {
    const errno = await call(dir, IOCTL.addKey, arg);
    if (errno !== 0) fail(errno, `adding an fscrypt key on the file system of ${dir}`);
    return arg.subarray(8, 24).toString('hex');
  } finally {
    arg.fill(0);
  }
}

/** Sets a v2 policy (AES-256-XTS/CTS) with key `keyId` on the empty directory `dir`. */
export async function setPolicy(dir: string, keyId: string): Promise<void> {
  const arg = Buffer.alloc(24);
  arg.writeUInt8(POLICY_V2, 0);
  arg.writeUInt8(MODE_AES_256_XTS, 1);
  arg.writeUInt8(MODE_AES_256_CTS, 2);
  arg.writeUInt8(FLAGS_PAD_32, 3);
  Buffer.from(keyId, 'hex').copy(arg, 8);
  const errno = await call(dir, IOCTL.setPolicy, arg);
  if (errno !== 0) fail(errno, `setting an fscrypt policy on ${dir}`);
}

/** Whether the key `keyId` is in the keyring of the file system holding `dir`. */
export async function keyStatus(dir: string, keyId: string): Promise<KeyStatus> {
  const arg = Buffer.alloc(128);
  keySpec(arg, keyId);
  const errno = await call(dir, IOCTL.keyStatus, arg);
  if (errno !== 0) fail(errno, `reading the status of fscrypt key ${keyId}`);
  const status = arg.readUInt32LE(64);
  return status === 2 ? 'present' : status === 3 ? 'incompletely_removed' : 'absent';
}

/**
 * Removes the key `keyId` for every user: the kernel evicts the files it unlocked, so their
 * contents and names are unreadable until the key is added again. `busy` when a file was still
 * open (the key is then removed as soon as it is closed).
 */
export async function removeKey(dir: string, keyId: string): Promise<{ busy: boolean }> {
  const arg = Buffer.alloc(64);
  keySpec(arg, keyId);
  const errno = await call(dir, IOCTL.removeKeyAllUsers, arg);
  if (errno === 126) return { busy: false }; // not in the keyring: already locked
  if (errno !== 0) fail(errno, `removing fscrypt key ${keyId}`);
  return { busy: (arg.readUInt32LE(40) & 0x1) !== 0 };
}

export const describeMode = (mode: number) =>
  mode === MODE_AES_256_XTS ? 'AES-256-XTS' : mode === MODE_AES_256_CTS ? 'AES-256-CTS' : `mode ${mode}`;
