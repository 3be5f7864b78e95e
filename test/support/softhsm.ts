/**
 * Throwaway SoftHSM2 tokens for tests of the PKCS#11 keystore. SoftHSM reads SOFTHSM2_CONF once,
 * at C_Initialize, and a PKCS#11 module is initialised once per process, so a test file (one
 * process) gets one SoftHSM: a temporary directory with its softhsm2.conf and token directory, in
 * which it may create several tokens. Everything goes through the keystore's own module loader,
 * so the helper and the keystores under test share the one initialised module.
 *
 *   const hsm = await startSoftHsm();               // beforeAll
 *   const token = hsm.createToken({ label: 'ward', pin: '1234' });
 *   token.generateKey('root');
 *   token.disableKey('root', 'flags');              // or 'destroy'; then token.restoreKey('root')
 *   await hsm.stop();                               // afterAll
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Handle } from 'pkcs11js';
import {
  acquirePkcs11Module,
  isPkcs11ModuleLoaded,
  type Pkcs11Module,
} from '../../src/keys/keystores/pkcs11/index.js';

/** Where Debian (softhsm2) and source builds put the module; SOFTHSM2_MODULE overrides. */
const MODULE_PATHS = [
  '/usr/lib/softhsm/libsofthsm2.so',
  '/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so',
  '/usr/lib/aarch64-linux-gnu/softhsm/libsofthsm2.so',
  '/usr/local/lib/softhsm/libsofthsm2.so',
];

export function softHsmModulePath(): string {
  const candidates = process.env.SOFTHSM2_MODULE ? [process.env.SOFTHSM2_MODULE] : MODULE_PATHS;
  const found = candidates.find((p) => existsSync(p));
  if (!found)
    throw new Error(
      `SoftHSM2 is not installed (no ${candidates.join(', ')}); run \`node scripts/setup.mjs --test\` or apt-get install softhsm2`,
    );
  return found;
}

export interface KeyOptions {
  /** A generic secret (CKK_GENERIC_SECRET) instead of an AES key. */
  generic?: boolean;
  /** Key size in bytes (32: AES-256). */
  bytes?: number;
  sensitive?: boolean;
  extractable?: boolean;
  encrypt?: boolean;
  decrypt?: boolean;
}

export interface SoftToken {
  readonly label: string;
  readonly pin: string;
  /** Generates an AES secret key inside the token (AES-256, sensitive, not extractable by default). */
  generateKey(label: string, opts?: KeyOptions): void;
  /** Revokes a key: `flags` sets CKA_ENCRYPT and CKA_DECRYPT false, `destroy` deletes it. */
  disableKey(label: string, how: 'flags' | 'destroy'): void;
  /** Makes the key usable again: sets the flags back, or generates a new key under the label. */
  restoreKey(label: string): void;
  /** Closes every session of this process with the token, as a token reset would (logs it out). */
  dropSessions(): void;
  /** Initialises the token again under its label and PINs: every key on it is gone. */
  reinitialise(): void;
  /** C_GetAttributeValue of CKA_VALUE: throws (CKR_ATTRIBUTE_SENSITIVE) unless the key is readable. */
  readKeyValue(label: string): Buffer;
}

export interface SoftHsm {
  readonly modulePath: string;
  readonly dir: string;
  /** Initialises a token on the free slot, with its SO PIN and user PIN. */
  createToken(opts: { label: string; pin: string; soPin?: string }): SoftToken;
  /** Gives the module back and removes the token directory. */
  stop(): Promise<void>;
}

let running: Promise<SoftHsm> | undefined;

/** This process's SoftHSM, started on first call. */
export function startSoftHsm(): Promise<SoftHsm> {
  running ??= start().catch((err: unknown) => {
    running = undefined;
    throw err;
  });
  return running;
}

