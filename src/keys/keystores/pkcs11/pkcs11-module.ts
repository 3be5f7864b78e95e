/**
 * @module keys/keystores/pkcs11/pkcs11-module
 * Loads a PKCS#11 module (an HSM vendor's shared library) once per process. A module is
 * process-wide state: a second C_Initialize fails and any C_Finalize ends every session in the
 * process, so each user acquires it here and it is finalised when the last one releases it.
 * The `pkcs11js` native addon is imported lazily, so Ward starts without it unless an HSM is used.
 */
import { existsSync } from 'node:fs';
import type * as Pkcs11js from 'pkcs11js';
import { Pkcs11KeystoreError } from './pkcs11-errors.js';

export type Pkcs11Binding = typeof Pkcs11js;

export interface Pkcs11Module {
  /** The library's path, as given. */
  readonly path: string;
  /** The initialised module's functions. */
  readonly api: Pkcs11js.PKCS11;
  /** The binding's constants (CKA_*, CKM_*, …). */
  readonly ck: Pkcs11Binding;
  /** Gives this use back; the last release finalises the module. Idempotent. */
  release(): void;
}

interface Loaded {
  api: Pkcs11js.PKCS11;
  users: number;
}

const loaded = new Map<string, Loaded>();

async function binding(): Promise<Pkcs11Binding> {
  try {
    const mod = (await import('pkcs11js')) as Pkcs11Binding & { default?: Pkcs11Binding };
    return mod.default ?? mod;
  } catch (err) {
    throw new Pkcs11KeystoreError(
      `the pkcs11js native addon is not usable (${(err as Error).message.split('\n')[0]}); run \`npm rebuild pkcs11js\` (it needs g++, make and python3)`,
    );
  }
}

function initialise(ck: Pkcs11Binding, path: string): Pkcs11js.PKCS11 {
  if (!existsSync(path))
    throw new Pkcs11KeystoreError(
      `PKCS#11 module ${path} does not exist; set module to the path of your HSM's PKCS#11 library (for SoftHSM2: /usr/lib/softhsm/libsofthsm2.so)`,
    );
  const api = new ck.PKCS11();
  try {
    api.load(path);
  } catch (err) {
    throw new Pkcs11KeystoreError(
      `${path} is not a PKCS#11 module (${(err as Error).message}); set module to the path of your HSM's PKCS#11 library`,
    );
  }
  try {
    api.C_Initialize();
  } catch (err) {
    api.close();
    throw new Pkcs11KeystoreError(
      `PKCS#11 module ${path} failed to initialise (${(err as Error).message}); check the module's own configuration`,
    );
  }
  return api;
}

/** The module at `path`, loaded and initialised on first use. */
export async function acquirePkcs11Module(path: string): Promise<Pkcs11Module> {
  const ck = await binding();
  let entry = loaded.get(path);
  if (!entry) {
    entry = { api: initialise(ck, path), users: 0 };
    loaded.set(path, entry);
  }
  entry.users++;
  const held = entry;
  let released = false;
  return {
    path,
    api: held.api,
    ck,
    release() {
      if (released) return;
      released = true;
      if (--held.users > 0) return;
      loaded.delete(path);
      try {
        held.api.C_Finalize();
      } finally {
        held.api.close();
      }
    },
  };
}

/** Whether some user in this process holds the module at `path` (it is initialised). */
export function isPkcs11ModuleLoaded(path: string): boolean {
  return loaded.has(path);
}
