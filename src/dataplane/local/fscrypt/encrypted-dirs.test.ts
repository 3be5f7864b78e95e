/**
 * Encrypted cluster directories against the real kernel: an ext4 image with fscrypt mounted
 * (loop), a directory made under a derived key, its contents unreadable and its names scrambled
 * once locked (to root as well), never unlocked by another key, and nothing written in it found
 * in clear in the image. Needs root, as Ward does to mount the image.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, stat, statfs, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fileContains } from '../../../../test/support/scan.js';
import { createEncryptedDirs, type EncryptedDirs } from './encrypted-dirs.js';
import { policyOf } from './kernel.js';

const MARKER = `ward-fscrypt-marker-${randomBytes(8).toString('hex')}`;
let base: string;
let dirs: EncryptedDirs;
/** Keys by directory; `wrong` replaces one to show a foreign key cannot unlock. */
const keys = new Map<string, Buffer>();
const warnings: string[] = [];

beforeAll(async () => {
  base = await mkdtemp(join(tmpdir(), 'ward-fscrypt-'));
  dirs = createEncryptedDirs({
    dir: join(base, 'encrypted'),
    image: join(base, 'encrypted.img'),
    sizeBytes: 64 * 2 ** 20,
    owner: { uid: 0, gid: 0, mode: 0o700 },
    keys: async (owner, id) => {
      const key = keys.get(`${owner}/${id}`) ?? createHash('sha512').update(`${owner}/${id}`).digest();
      return Buffer.from(key);
    },
    warn: (msg) => warnings.push(msg),
  });
});
afterAll(async () => {
  await dirs.close().catch(() => undefined);
  await rm(base, { recursive: true, force: true });
});

describe('encrypted cluster directories (fscrypt)', () => {
  it('makes the image on first use, mounted, and says what it is', async () => {
    expect((await dirs.support()).ok).toBe(true);
    expect((await dirs.support()) as { detail: string }).toMatchObject({
      detail: expect.stringMatching(/the ext4 image .*encrypted\.img \(fscrypt\) is made for the first/),
    });
    const root = await dirs.make('prj_a');
    expect(root).toBe(join(base, 'encrypted', 'prj_a'));
    expect(await dirs.support()).toMatchObject({
      ok: true,
      detail: expect.stringMatching(
        /encrypted\.img \(ext4 with fscrypt\) is mounted at .*encrypted from \/dev\/loop\d+/,
      ),
    });
    expect((await stat(join(base, 'encrypted.img'))).mode & 0o777).toBe(0o600);
  });

  it('encrypts what is written inside under a v2 policy the kernel reports', async () => {
    const root = dirs.rootOf('prj_a');
    await writeFile(join(root, 'notes.txt'), `${MARKER}\n`.repeat(1000));
    expect(await readFile(join(root, 'notes.txt'), 'utf8')).toContain(MARKER);
    const policy = await policyOf(root);
    expect(policy).toMatchObject({ version: 2, contents: 1, filenames: 4 });
    expect(await dirs.describe('prj_a')).toEqual({
      kind: 'fscrypt',
      unlocked: true,
      detail: expect.stringMatching(
        /^fscrypt v2 policy \(AES-256-XTS contents, AES-256-CTS names\), its own key [0-9a-f]{8}…, unlocked$/,
      ),
    });
    expect((await policyOf(join(base, 'encrypted'))) === 'none').toBe(true);
  });

  it('locks: names scrambled and contents unreadable, to root too; nothing in clear in the image', async () => {
    await dirs.lock('prj_a');
    const root = dirs.rootOf('prj_a');
    const names = await readdir(root);
    expect(names).toHaveLength(1);
    expect(names[0]).not.toBe('notes.txt');
    await expect(readFile(join(root, names[0] as string))).rejects.toThrow(
      /ENOKEY|Required key not available|error -126/,
    );
    expect(await dirs.describe('prj_a')).toMatchObject({ kind: 'fscrypt', unlocked: false });
    // Written through to the image (the lock evicted the files' pages after writing them back).
    expect(await fileContains(join(base, 'encrypted.img'), 'lost+found')).toBe(true);
    expect(await fileContains(join(base, 'encrypted.img'), MARKER)).toBe(false);
  });

  it('unlocks only with the key it was made with', async () => {
    keys.set('prj_a/prj_a', randomBytes(64));
    await expect(dirs.unlock('prj_a')).rejects.toThrow(
      /the key Ward derives for prj_a \([0-9a-f]{32}\) is not the one its directory is encrypted with/,
    );
    expect(await dirs.describe('prj_a')).toMatchObject({ unlocked: false });
    keys.delete('prj_a/prj_a');
    await dirs.unlock('prj_a');
    expect(await readFile(join(dirs.rootOf('prj_a'), 'notes.txt'), 'utf8')).toContain(MARKER);
  });

  it('keys each directory on its own, a scratch directory under its owner project', async () => {
    await dirs.make('drill_1', 'prj_a');
    const a = await policyOf(dirs.rootOf('prj_a'));
    const d = await policyOf(dirs.rootOf('drill_1'));
    expect(typeof a === 'object' && typeof d === 'object' && a.keyId !== d.keyId).toBe(true);
    await dirs.lock('drill_1');
    await dirs.unlock('drill_1', 'prj_a');
    expect(await dirs.describe('drill_1')).toMatchObject({ unlocked: true });
  });

  it('unmounts on close; a new start mounts the same image and finds its directories', async () => {
    await dirs.lock('drill_1');
    await dirs.close();
    expect(await readdir(join(base, 'encrypted'))).toEqual([]);
    expect(dirs.has('prj_a')).toBe(false);
    expect((await dirs.open(false)).ok).toBe(true);
    expect(dirs.has('prj_a')).toBe(true);
    await dirs.unlock('prj_a');
    expect(await readFile(join(dirs.rootOf('prj_a'), 'notes.txt'), 'utf8')).toContain(MARKER);
  });

  it('grows the image when less than a fifth is free: mounted where the kernel lets it, else at the next start', async () => {
    const image = join(base, 'encrypted.img');
    const before = (await stat(image)).size;
    const fs = await statfs(dirs.rootOf('prj_a'));
    await writeFile(join(dirs.rootOf('prj_a'), 'filler'), randomBytes(Math.ceil(fs.bavail * fs.bsize * 0.9)));
    await dirs.make('prj_b');
    // Online resizing needs CAP_SYS_RESOURCE, which some containers withhold: then it says so.
    expect(warnings.every((w) => w === 'growing the encrypted volume failed')).toBe(true);
    await dirs.lock('prj_a');
    await dirs.lock('prj_b');
    await dirs.close();
    expect((await dirs.open(false)).ok).toBe(true);
    expect((await stat(image)).size).toBe(before * 2);
    const after = await statfs(join(base, 'encrypted'));
    expect(after.blocks * after.bsize).toBeGreaterThan(fs.blocks * fs.bsize * 1.8);
    await dirs.unlock('prj_a');
    expect(await readFile(join(dirs.rootOf('prj_a'), 'notes.txt'), 'utf8')).toContain(MARKER);
    await dirs.lock('prj_a');
  });
});
