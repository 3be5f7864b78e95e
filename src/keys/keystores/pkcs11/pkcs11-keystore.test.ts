import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SoftHsm, type SoftToken, startSoftHsm } from '../../../../test/support/softhsm.js';
import { openPkcs11Keystore, type Pkcs11Keystore, type Pkcs11KeystoreOptions } from './index.js';

let hsm: SoftHsm;
let main: SoftToken;
let keystore: Pkcs11Keystore;
const opened: Pkcs11Keystore[] = [];

async function open(opts: Partial<Pkcs11KeystoreOptions> & { token: string; pin: string }) {
  const ks = await openPkcs11Keystore({ module: hsm.modulePath, keyLabel: 'root', ...opts });
  opened.push(ks);
  return ks;
}

beforeAll(async () => {
  hsm = await startSoftHsm();
  main = hsm.createToken({ label: 'ward-main', pin: 'main-pin-4711' });
  main.generateKey('root');
  keystore = await open({ token: main.label, pin: main.pin });
});

afterAll(async () => {
  for (const ks of opened) await ks.close();
  await hsm?.stop();
});

describe('wrapping with the root key inside the token', () => {
  it('round-trips a data key, with a fresh IV each time', async () => {
    const key = randomBytes(32);
    const a = await keystore.wrap(key, 'ward-key:1:org:7');
    const b = await keystore.wrap(key, 'ward-key:1:org:7');
    expect(a[0]).toBe(1);
    expect(a.length).toBe(1 + 12 + 32 + 16);
    expect(a.subarray(1, 13).equals(b.subarray(1, 13))).toBe(false);
    expect(await keystore.unwrap(a, 'ward-key:1:org:7')).toEqual(key);
    expect(await keystore.unwrap(b, 'ward-key:1:org:7')).toEqual(key);
  });

  it('names its key by an RFC 7512 URI', () => {
    expect(keystore.id).toBe('pkcs11:token=ward-main;object=root');
  });

  it('refuses to unwrap under another context', async () => {
    const wrapped = await keystore.wrap(randomBytes(32), 'ward-key:1:org:7');
    await expect(keystore.unwrap(wrapped, 'ward-key:1:org:8')).rejects.toThrow(
      /does not open with key "root" on token "ward-main".*"ward-key:1:org:8" is not the context/,
    );
  });

  it('refuses altered bytes at every position, and truncated ones', async () => {
    const key = randomBytes(32);
    const wrapped = await keystore.wrap(key, 'ctx');
    for (let i = 0; i < wrapped.length; i++) {
      const altered = Buffer.from(wrapped);
      altered[i] = (altered[i] ?? 0) ^ 0x01;
      await expect(keystore.unwrap(altered, 'ctx'), `byte ${i}`).rejects.toThrow(
        i === 0 ? /not a key wrapped by a PKCS#11 keystore/ : /its bytes were altered/,
      );
    }
    await expect(keystore.unwrap(wrapped.subarray(0, 28), 'ctx')).rejects.toThrow(/truncated/);
    await expect(keystore.unwrap(wrapped.subarray(0, wrapped.length - 1), 'ctx')).rejects.toThrow(/altered/);
    // The failures left no operation behind on the session.
    expect(await keystore.unwrap(wrapped, 'ctx')).toEqual(key);
  });

  it('keeps the raw key inside the token (CKA_VALUE is refused)', () => {
    expect(() => main.readKeyValue('root')).toThrow(/CKR_ATTRIBUTE_SENSITIVE/);
  });

  it('opens a new session, and logs in again, when its session was lost', async () => {
    const key = randomBytes(32);
    const wrapped = await keystore.wrap(key, 'ctx');
    main.dropSessions();
    expect(await keystore.unwrap(wrapped, 'ctx')).toEqual(key);
    expect(await keystore.probe()).toEqual({ ok: true });
  });
});

