/**
 * @module identity/accounts
 * What other domains do with accounts and tokens, inside their own transaction so that the
 * change commits with their audit event: orgs add a member by e-mail, SSO finds the person an
 * identity provider vouched for, access creates service accounts and their tokens and revokes
 * everything a removed member held. Identity's tables stay behind this face.
 */
import type { Db, Token, Tx, User } from '../db/index.js';
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

    /** A service account's token, stored by its digest (the token itself is shown once). */
    addServiceToken: (
      tx: Tx,
      t: { id: string; userId: string; name: string; digest: Buffer; expiresAt: Date; scopes: string[] },
    ): Promise<Token> =>
      store.insertToken(tx, {
        id: t.id,
        user_id: t.userId,
        kind: 'service',
        name: t.name,
        digest: t.digest,
        expires_at: t.expiresAt,
        scopes: t.scopes,
        method: 'token',
      }),

    serviceTokens: (userId: string, q: Q = db): Promise<Token[]> => store.listTokens(q, userId, 'service'),
    token: (tokenId: string, q: Q = db): Promise<Token | undefined> => store.findToken(q, tokenId),
    revokeToken: (tx: Tx, tokenId: string) => store.revokeToken(tx, tokenId),
    /** Revokes every token and database credential the account holds; returns how many tokens. */
    revokeAll: (tx: Tx, userId: string): Promise<number> => store.revokeAllTokens(tx, userId),
  };
}

export type Accounts = ReturnType<typeof createAccounts>;
