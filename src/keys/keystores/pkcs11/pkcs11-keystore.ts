/**
 * @module keys/keystores/pkcs11/pkcs11-keystore
 * A keystore whose root key is an AES-256 secret key inside an HSM token, reached through the
 * token's PKCS#11 module. The key never leaves the token: wrapping is CKM_AES_GCM inside it, with
 * a random IV and the wrapped key's context as associated data (see wrapped-format.ts).
 * `probe()` tells a monitor whether the key can still be used, and why not.
 */
import { randomBytes } from 'node:crypto';
import type { Handle } from 'pkcs11js';
import type { Keystore } from '../../keystore.js';
import { ckr, isHandleGone, isSessionLost, Pkcs11KeystoreError, reasonOf } from './pkcs11-errors.js';
import { acquirePkcs11Module } from './pkcs11-module.js';
import { findRootKey } from './root-key.js';
import { openTokenSession } from './token-session.js';
import { decodeWrapped, encodeWrapped, IV_BYTES, TAG_BYTES } from './wrapped-format.js';

export interface Pkcs11KeystoreOptions {
  /** Path of the HSM's PKCS#11 library, e.g. /usr/lib/softhsm/libsofthsm2.so. */
  module: string;
  /** Label of the token that holds the root key. */
  token: string;
  /** Label (CKA_LABEL) of the root key. */
  keyLabel: string;
  /** The token's user PIN. Kept to log in again after the session was lost; never logged. */
  pin: string;
}

export type ProbeResult = { ok: true } | { ok: false; reason: string };

export interface Pkcs11Keystore extends Keystore {
  /** Whether the token is present, the session logged in and the key usable to encrypt and decrypt. */
  probe(): Promise<ProbeResult>;
  /** Ends the session and gives the module back. Idempotent. */
  close(): Promise<void>;
}

/** The associated data of the probe's test value: no wrapped key has this context. */
const PROBE_CONTEXT = 'ward:pkcs11-keystore:probe';

/** Token labels are at most 32 bytes (CK_TOKEN_INFO.label). */
const TOKEN_LABEL_BYTES = 32;

/** An RFC 7512 PKCS#11 URI naming the key, recorded beside every key it wraps. */
const keyUri = (token: string, label: string) =>
  `pkcs11:token=${encodeURIComponent(token)};object=${encodeURIComponent(label)}`;

/** `message` as a sentence, for a probe's reason. */
const sentence = (message: string) => `${message.charAt(0).toUpperCase()}${message.slice(1)}.`;

function checkOptions({ module, token, keyLabel, pin }: Pkcs11KeystoreOptions): void {
  if (!module)
    throw new Pkcs11KeystoreError('module is empty; set it to the path of your HSM PKCS#11 library');
  if (!token)
    throw new Pkcs11KeystoreError('token is empty; set it to the label of the token holding the root key');
  if (Buffer.byteLength(token) > TOKEN_LABEL_BYTES)
    throw new Pkcs11KeystoreError(
      `token label "${token}" is longer than the ${TOKEN_LABEL_BYTES} bytes PKCS#11 allows`,
    );
  if (!keyLabel) throw new Pkcs11KeystoreError('keyLabel is empty; set it to the label of the root key');
  if (!pin) throw new Pkcs11KeystoreError(`pin is empty; set it to the user PIN of token "${token}"`);
}

/** Opens the session, logs in and checks the key; throws a Pkcs11KeystoreError saying what to fix. */
export async function openPkcs11Keystore(opts: Pkcs11KeystoreOptions): Promise<Pkcs11Keystore> {
  checkOptions(opts);
  const { token, keyLabel } = opts;
  const where = `key "${keyLabel}" on token "${token}"`;
  const mod = await acquirePkcs11Module(opts.module);
  const { api, ck } = mod;
  const tokenSession = openTokenSession(mod, { token, pin: opts.pin, purpose: `key "${keyLabel}"` });

  /** Any failure as a Pkcs11KeystoreError that names the key. */
  const explained = (err: unknown): Error =>
    err instanceof Pkcs11KeystoreError
      ? err
      : new Pkcs11KeystoreError(
          `PKCS#11 ${(err as { method?: string }).method || 'call'} failed (${reasonOf(err)}) using ${where}`,
        );

  const refind = (session: Handle) => findRootKey(ck, api, session, keyLabel, where);

  /**
   * Runs `op` with the root key. A stale handle, or a key that refused the operation, makes it
   * look the key up again: that either explains what changed or finds the key that came back.
   */
  function withKey<T>(op: (session: Handle, key: Handle) => T): T {
    try {
      return tokenSession.use((conn) => {
        conn.key ??= refind(conn.session);
        try {
          return op(conn.session, conn.key);
        } catch (err) {
          if (!isHandleGone(err) && ckr(err) !== 'CKR_KEY_FUNCTION_NOT_PERMITTED') throw err;
          conn.key = undefined;
          conn.key = refind(conn.session);
          return op(conn.session, conn.key);
        }
      });
    } catch (err) {
      throw explained(err);
    }
  }

  const gcm = (iv: Buffer, context: string) => ({
    mechanism: ck.CKM_AES_GCM,
    parameter: {
      type: ck.CK_PARAMS_AES_GCM_v240,
      iv,
      ivBits: IV_BYTES * 8,
      aad: Buffer.from(context, 'utf8'),
      tagBits: TAG_BYTES * 8,
    },
  });

  // Log in and check the key now, so that a wrong setting fails at start, not at first use.
  try {
    withKey(() => undefined);
  } catch (err) {
    tokenSession.close();
    mod.release();
    throw err;
  }

  const keystore: Pkcs11Keystore = {
    id: keyUri(token, keyLabel),

    async wrap(key, context) {
      const iv = randomBytes(IV_BYTES);
      const sealed = withKey((session, handle) => {
        api.C_EncryptInit(session, gcm(iv, context), handle);
        return api.C_Encrypt(session, key, Buffer.alloc(key.length + TAG_BYTES));
      });
      return encodeWrapped({ iv, sealed });
    },

    async unwrap(wrapped, context) {
      const { iv, sealed } = decodeWrapped(wrapped);
      return withKey((session, handle) => {
        api.C_DecryptInit(session, gcm(iv, context), handle);
        try {
          return api.C_Decrypt(session, sealed, Buffer.alloc(sealed.length));
        } catch (err) {
          if (isSessionLost(err)) throw err;
          throw new Pkcs11KeystoreError(
            `the wrapped key does not open with ${where} (${reasonOf(err)}): its bytes were altered, or "${context}" is not the context it was wrapped with`,
          );
        }
      });
    },

    async probe() {
      try {
        // Look the key up afresh: it may have been deleted, changed, or created again.
        tokenSession.use((conn) => {
          conn.key = undefined;
          conn.key = refind(conn.session);
        });
        const sample = randomBytes(32);
        const back = await keystore.unwrap(await keystore.wrap(sample, PROBE_CONTEXT), PROBE_CONTEXT);
        if (!back.equals(sample))
          return { ok: false, reason: sentence(`${where} decrypted a test value wrongly`) };
        return { ok: true };
      } catch (err) {
        return { ok: false, reason: sentence(explained(err).message) };
      }
    },

    async close() {
      tokenSession.close();
      mod.release();
    },
  };
  return keystore;
}
