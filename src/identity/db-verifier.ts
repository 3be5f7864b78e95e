/**
 * @module identity/db-verifier
 * A token that may open databases (scope db:connect) keeps a SCRAM-SHA-256 verifier under its
 * account's database salt, made when the token is created (the only time Ward sees the token).
 * The gateway checks a SCRAM proof against it beside the account's short-lived database
 * passwords, which share that salt, so the token works as the database password whether or not
 * the account also holds a password for the project (ADR 0012).
 */
import type { Tx } from '../db/index.js';
import { SCRAM_ITERATIONS, scramVerifier } from '../lib/scram.js';
import { hasScope } from '../policy/index.js';
import * as store from './identity.store.js';

/** The token's verifier columns, or none for a token without db:connect. */
export async function dbVerifierOf(
  tx: Tx,
  userId: string,
  token: string,
  scopes: readonly string[],
): Promise<{ scram_iterations?: number; scram_stored_key?: Buffer; scram_server_key?: Buffer }> {
  if (!hasScope(scopes, 'db:connect')) return {};
  const v = await scramVerifier(token, await store.dbScramSalt(tx, userId), SCRAM_ITERATIONS);
  return { scram_iterations: v.iterations, scram_stored_key: v.storedKey, scram_server_key: v.serverKey };
}
