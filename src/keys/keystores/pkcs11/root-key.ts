/**
 * @module keys/keystores/pkcs11/root-key
 * Finds the root key by its label and checks that it can serve: an AES-256 secret key that may
 * encrypt and decrypt and can never leave the token (sensitive, not extractable). Fails closed:
 * a key that could be read out is refused, as is a label that names no key or several.
 */
import { endianness } from 'node:os';
import type { Handle } from 'pkcs11js';
import { Pkcs11KeystoreError } from './pkcs11-errors.js';
import type { Pkcs11Binding } from './pkcs11-module.js';

/** AES-256: 32 bytes. */
const KEY_BYTES = 32;

type Api = InstanceType<Pkcs11Binding['PKCS11']>;

/** A CK_ULONG attribute value, in the host's byte order (as the module wrote it). */
function ulong(value: Buffer): number {
  if (value.length === 8)
    return Number(endianness() === 'LE' ? value.readBigUInt64LE(0) : value.readBigUInt64BE(0));
  return endianness() === 'LE' ? value.readUInt32LE(0) : value.readUInt32BE(0);
}

const bool = (value: Buffer): boolean => value.length > 0 && value[0] !== 0;

function findAll(api: Api, session: Handle, template: Array<{ type: number; value: number | string }>) {
  api.C_FindObjectsInit(session, template);
  try {
    return api.C_FindObjects(session, 8);
  } finally {
    api.C_FindObjectsFinal(session);
  }
}

/**
 * The handle of the secret key labelled `label`, after checking it. `where` names it in messages
 * (`key "root" on token "ward"`).
 */
export function findRootKey(
  ck: Pkcs11Binding,
  api: Api,
  session: Handle,
  label: string,
  where: string,
): Handle {
  const keys = findAll(api, session, [
    { type: ck.CKA_CLASS, value: ck.CKO_SECRET_KEY },
    { type: ck.CKA_LABEL, value: label },
  ]);
  const [key, second] = keys;
  if (second)
    throw new Pkcs11KeystoreError(
      `${keys.length} secret keys are labelled "${label}", so ${where} is ambiguous; give the root key a label of its own`,
    );
  if (!key) {
    const others = findAll(api, session, [{ type: ck.CKA_LABEL, value: label }]);
    throw new Pkcs11KeystoreError(
      others.length
        ? `${where} is not a secret key; create an AES-256 secret key with that label or set keyLabel to one`
        : `there is no ${where}; create an AES-256 secret key with that label (sensitive, not extractable, for encrypt and decrypt) or set keyLabel to an existing one`,
    );
  }
  checkRootKey(ck, api, session, key, where);
  return key;
}

function checkRootKey(ck: Pkcs11Binding, api: Api, session: Handle, key: Handle, where: string): void {
  const [type, length, encrypt, decrypt, sensitive, extractable] = api
    .C_GetAttributeValue(session, key, [
      { type: ck.CKA_KEY_TYPE },
      { type: ck.CKA_VALUE_LEN },
      { type: ck.CKA_ENCRYPT },
      { type: ck.CKA_DECRYPT },
      { type: ck.CKA_SENSITIVE },
      { type: ck.CKA_EXTRACTABLE },
    ])
    .map((a) => a.value);
  if (!type || !length || !encrypt || !decrypt || !sensitive || !extractable)
    throw new Pkcs11KeystoreError(`the token did not report the attributes of ${where}`);
  if (ulong(type) !== ck.CKK_AES)
    throw new Pkcs11KeystoreError(
      `${where} is not an AES key (CKA_KEY_TYPE 0x${ulong(type).toString(16)}); use an AES-256 secret key`,
    );
  if (ulong(length) !== KEY_BYTES)
    throw new Pkcs11KeystoreError(
      `${where} is AES-${ulong(length) * 8}; Ward's root key must be AES-256 (CKA_VALUE_LEN 32)`,
    );
  const denied = [!bool(encrypt) && 'CKA_ENCRYPT', !bool(decrypt) && 'CKA_DECRYPT'].filter(Boolean);
  if (denied.length)
    throw new Pkcs11KeystoreError(
      `${where} may not ${bool(encrypt) ? 'decrypt' : bool(decrypt) ? 'encrypt' : 'encrypt or decrypt'} (${denied.join(' and ')} false); set CKA_ENCRYPT and CKA_DECRYPT true on it`,
    );
  if (!bool(sensitive) || bool(extractable))
    throw new Pkcs11KeystoreError(
      `${where} could leave the token (${!bool(sensitive) ? 'CKA_SENSITIVE false' : 'CKA_EXTRACTABLE true'}); set CKA_SENSITIVE true and CKA_EXTRACTABLE false on it`,
    );
}
