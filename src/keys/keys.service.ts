/**
 * @module keys/service
 * Envelope encryption for everything Ward keeps secret: the keystore's root key wraps one key per
 * org (and one system key for what belongs to no org); an org's key wraps one key per project.
 * `encrypt` uses the scope's active key, creating the chain on first use. Rotating an org's key
 * re-wraps its project keys without touching any data; destroying a project's keys
 * (crypto-shredding) makes everything encrypted under them unreadable for good. An org may keep
 * its root in its own HSM (roots.ts): its org keys are then wrapped there, every unwrap through it
 * is counted for the audit log, and its cached keys are evicted when that key becomes unavailable.
 */

import { hkdfSync, randomBytes } from 'node:crypto';
import type { AuditService } from '../audit/index.js';
import type { Db, KeyRow, Tx } from '../db/index.js';
import type { RequestContext } from '../lib/context.js';
import { conflict, unavailable, WardError } from '../lib/errors.js';
import { newId } from '../lib/ids.js';
import { keyIdOf, open, seal } from './envelope.js';
import * as store from './keys.store.js';
import type { Keystore } from './keystore.js';
import { describeRoot, type RootKeystores } from './roots.js';

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

/** Told of every unwrap through a root other than Ward's own (key.unwrap, batched). */
export type RootUse = (keystoreId: string, orgId: string) => void;

/** Org keys unwrapped under the current root and wrapped again under another, ready to commit. */
export interface RootMove {
  orgId: string;
  to: string;
  keys: { id: string; from: string; wrapped: Buffer }[];
}

interface Cached {
  key: Buffer;
  /** The org whose key (or whose project's key) this is. */
  org?: string;
}

