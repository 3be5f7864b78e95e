/**
 * @module db/schema-keys
 * Row types for customer-managed root keys (migration 0067): an org's root key in its own HSM.
 * Kept beside db/schema.ts, whose `DB` includes them.
 */
import type { ColumnType, Selectable } from 'kysely';

type DefaultTimestamp = ColumnType<Date, Date | string | undefined, Date | string>;

export type RootKeyState = 'available' | 'unavailable';

export interface OrgRootKeysTable {
  org_id: string;
  kind: 'pkcs11';
  module: string;
  token: string;
  key_label: string;
  keystore_id: string;
  pin_sealed: Buffer;
  state: RootKeyState;
  reason: string | null;
  state_since: DefaultTimestamp;
  created_at: DefaultTimestamp;
  created_by: string | null;
}

export interface KeyTables {
  org_root_keys: OrgRootKeysTable;
}

export type OrgRootKey = Selectable<OrgRootKeysTable>;
