/**
 * @module keys/store
 * SQL for data keys.
 */
import { sql } from 'kysely';
import type { Db, KeyRow, Tx } from '../db/index.js';

type Q = Db | Tx;

export const findKey = (q: Q, id: string): Promise<KeyRow | undefined> =>
  q.selectFrom('keys').selectAll().where('id', '=', id).executeTakeFirst();

export const activeKey = (
  q: Q,
  scopeType: KeyRow['scope_type'],
  scopeId: string,
): Promise<KeyRow | undefined> =>
  q
    .selectFrom('keys')
    .selectAll()
    .where('scope_type', '=', scopeType)
    .where('scope_id', '=', scopeId)
    .where('state', '=', 'active')
    .executeTakeFirst();

/**
 * Inserts an active key unless the scope already has one (then the caller re-reads). The
 * conflict target's predicate is a literal: PostgreSQL matches it to the partial unique index when
 * it plans, and a generic plan (a prepared statement's sixth run on a connection on) cannot prove
 * that a parameter equals 'active'.
 */
export const insertActiveKey = (
  q: Q,
  k: Pick<KeyRow, 'id' | 'scope_type' | 'scope_id' | 'wrapped_by' | 'wrapped'>,
) =>
  q
    .insertInto('keys')
    .values({ ...k, state: 'active' })
    .onConflict((oc) =>
      oc.columns(['scope_type', 'scope_id']).where('state', '=', sql.lit('active')).doNothing(),
    )
    .returningAll()
    .executeTakeFirst();

export const keysOfScope = (q: Q, scopeType: KeyRow['scope_type'], scopeId: string): Promise<KeyRow[]> =>
  q
    .selectFrom('keys')
    .selectAll()
    .where('scope_type', '=', scopeType)
    .where('scope_id', '=', scopeId)
    .orderBy('created_at')
    .execute();

export const keysWrappedBy = (q: Q, ids: string[]): Promise<KeyRow[]> =>
  ids.length === 0
    ? Promise.resolve([])
    : q
        .selectFrom('keys')
        .selectAll()
        .where('wrapped_by', 'in', ids)
        .where('state', '<>', 'destroyed')
        .execute();

export const retireKey = (q: Q, id: string) =>
  q.updateTable('keys').set({ state: 'retired', retired_at: sql`now()` }).where('id', '=', id).execute();

export const rewrap = (q: Q, id: string, wrappedBy: string, wrapped: Buffer) =>
  q.updateTable('keys').set({ wrapped_by: wrappedBy, wrapped }).where('id', '=', id).execute();

/** Crypto-shredding: the wrapped bytes are erased; the row stays as evidence. */
export const destroyKeys = (q: Q, scopeType: KeyRow['scope_type'], scopeId: string) =>
  q
    .updateTable('keys')
    .set({ state: 'destroyed', wrapped: null, destroyed_at: sql`now()` })
    .where('scope_type', '=', scopeType)
    .where('scope_id', '=', scopeId)
    .where('state', '<>', 'destroyed')
    .returning(['id'])
    .execute();