export function createKeyService(deps: {
  db: Db;
  roots: RootKeystores;
  audit: AuditService;
  onRootUse?: RootUse;
}) {
  const { db, roots, audit } = deps;
  /** Unwrapped keys by id. Destroying, re-wrapping or losing the org's root evicts. */
  const cache = new Map<string, Cached>();
  /** Bumped when an org's keys are evicted, so an unwrap that raced the eviction is not cached. */
  const generation = new Map<string, number>();

  const orgOfRow = (row: KeyRow) => (row.scope_type === 'org' ? row.scope_id : undefined);

  /**
   * The keystore `id`, for a key of `org`: refused while the org's root is known to be unavailable
   * (fail closed, even if the HSM answers in between), and a keystore's own failure is said as
   * unavailability of that key, not an internal error.
   */
  function rootFor(id: string, forKey: string, org?: string): Keystore {
    const problem = org ? roots.problemOf(org) : undefined;
    if (problem) throw unavailable(problem);
    const keystore = roots.get(id);
    if (!keystore)
      throw unavailable(
        `the root key that wraps ${forKey} (${describeRoot(id)}) is unavailable, so nothing encrypted under it can be read; make the key usable again`,
      );
    if (id === roots.fallback.id) return keystore;
    const explained = (err: unknown): never => {
      throw unavailable(
        `the root key ${describeRoot(id)} could not be used for ${forKey}: ${(err as Error).message}`,
      );
    };
    return {
      id,
      wrap: (key, context) => keystore.wrap(key, context).catch(explained),
      unwrap: (wrapped, context) => keystore.unwrap(wrapped, context).catch(explained),
    };
  }

  async function unwrapEntry(row: KeyRow, q: Db | Tx): Promise<Cached> {
    const hit = cache.get(row.id);
    if (hit) return hit;
    if (row.state === 'destroyed' || !row.wrapped) throw new KeyDestroyedError(row.id, row.destroyed_at);
    let entry: Cached;
    if (!row.wrapped_by.startsWith('key_')) {
      const org = orgOfRow(row);
      const gen = generation.get(org ?? '') ?? 0;
      const key = await rootFor(row.wrapped_by, row.id, org).unwrap(row.wrapped, wrapContext(row));
      if (org && row.wrapped_by !== roots.fallback.id) deps.onRootUse?.(row.wrapped_by, org);
      entry = { key, org };
      if ((generation.get(org ?? '') ?? 0) !== gen) return entry;
    } else {
      const parent = await store.findKey(q, row.wrapped_by);
      if (!parent) throw new Error(`key ${row.id} is wrapped by ${row.wrapped_by}, which does not exist`);
      const gen = generation.get(orgOfRow(parent) ?? '') ?? 0;
      const up = await unwrapEntry(parent, q);
      entry = { key: open(up.key, row.wrapped, wrapContext(row)), org: up.org };
      if ((generation.get(up.org ?? '') ?? 0) !== gen) return entry;
    }
    cache.set(row.id, entry);
    return entry;
  }

  const unwrap = async (row: KeyRow, q: Db | Tx = db): Promise<Buffer> => (await unwrapEntry(row, q)).key;

  /** The scope's active key, created (with its parent) if the scope has none yet. */
  async function activeKey(scope: KeyScope, q: Db | Tx = db): Promise<KeyRow> {
    const [type, id] = scopeOf(scope);
    const found = await store.activeKey(q, type, id);
    if (found) return found;
    const parent =
      scope.type === 'project' ? await activeKey({ type: 'org', orgId: scope.orgId }, q) : undefined;
    const fresh = { id: newId('key'), scope_type: type, scope_id: id };
    const material = randomBytes(32);
    const rootId = scope.type === 'org' ? roots.rootIdOf(scope.orgId) : roots.fallback.id;
    const wrapped = parent
      ? seal(parent.id, await unwrap(parent, q), material, wrapContext(fresh))
      : await rootFor(
          rootId,
          `the new key of ${type} ${id}`,
          scope.type === 'org' ? scope.orgId : undefined,
        ).wrap(material, wrapContext(fresh));
    const inserted = await store.insertActiveKey(q, {
      ...fresh,
      wrapped_by: parent?.id ?? rootId,
      wrapped,
    });
    if (inserted) {
      cache.set(inserted.id, { key: material, org: scope.type === 'system' ? undefined : scope.orgId });
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

  /**
   * The first half of moving an org's root: its org keys (active and retired; an active one is
   * made first if it has none) unwrapped under the current root and wrapped under `to`. Runs
   * outside any transaction: the keystores may be across a network.
   */
  async function prepareRootMove(orgId: string, to: Keystore): Promise<RootMove> {
    await activeKey({ type: 'org', orgId });
    const rows = (await store.keysOfScope(db, 'org', orgId)).filter((k) => k.state !== 'destroyed');
    const moved: RootMove['keys'] = [];
    for (const row of rows) {
      const material = await unwrap(row);
      moved.push({ id: row.id, from: row.wrapped_by, wrapped: await to.wrap(material, wrapContext(row)) });
    }
    return { orgId, to: to.id, keys: moved };
  }

  /** The second half, in the caller's transaction: refused if the org's keys changed meanwhile. */
  async function commitRootMove(tx: Tx, move: RootMove): Promise<number> {
    const now = (await store.keysOfScope(tx, 'org', move.orgId)).filter((k) => k.state !== 'destroyed');
    const same =
      now.length === move.keys.length &&
      now.every((k) => move.keys.some((m) => m.id === k.id && m.from === k.wrapped_by));
    if (!same)
      throw conflict("the organization's keys changed (a rotation?) while they were re-wrapped; try again");
    for (const k of move.keys) await store.rewrap(tx, k.id, move.to, k.wrapped);
    return move.keys.length;
  }

  /** Forgets every unwrapped key of the org and of its projects (its root became unavailable). */
  function evictOrg(orgId: string): number {
    generation.set(orgId, (generation.get(orgId) ?? 0) + 1);
    let n = 0;
    for (const [id, entry] of cache)
      if (entry.org === orgId) {
        cache.delete(id);
        n++;
      }
    return n;
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

  return {
    encrypt,
    decrypt,
    derive,
    rotateOrg,
    destroyProjectKeys,
    describe,
    roots,
    prepareRootMove,
    commitRootMove,
    evictOrg,
    /** Whether a key of `orgId` (or of one of its projects) is cached: for tests of eviction. */
    cachedFor: (orgId: string) => [...cache.values()].some((e) => e.org === orgId),
    forget: () => cache.clear(),
  };
}

export type KeyService = ReturnType<typeof createKeyService>;
