/**
 * @module identity/accounts
 * What other domains do with accounts and tokens, inside their own transaction so that the
 * change commits with their audit event: orgs add a member by e-mail, SSO finds the person an
 * identity provider vouched for, access creates service accounts and their tokens and revokes
 * everything a removed member held. Identity's tables stay behind this face.
 */
import type { Db, Token, Tx, User } from '../db/index.js';
import { sha256 } from '../lib/secrets.js';
import { dbVerifierOf } from './db-verifier.js';
import type { DbTokenVerifier } from './identity.store.js';
import * as store from './identity.store.js';

type Q = Db | Tx;

export function createAccounts(db: Db) {
  return {
    byEmail: (email: string, q: Q = db): Promise<User | undefined> => store.findUserByEmail(q, email),

    /** A service account of `orgId`: an account with no password, signed in only by its tokens. */
    addServiceAccount: (
      tx: Tx,
      a: { id: string; email: string; name: string; orgId: string },
    ): Promise<User> =>
      store.insertUser(tx, {
        id: a.id,
        email: a.email,
        name: a.name,
        password_hash: null,
        is_operator: false,
        kind: 'service',
        org_id: a.orgId,
      }),

    /**
     * A service account's token, stored by its digest (the token itself is shown once), with its
     * SCRAM verifier when it may open databases (identity/db-verifier).
     */
    addServiceToken: async (
      tx: Tx,
      t: { id: string; userId: string; name: string; token: string; expiresAt: Date; scopes: string[] },
    ): Promise<Token> =>
      store.insertToken(tx, {
        id: t.id,
        user_id: t.userId,
        kind: 'service',
        name: t.name,
        digest: sha256(t.token),
        expires_at: t.expiresAt,
        scopes: t.scopes,
        method: 'token',
        ...(await dbVerifierOf(tx, t.userId, t.token, t.scopes)),
      }),

    /** The account's live tokens that can answer a SCRAM exchange as its database password. */
    dbTokens: (userId: string, q: Q = db): Promise<DbTokenVerifier[]> => store.dbTokenVerifiers(q, userId),

    serviceTokens: (userId: string, q: Q = db): Promise<Token[]> => store.listTokens(q, userId, 'service'),
    token: (tokenId: string, q: Q = db): Promise<Token | undefined> => store.findToken(q, tokenId),
    revokeToken: (tx: Tx, tokenId: string) => store.revokeToken(tx, tokenId),
    /** Revokes every token and database credential the account holds; returns how many tokens. */
    revokeAll: (tx: Tx, userId: string): Promise<number> => store.revokeAllTokens(tx, userId),
  };
}

export type Accounts = ReturnType<typeof createAccounts>;
