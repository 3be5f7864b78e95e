/**
 * @module identity/store
 * SQL for people, sign-in failures and tokens.
 */
import { sql } from 'kysely';
import type { Db, Tx } from '../db/pool.js';
import type { Token, TokenKind, User } from '../db/schema.js';

type Q = Db | Tx;

export const findUserByEmail = (q: Q, email: string): Promise<User | undefined> =>
  q.selectFrom('users').selectAll().where(sql`lower(email)`, '=', email.toLowerCase()).executeTakeFirst();

export const findUser = (q: Q, id: string): Promise<User | undefined> =>
  q.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();

export const listUsers = (q: Q): Promise<User[]> =>
  q.selectFrom('users').selectAll().orderBy('created_at').execute();

export const anyOperator = async (q: Q): Promise<boolean> =>
  (await q.selectFrom('users').select('id').where('is_operator', '=', true).limit(1).executeTakeFirst()) !==
  undefined;

export async function insertUser(
  q: Q,
  u: { id: string; email: string; name: string; password_hash: string; is_operator: boolean },
): Promise<User> {
  return q.insertInto('users').values(u).returningAll().executeTakeFirstOrThrow();
}

export async function lockState(q: Q, email: string) {
  return q
    .selectFrom('sign_in_failures')
    .selectAll()
    .where('email', '=', email.toLowerCase())
    .executeTakeFirst();
}

/** Counts one more consecutive failure; locks the address once it reaches `max`. */
export async function countFailure(q: Q, email: string, max: number, lockMinutes: number) {
  return q
    .insertInto('sign_in_failures')
    .values({ email: email.toLowerCase(), failures: 1, last_failure_at: sql`now()`, locked_until: null })
    .onConflict((oc) =>
      oc.column('email').doUpdateSet({
        failures: sql`sign_in_failures.failures + 1`,
        last_failure_at: sql`now()`,
        locked_until: sql`CASE WHEN sign_in_failures.failures + 1 >= ${max}
          THEN now() + make_interval(mins => ${lockMinutes}) ELSE NULL END`,
      }),
    )
    .returning(['failures', 'locked_until'])
    .executeTakeFirstOrThrow();
}

export const clearFailures = (q: Q, email: string) =>
  q.deleteFrom('sign_in_failures').where('email', '=', email.toLowerCase()).execute();

export const orgIdsOf = async (q: Q, userId: string): Promise<string[]> =>
  (await q.selectFrom('org_members').select('org_id').where('user_id', '=', userId).execute()).map(
    (r) => r.org_id,
  );

export async function insertToken(
  q: Q,
  t: {
    id: string;
    user_id: string;
    kind: TokenKind;
    name: string;
    digest: Buffer;
    expires_at: Date;
    scopes?: string[];
  },
): Promise<Token> {
  return q.insertInto('tokens').values(t).returningAll().executeTakeFirstOrThrow();
}

export interface TokenWithUser {
  token_id: string;
  kind: TokenKind;
  expires_at: Date;
  revoked_at: Date | null;
  last_used_at: Date | null;
  user_id: string;
  email: string;
  name: string;
  is_operator: boolean;
  disabled_at: Date | null;
  scopes: string[];
}

/** Runs on every authenticated request: a plain parameterized statement, no query builder. */
export async function findTokenWithUser(q: Q, digest: Buffer): Promise<TokenWithUser | undefined> {
  const { rows } = await sql<TokenWithUser>`
    SELECT t.id AS token_id, t.kind, t.expires_at, t.revoked_at, t.last_used_at, t.scopes,
           u.id AS user_id, u.email, u.name, u.is_operator, u.disabled_at
      FROM tokens t JOIN users u ON u.id = t.user_id
     WHERE t.digest = ${digest}`.execute(q);
  return rows[0];
}

export const touchToken = (q: Q, id: string) =>
  q.updateTable('tokens').set({ last_used_at: sql`now()` }).where('id', '=', id).execute();

export const listTokens = (q: Q, userId: string, kind: TokenKind): Promise<Token[]> =>
  q
    .selectFrom('tokens')
    .selectAll()
    .where('user_id', '=', userId)
    .where('kind', '=', kind)
    .orderBy('created_at', 'desc')
    .execute();

export const findToken = (q: Q, id: string): Promise<Token | undefined> =>
  q.selectFrom('tokens').selectAll().where('id', '=', id).executeTakeFirst();

export const revokeToken = (q: Q, id: string) =>
  q
    .updateTable('tokens')
    .set({ revoked_at: sql`now()` })
    .where('id', '=', id)
    .where('revoked_at', 'is', null)
    .returningAll()
    .executeTakeFirst();
