/**
 * @module keys/hsm/store
 * SQL for org_root_keys (migration 0067): which orgs keep their root key in an HSM, and the
 * state the last probe found.
 */

import type { Insertable } from 'kysely';
import type { Db, OrgRootKey, OrgRootKeysTable, RootKeyState, Tx } from '../../db/index.js';

type Q = Db | Tx;

export const findRootKey = (q: Q, orgId: string): Promise<OrgRootKey | undefined> =>
  q.selectFrom('org_root_keys').selectAll().where('org_id', '=', orgId).executeTakeFirst();

/** Every org's HSM root key, with the org's name for messages. */
export const allRootKeys = (q: Q): Promise<(OrgRootKey & { org_name: string })[]> =>
  q
    .selectFrom('org_root_keys')
    .innerJoin('orgs', 'orgs.id', 'org_root_keys.org_id')
    .selectAll('org_root_keys')
    .select('orgs.name as org_name')
    .execute();

/** The org (another one, or this one) whose root key is on this token of this module. */
export const rootKeyOnToken = (q: Q, module: string, token: string) =>
  q
    .selectFrom('org_root_keys')
    .select(['org_id'])
    .where('module', '=', module)
    .where('token', '=', token)
    .executeTakeFirst();

export const insertRootKey = (q: Q, row: Insertable<OrgRootKeysTable>) =>
  q.insertInto('org_root_keys').values(row).returningAll().executeTakeFirstOrThrow();

export const setRootKeyState = (q: Q, orgId: string, state: RootKeyState, reason: string | null) =>
  q
    .updateTable('org_root_keys')
    .set({ state, reason, state_since: new Date() })
    .where('org_id', '=', orgId)
    .execute();

export const deleteRootKey = (q: Q, orgId: string) =>
  q.deleteFrom('org_root_keys').where('org_id', '=', orgId).returningAll().executeTakeFirst();

export const setPin = (q: Q, orgId: string, pinSealed: Buffer) =>
  q.updateTable('org_root_keys').set({ pin_sealed: pinSealed }).where('org_id', '=', orgId).execute();
