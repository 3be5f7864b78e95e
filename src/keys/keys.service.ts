/**
 * @module keys/service
 * Envelope encryption for everything Ward keeps secret: the keystore's root key wraps one key per
 * org (and one system key for what belongs to no org); an org's key wraps one key per project.
 * `encrypt` uses the scope's active key, creating the chain on first use. Rotating an org's key
 * re-wraps its project keys without touching any data; destroying a project's keys
 * (crypto-shredding) makes everything encrypted under them unreadable for good.
 */

import { hkdfSync, randomBytes } from 'node:crypto';
import type { AuditService } from '../audit/index.js';
import type { Db, KeyRow, Tx } from '../db/index.js';
import type { RequestContext } from '../lib/context.js';
import { WardError } from '../lib/errors.js';
import { newId } from '../lib/ids.js';
import { keyIdOf, open, seal } from './envelope.js';
import * as store from './keys.store.js';
import type { Keystore } from './keystore.js';

export type KeyScope =
  | { type: 'system' }
  | { type: 'org'; orgId: string }
  | { type: 'project'; projectId: string; orgId: string };

export const SYSTEM_SCOPE_ID = 'ward';

export class KeyDestroyedError extends WardError {
  constructor(keyId: string, when: Date | null) {
    super(
      'not_found',
      `the key ${keyId} that encrypted this was destroyed${when ? ` on ${when.toISOString()}` : ''} (crypto-shredded); the data cannot be read`,
    );
  }
}

const scopeOf = (s: KeyScope): [KeyRow['scope_type'], string] =>
  s.type === 'system'
    ? ['system', SYSTEM_SCOPE_ID]
    : s.type === 'org'
      ? ['org', s.orgId]
      : ['project', s.projectId];

/** Associated data for a wrapped key: a wrapped key only opens for the row it belongs to. */
const wrapContext = (k: Pick<KeyRow, 'id' | 'scope_type' | 'scope_id'>) =>
  `ward-key:${k.id}:${k.scope_type}:${k.scope_id}`;

