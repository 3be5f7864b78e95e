/**
 * @module witness/keys
 * The witness's identity in its data directory: `witness.key` (Ed25519, PKCS#8 PEM, 0600, made
 * on first start; a start refuses a key others can read, as lib/signing does), `witness.json`
 * (the key name, fixed on first start: a cosignature names its key, so renaming would orphan every
 * vkey already registered), and `witness.vkey`, the verifier key the customer gives Ward.
 */
import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
} from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  COSIGNATURE_V1,
  encodeVkey,
  type NoteVerifier,
  rawEd25519,
  validKeyName,
  verifierFor,
} from '../evidence/index.js';
import { exists, modeOf, writeFileAtomic } from '../lib/fs.js';

export const KEY_FILE = 'witness.key';
export const NAME_FILE = 'witness.json';
export const VKEY_FILE = 'witness.vkey';

export interface WitnessKey {
  name: string;
  /** The cosignature (type 0x04) verifier of the key. */
  verifier: NoteVerifier;
  privateKey: KeyObject;
  /** `encodeVkey(verifier)`: what the customer registers with Ward. */
  vkey: string;
}

async function loadPrivateKey(path: string): Promise<KeyObject> {
  if (!(await exists(path))) {
    const { privateKey } = generateKeyPairSync('ed25519');
    await writeFileAtomic(path, privateKey.export({ type: 'pkcs8', format: 'pem' }), 0o600);
  }
  const mode = await modeOf(path);
  if (mode & 0o077)
    throw new Error(
      `${path} is mode ${mode.toString(8)}; the witness key must be readable by its owner alone (chmod 600)`,
    );
  const key = createPrivateKey(await readFile(path, 'utf8'));
  if (key.asymmetricKeyType !== 'ed25519') throw new Error(`${path} is not an Ed25519 private key`);
  return key;
}

async function keyName(dir: string, asked: string | undefined, fallback: string): Promise<string> {
  const path = join(dir, NAME_FILE);
  if (await exists(path)) {
    let stored: unknown;
    try {
      stored = (JSON.parse(await readFile(path, 'utf8')) as { name?: unknown }).name;
    } catch {
      stored = undefined;
    }
    if (typeof stored !== 'string' || !validKeyName(stored))
      throw new Error(`${path} does not hold {"name": "<key name>"}; restore it or remove it with the key`);
    if (asked !== undefined && asked !== stored)
      throw new Error(
        `the witness in ${dir} is named '${stored}', not '${asked}': start it with that name or use another data directory`,
      );
    return stored;
  }
  const name = asked ?? fallback;
  if (!validKeyName(name)) throw new Error(`'${name}' is not a key name: use no spaces and no '+'`);
  await writeFileAtomic(path, `${JSON.stringify({ name })}\n`, 0o644);
  return name;
}

/** Loads (or, on first start, creates) the witness's key and name in `dir`. */
export async function loadWitnessKey(dir: string, name?: string): Promise<WitnessKey> {
  const privateKey = await loadPrivateKey(join(dir, KEY_FILE));
  const raw = rawEd25519(createPublicKey(privateKey));
  const fallback = `witness-${createHash('sha256').update(raw).digest('hex').slice(0, 8)}`;
  const chosen = await keyName(dir, name, fallback);
  const verifier = verifierFor(chosen, COSIGNATURE_V1, raw);
  const vkey = encodeVkey(verifier);
  const vkeyPath = join(dir, VKEY_FILE);
  if (!(await exists(vkeyPath)) || (await readFile(vkeyPath, 'utf8')) !== `${vkey}\n`)
    await writeFileAtomic(vkeyPath, `${vkey}\n`, 0o644);
  return { name: chosen, verifier, privateKey, vkey };
}