describe('opening says what to fix', () => {
  it('when the module file is missing', async () => {
    await expect(open({ module: '/nonexistent/libpkcs11.so', token: 'x', pin: 'p' })).rejects.toThrow(
      'PKCS#11 module /nonexistent/libpkcs11.so does not exist',
    );
  });

  it('when the file is not a PKCS#11 module', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ward-p11-'));
    const notModule = join(dir, 'not-a-module.so');
    writeFileSync(notModule, 'plain text\n');
    try {
      await expect(open({ module: notModule, token: 'x', pin: 'p' })).rejects.toThrow(
        `${notModule} is not a PKCS#11 module`,
      );
    } finally {
      rmSync(dir, { recursive: true });
    }
  });

  it('when no token has the label', async () => {
    await expect(open({ token: 'no-such-token', pin: 'p' })).rejects.toThrow(
      /no token labelled "no-such-token" is present .*tokens present: "ward-main"/,
    );
  });

  it('when the PIN is wrong, without quoting it', async () => {
    const token = hsm.createToken({ label: 'ward-pin', pin: 'right-pin-1' });
    token.generateKey('root');
    const err = await open({ token: 'ward-pin', pin: 'guess-8152' }).catch((e: Error) => e);
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).message).toMatch(/the PIN for token "ward-pin" is wrong \(CKR_PIN_INCORRECT\)/);
    expect((err as Error).message).not.toContain('8152');
  });

  it('when no key has the label', async () => {
    await expect(open({ token: main.label, pin: main.pin, keyLabel: 'absent' })).rejects.toThrow(
      'there is no key "absent" on token "ward-main"; create an AES-256 secret key with that label',
    );
  });

  it('when the key is not an AES-256 key for encrypt and decrypt, or could leave the token', async () => {
    main.generateKey('generic', { generic: true });
    main.generateKey('aes-128', { bytes: 16 });
    main.generateKey('encrypt-only', { decrypt: false });
    main.generateKey('readable', { sensitive: false, extractable: true });
    const attempt = (keyLabel: string) => open({ token: main.label, pin: main.pin, keyLabel });
    await expect(attempt('generic')).rejects.toThrow('key "generic" on token "ward-main" is not an AES key');
    await expect(attempt('aes-128')).rejects.toThrow('key "aes-128" on token "ward-main" is AES-128');
    await expect(attempt('encrypt-only')).rejects.toThrow(
      'key "encrypt-only" on token "ward-main" may not decrypt (CKA_DECRYPT false)',
    );
    await expect(attempt('readable')).rejects.toThrow(
      'key "readable" on token "ward-main" could leave the token (CKA_SENSITIVE false)',
    );
  });
});

describe('probe', () => {
  it('notices a revoked key, and the key that comes back', async () => {
    const token = hsm.createToken({ label: 'ward-probe', pin: 'probe-pin-2' });
    token.generateKey('root');
    const ks = await open({ token: 'ward-probe', pin: token.pin });
    const wrapped = await ks.wrap(randomBytes(32), 'ctx');
    expect(await ks.probe()).toEqual({ ok: true });

    token.disableKey('root', 'flags');
    expect(await ks.probe()).toEqual({
      ok: false,
      reason:
        'Key "root" on token "ward-probe" may not encrypt or decrypt (CKA_ENCRYPT and CKA_DECRYPT false); set CKA_ENCRYPT and CKA_DECRYPT true on it.',
    });
    await expect(ks.unwrap(wrapped, 'ctx')).rejects.toThrow(/may not encrypt or decrypt/);

    token.restoreKey('root');
    expect(await ks.probe()).toEqual({ ok: true });
    expect((await ks.unwrap(wrapped, 'ctx')).length).toBe(32);

    token.disableKey('root', 'destroy');
    const gone = await ks.probe();
    expect(gone.ok).toBe(false);
    expect(!gone.ok && gone.reason).toMatch(/^There is no key "root" on token "ward-probe"; .*\.$/);
    await expect(ks.wrap(randomBytes(32), 'ctx')).rejects.toThrow(
      /there is no key "root" on token "ward-probe"/,
    );

    // A new key under the label is noticed; keys wrapped by the old one stay closed.
    token.restoreKey('root');
    expect(await ks.probe()).toEqual({ ok: true });
    await expect(ks.unwrap(wrapped, 'ctx')).rejects.toThrow(/its bytes were altered/);
    const again = randomBytes(32);
    expect(await ks.unwrap(await ks.wrap(again, 'ctx'), 'ctx')).toEqual(again);
  });

  it('notices a token that was initialised again, and the key that comes back on it', async () => {
    const token = hsm.createToken({ label: 'ward-reinit', pin: 'reinit-pin-4' });
    token.generateKey('root');
    const ks = await open({ token: 'ward-reinit', pin: token.pin });
    expect(await ks.probe()).toEqual({ ok: true });

    token.reinitialise();
    const wiped = await ks.probe();
    expect(!wiped.ok && wiped.reason).toMatch(/^There is no key "root" on token "ward-reinit"; /);

    token.generateKey('root');
    expect(await ks.probe()).toEqual({ ok: true });
  });

  it('says so after close', async () => {
    const token = hsm.createToken({ label: 'ward-closed', pin: 'closed-pin-3' });
    token.generateKey('root');
    const ks = await open({ token: 'ward-closed', pin: token.pin });
    await ks.close();
    expect(await ks.probe()).toEqual({
      ok: false,
      reason: 'The session with token "ward-closed" for key "root" is closed.',
    });
  });
});
