/**
 * @module keys/keystores/file
 * The default keystore: a 256-bit root key in `$WARD_HOME/keys/root.key`, mode 0600, created on
 * first start. Wrapping is AES-256-GCM with the key's purpose as associated data.
 */
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { exists, modeOf, writeFileAtomic } from '../../../lib/fs.js';
import { open, seal } from '../../envelope.js';
import type { Keystore } from '../../keystore.js';

export const ROOT_KEY_FILE = 'root.key';

export async function createFileKeystore(dir: string): Promise<Keystore> {
  const path = join(dir, ROOT_KEY_FILE);
  if (!(await exists(path))) await writeFileAtomic(path, randomBytes(32).toString('base64'), 0o600);
  const mode = await modeOf(path);
  if (mode & 0o077)
    throw new Error(
      `${path} is mode ${mode.toString(8)}; the root key must be readable by Ward alone (chmod 600)`,
    );
  const root = Buffer.from((await readFile(path, 'utf8')).trim(), 'base64');
  if (root.length !== 32) throw new Error(`${path} does not hold a 256-bit key`);
  const id = 'file:root';
  return {
    id,
    wrap: async (key, context) => seal(id, root, key, context),
    unwrap: async (wrapped, context) => open(root, wrapped, context),
  };
}