async function start(): Promise<SoftHsm> {
  const modulePath = softHsmModulePath();
  if (isPkcs11ModuleLoaded(modulePath))
    throw new Error('SoftHSM2 is already initialised in this process without startSoftHsm; start it first');
  const dir = mkdtempSync(join(tmpdir(), 'ward-softhsm-'));
  mkdirSync(join(dir, 'tokens'), { mode: 0o700 });
  const conf = join(dir, 'softhsm2.conf');
  writeFileSync(
    conf,
    `directories.tokendir = ${join(dir, 'tokens')}\nobjectstore.backend = file\nlog.level = ERROR\nslots.removable = false\n`,
  );
  process.env.SOFTHSM2_CONF = conf;
  const mod = await acquirePkcs11Module(modulePath);
  return {
    modulePath,
    dir,
    createToken: (opts) => createToken(mod, opts),
    async stop() {
      running = undefined;
      mod.release();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function createToken(mod: Pkcs11Module, opts: { label: string; pin: string; soPin?: string }): SoftToken {
  const { api, ck } = mod;
  const soPin = opts.soPin ?? `so-${opts.pin}`;
  const free = api.C_GetSlotList(true).find((s) => !(api.C_GetTokenInfo(s).flags & ck.CKF_TOKEN_INITIALIZED));
  if (!free) throw new Error('SoftHSM2 has no free slot for a new token');
  // The binding pads a label with NULs; PKCS#11 pads with blanks.
  const initToken = (at: Handle) => api.C_InitToken(at, soPin, opts.label.padEnd(32, ' '));
  initToken(free);
  const slot = api
    .C_GetSlotList(true)
    .find((s) => api.C_GetTokenInfo(s).label.replace(/[\s\0]+$/, '') === opts.label);
  if (!slot) throw new Error(`SoftHSM2 token "${opts.label}" vanished after C_InitToken`);

  /** Runs `fn` in a read-write session of `user` that is closed after (never C_Logout: other sessions share the login). */
  function inSession<T>(fn: (session: Handle) => T, user = ck.CKU_USER, pin = opts.pin): T {
    const session = api.C_OpenSession(slot as Handle, ck.CKF_SERIAL_SESSION | ck.CKF_RW_SESSION);
    try {
      try {
        api.C_Login(session, user, pin);
      } catch (err) {
        if (!(err as Error).message.includes('CKR_USER_ALREADY_LOGGED_IN')) throw err;
      }
      return fn(session);
    } finally {
      api.C_CloseSession(session);
    }
  }
  const initPin = () => inSession((s) => api.C_InitPIN(s, opts.pin), ck.CKU_SO, soPin);
  initPin();

  function keysLabelled(session: Handle, label: string): Handle[] {
    api.C_FindObjectsInit(session, [
      { type: ck.CKA_CLASS, value: ck.CKO_SECRET_KEY },
      { type: ck.CKA_LABEL, value: label },
    ]);
    try {
      return api.C_FindObjects(session, 16);
    } finally {
      api.C_FindObjectsFinal(session);
    }
  }

  const setUsage = (label: string, usable: boolean) =>
    inSession((s) => {
      for (const key of keysLabelled(s, label))
        api.C_SetAttributeValue(s, key, [
          { type: ck.CKA_ENCRYPT, value: usable },
          { type: ck.CKA_DECRYPT, value: usable },
        ]);
    });

  const token: SoftToken = {
    label: opts.label,
    pin: opts.pin,
    generateKey(label, k = {}) {
      inSession((s) =>
        api.C_GenerateKey(s, { mechanism: k.generic ? ck.CKM_GENERIC_SECRET_KEY_GEN : ck.CKM_AES_KEY_GEN }, [
          { type: ck.CKA_CLASS, value: ck.CKO_SECRET_KEY },
          { type: ck.CKA_KEY_TYPE, value: k.generic ? ck.CKK_GENERIC_SECRET : ck.CKK_AES },
          { type: ck.CKA_VALUE_LEN, value: k.bytes ?? 32 },
          { type: ck.CKA_LABEL, value: label },
          { type: ck.CKA_TOKEN, value: true },
          { type: ck.CKA_PRIVATE, value: true },
          { type: ck.CKA_SENSITIVE, value: k.sensitive ?? true },
          { type: ck.CKA_EXTRACTABLE, value: k.extractable ?? false },
          { type: ck.CKA_ENCRYPT, value: k.encrypt ?? true },
          { type: ck.CKA_DECRYPT, value: k.decrypt ?? true },
        ]),
      );
    },
    disableKey(label, how) {
      if (how === 'flags') return setUsage(label, false);
      inSession((s) => {
        for (const key of keysLabelled(s, label)) api.C_DestroyObject(s, key);
      });
    },
    restoreKey(label) {
      if (inSession((s) => keysLabelled(s, label).length) > 0) setUsage(label, true);
      else token.generateKey(label);
    },
    dropSessions() {
      api.C_CloseAllSessions(slot);
    },
    reinitialise() {
      api.C_CloseAllSessions(slot);
      initToken(slot);
      initPin();
    },
    readKeyValue(label) {
      return inSession((s) => {
        const [key] = keysLabelled(s, label);
        if (!key) throw new Error(`no key labelled "${label}" on SoftHSM2 token "${opts.label}"`);
        const [value] = api.C_GetAttributeValue(s, key, [{ type: ck.CKA_VALUE }]);
        if (!value) throw new Error('C_GetAttributeValue returned no CKA_VALUE');
        return value.value;
      });
    },
  };
  return token;
}
