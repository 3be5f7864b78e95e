/**
 * @module keys/keystores/pkcs11
 * The PKCS#11 keystore: Ward's root key as a non-extractable AES-256 key inside an HSM token.
 * `acquirePkcs11Module` is public because a PKCS#11 module is process-wide: anything else in the
 * process that uses the same module (a test's token set-up) must share it, not load it again.
 */
export { Pkcs11KeystoreError } from './pkcs11-errors.js';
export {
  openPkcs11Keystore,
  type Pkcs11Keystore,
  type Pkcs11KeystoreOptions,
  type ProbeResult,
} from './pkcs11-keystore.js';
export { acquirePkcs11Module, isPkcs11ModuleLoaded, type Pkcs11Module } from './pkcs11-module.js';