export function createKeyService(deps: { db: Db; keystore: Keystore; audit: AuditService }) {
  const { db, keystore, audit } = deps;
  /** Unwrapped keys by id. Destroying or re-wrapping evicts. */
  const cache = new Map<string, Buffer>();

  async function unwrap(row: KeyRow, q: Db | Tx = db): Promise<Buffer> {
    const hit = cache.get(row.id);
    if (hit) return hit;
    if (row.state === 'destroyed' || !row.wrapped) throw new KeyDestroyedError(row.id, row.destroyed_at);
    let key: Buffer;
    if (row.wrapped_by === keystore.id) {
      key = await keystore.unwrap(row.wrapped, wrapContext(row));
    } else {
      const parent = await store.findKey(q, row.wrapped_by);
      if (!parent) throw new Error(`key ${row.id} is wrapped by ${row.wrapped_by}, which does not exist`);
      key = open(await unwrap(parent, q), row.wrapped, wrapContext(row));
    }
    cache.set(row.id, key);
    return key;
  }

  /** The scope's active key, created (with its parent) if the scope has none yet. */
  async function activeKey(scope: KeyScope, q: Db | Tx = db): Promise<KeyRow> {
    const [type, id] = scopeOf(scope);
    const found = await store.activeKey(q, type, id);
    if (found) return found;
    const parent =
      scope.type === 'project' ? await activeKey({ type: 'org', orgId: scope.orgId }, q) : undefined;
    const fresh = { id: newId('key'), scope_type: type, scope_id: id };
    const material = randomBytes(32);
    const wrapped = parent
      ? seal(parent.id, await unwrap(parent, q), material, wrapContext(fresh))
      : await keystore.wrap(material, wrapContext(fresh));
    const inserted = await store.insertActiveKey(q, {
      ...fresh,
      wrapped_by: parent?.id ?? keystore.id,
      wrapped,
    });
    if (inserted) {
      cache.set(inserted.id, material);
      return inserted;
    }
    // Another writer created the scope's key first: use theirs.
    const winner = await store.activeKey(q, type, id);
    if (!winner) throw new Error(`could not create a key for ${type} ${id}`);
    return winner;
  }

  async function encrypt(
    scope: KeyScope,
    plaintext: Buffer | string,
    aad: string,
    q: Db | Tx = db,
  ): Promise<Buffer> {
    const key = await activeKey(scope, q);
    return seal(
      key.id,
      await unwrap(key, q),
      Buffer.isBuffer(plaintext) ? plaintext : Buffer.from(plaintext, 'utf8'),
      aad,
    );
  }

  async function decrypt(ciphertext: Buffer, aad: string, q: Db | Tx = db): Promise<Buffer> {
    const id = keyIdOf(ciphertext);
    const row = await store.findKey(q, id);
    if (!row) throw new Error(`the key ${id} named by this ciphertext does not exist`);
    return open(await unwrap(row, q), ciphertext, aad);
  }

  /** A new org key; every key the old one wrapped is re-wrapped under it. Data is untouched. */
  async function rotateOrg(
    ctx: RequestContext,
    orgId: string,
    /** A permission check run inside the audited change, so that a refusal is recorded too. */
    check?: () => void,
  ): Promise<{ key_id: string; rewrapped: number }> {
    return audit.mutate(
      ctx,
      {
        action: 'key.rotate',
        chain: orgId,
        target: { type: 'org', id: orgId },
        details: { old_key_id: null, new_key_id: '', rewrapped: 0 },
      },
      async (tx, draft) => {
        check?.();
        const old = await activeKey({ type: 'org', orgId }, tx);
        const oldKey = await unwrap(old, tx);
        await store.retireKey(tx, old.id);
        const next = await activeKey({ type: 'org', orgId }, tx);
        const nextKey = await unwrap(next, tx);
        const children = await store.keysWrappedBy(tx, [old.id]);
        for (const child of children) {
          if (!child.wrapped) continue;
          const material = open(oldKey, child.wrapped, wrapContext(child));
          await store.rewrap(tx, child.id, next.id, seal(next.id, nextKey, material, wrapContext(child)));
        }
        draft.details = { old_key_id: old.id, new_key_id: next.id, rewrapped: children.length };
        return { key_id: next.id, rewrapped: children.length };
      },
    );
  }

  /**
   * A key for `purpose` derived from the scope's active key (HKDF-SHA-512, the key's id in the
   * info): never stored, and underivable once that key is destroyed. A scope whose keys were
   * destroyed gets no new one here: it throws KeyDestroyedError.
   */
  async function derive(scope: KeyScope, purpose: string, length: number): Promise<Buffer> {
    const [type, id] = scopeOf(scope);
    const current = await store.activeKey(db, type, id);
    const gone = current
      ? undefined
      : (await store.keysOfScope(db, type, id)).find((k) => k.state === 'destroyed');
    if (gone) throw new KeyDestroyedError(gone.id, gone.destroyed_at);
    const key = current ?? (await activeKey(scope));
    const material = await unwrap(key);
    return Buffer.from(hkdfSync('sha512', material, 'ward-derived-key', `${purpose}:${key.id}`, length));
  }

  /** Crypto-shredding inside the caller's transaction: the project's keys are erased. */
  async function destroyProjectKeys(tx: Tx, projectId: string): Promise<string[]> {
    const gone = (await store.destroyKeys(tx, 'project', projectId)).map((r) => r.id);
    for (const id of gone) cache.delete(id);
    return gone;
  }

  async function describe(scope: KeyScope) {
    const [type, id] = scopeOf(scope);
    return (await store.keysOfScope(db, type, id)).map((k) => ({
      id: k.id,
      state: k.state,
      wrapped_by: k.wrapped_by,
      created_at: k.created_at.toISOString(),
      retired_at: k.retired_at?.toISOString() ?? null,
      destroyed_at: k.destroyed_at?.toISOString() ?? null,
    }));
  }

  return { encrypt, decrypt, derive, rotateOrg, destroyProjectKeys, describe, forget: () => cache.clear() };
}

export type KeyService = ReturnType<typeof createKeyService>;
