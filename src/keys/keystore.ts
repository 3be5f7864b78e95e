/**
 * @module keys/keystore
 * Where the root of the key hierarchy lives. A keystore wraps and unwraps data keys with a root
 * key that never leaves it. `file` keeps the root key in `$WARD_HOME/keys/root.key` (0600); an
 * external KMS (Vault Transit, AWS KMS) implements the same interface.
 */

export interface Keystore {
  /** Names the root key, recorded beside every key it wraps. */
  readonly id: string;
  wrap(key: Buffer, context: string): Promise<Buffer>;
  unwrap(wrapped: Buffer, context: string): Promise<Buffer>;
}
