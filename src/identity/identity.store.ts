/**
 * @module identity/store
 * SQL for people, sign-in failures and tokens.
 */
import { sql } from 'kysely';
import type { Db, Token, TokenKind, Tx, User } from '../db/index.js';
import { SESSION_DEFAULTS } from './session-policy.js';

type Q = Db | Tx;

/** Consecutive failures after which an account stays locked until the operator unlocks it. */
export const HARD_LOCK_FAILURES = 100;
/** `locked_until` of a hard lock: far enough to read as "until unlocked", still a valid Date. */
export const HARD_LOCK_UNTIL = '9999-12-31T00:00:00Z';
export const isHardLock = (until: Date): boolean => until.getUTCFullYear() >= 9999;

export const findUserByEmail = (q: Q, email: string): Promise<User | undefined> =>
  q.selectFrom('users').selectAll().where(sql`lower(email)`, '=', email.toLowerCase()).executeTakeFirst();

export const findUser = (q: Q, id: string): Promise<User | undefined> =>
  q.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();

export const listUsers = (q: Q): Promise<User[]> =>
  q.selectFrom('users').selectAll().where('kind', '=', 'person').orderBy('created_at').execute();

export const anyOperator = async (q: Q): Promise<boolean> =>
  (await q.selectFrom('users').select('id').where('is_operator', '=', true).limit(1).executeTakeFirst()) !==
  undefined;

export async function insertUser(
  q: Q,
  u: {
    id: string;
    email: string;
    name: string;
    password_hash: string | null;
    is_operator: boolean;
    kind?: 'person' | 'service';
    org_id?: string | null;
  },
): Promise<User> {
  return q
    .insertInto('users')
    .values({ ...u, org_id: u.org_id ?? null })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export const setDisabled = (q: Q, id: string, disabled: boolean) =>
  q
    .updateTable('users')
    .set({ disabled_at: disabled ? sql`now()` : null, updated_at: new Date() })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirst();

export const touchSignIn = (q: Q, id: string) =>
  q.updateTable('users').set({ last_sign_in_at: sql`now()` }).where('id', '=', id).execute();

export async function lockState(q: Q, email: string) {
  return q
    .selectFrom('sign_in_failures')
    .selectAll()
    .where('email', '=', email.toLowerCase())
    .executeTakeFirst();
}

/**
 * Counts one more consecutive failure; locks the address for `lockMinutes` once it reaches
 * `max`, and for good (until the operator unlocks it) at HARD_LOCK_FAILURES.
 */
export async function countFailure(q: Q, email: string, max: number, lockMinutes: number) {
  return q
    .insertInto('sign_in_failures')
    .values({ email: email.toLowerCase(), failures: 1, last_failure_at: sql`now()`, locked_until: null })
    .onConflict((oc) =>
      oc.column('email').doUpdateSet({
        failures: sql`sign_in_failures.failures + 1`,
        last_failure_at: sql`now()`,
        locked_until: sql`CASE WHEN sign_in_failures.failures + 1 >= ${HARD_LOCK_FAILURES} THEN ${HARD_LOCK_UNTIL}::timestamptz
          WHEN sign_in_failures.failures + 1 >= ${max}
          THEN now() + make_interval(mins => ${lockMinutes}) ELSE NULL END`,
      }),
    )
    .returning(['failures', 'locked_until'])
    .executeTakeFirstOrThrow();
}

export const clearFailures = (q: Q, email: string) =>
  q.deleteFrom('sign_in_failures').where('email', '=', email.toLowerCase()).execute();

export async function addressLock(q: Q, address: string): Promise<Date | undefined> {
  const row = await q
    .selectFrom('sign_in_address_failures')
    .select('locked_until')
    .where('address', '=', address)
    .executeTakeFirst();
  return row?.locked_until && row.locked_until > new Date() ? row.locked_until : undefined;
}

/** One more failure from `address` in the current window; locks it for the window at `max`. */
export async function countAddressFailure(q: Q, address: string, max: number, minutes: number) {
  const stale = sql<boolean>`f.window_start < now() - make_interval(mins => ${minutes})`;
  const next = sql<number>`CASE WHEN ${stale} THEN 1 ELSE f.failures + 1 END`;
  await sql`
    INSERT INTO sign_in_address_failures AS f (address, failures, window_start)
    VALUES (${address}, 1, now())
    ON CONFLICT (address) DO UPDATE SET
      failures = ${next},
      window_start = CASE WHEN ${stale} THEN now() ELSE f.window_start END,
      locked_until = CASE WHEN ${next} >= ${max} THEN now() + make_interval(mins => ${minutes})
                          ELSE f.locked_until END`.execute(q);
}

export const orgIdsOf = async (q: Q, userId: string): Promise<string[]> =>
  (await q.selectFrom('org_members').select('org_id').where('user_id', '=', userId).execute()).map(
    (r) => r.org_id,
  );

/** The strictest policy among a person's orgs: what their sign-in sessions obey. */
export async function policyOf(
  q: Q,
  userId: string,
): Promise<{
  idle_minutes: number;
  absolute_hours: number;
  mfa_required: boolean;
  sso_required: string | null;
  hipaa: boolean;
}> {
  const { rows } = await sql<{
    idle_minutes: number;
    absolute_hours: number;
    mfa_required: boolean;
    sso_required: string | null;
    hipaa: boolean;
  }>`${policySelect(sql`${userId}`)}`.execute(q);
  return (
    rows[0] ?? { idle_minutes: 60, absolute_hours: 12, mfa_required: false, sso_required: null, hipaa: false }
  );
}

/** Per-org policy folded over the person's memberships (defaults from identity/session-policy). */
function policySelect(userId: ReturnType<typeof sql>) {
  const d = SESSION_DEFAULTS;
  return sql`
    SELECT coalesce(min(coalesce((o.settings->>'session_idle_minutes')::int,
                                 CASE WHEN o.hipaa_enabled THEN ${d.hipaaIdleMinutes}::int ELSE ${d.idleMinutes}::int END)),
                    ${d.idleMinutes}::int) AS idle_minutes,
           coalesce(min(coalesce((o.settings->>'session_absolute_hours')::int, ${d.absoluteHours}::int)),
                    ${d.absoluteHours}::int) AS absolute_hours,
           coalesce(bool_or(o.hipaa_enabled OR coalesce((o.settings->>'require_mfa')::boolean, false)), false) AS mfa_required,
           min(o.name) FILTER (WHERE s.require_sso) AS sso_required,
           coalesce(bool_or(o.hipaa_enabled), false) AS hipaa
      FROM org_members m JOIN orgs o ON o.id = m.org_id
      LEFT JOIN org_sso s ON s.org_id = o.id
     WHERE m.user_id = ${userId}`;
}

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
    mfa?: boolean;
    method?: 'password' | 'sso' | 'token';
    scram_iterations?: number;
    scram_stored_key?: Buffer;
    scram_server_key?: Buffer;
  },
): Promise<Token> {
  return q.insertInto('tokens').values(t).returningAll().executeTakeFirstOrThrow();
}

/** The SCRAM salt of an account's database passwords and tokens (ADR 0012). */
export async function dbScramSalt(q: Q, userId: string): Promise<Buffer> {
  const row = await q
    .selectFrom('users')
    .select('db_scram_salt')
    .where('id', '=', userId)
    .executeTakeFirstOrThrow();
  return row.db_scram_salt;
}

export interface DbTokenVerifier {
  token_id: string;
  digest: Buffer;
  scopes: string[];
  salt: Buffer;
  iterations: number;
  stored_key: Buffer;
  server_key: Buffer;
}

/** An account's live API tokens that keep a SCRAM verifier (those created with db:connect). */
export async function dbTokenVerifiers(q: Q, userId: string): Promise<DbTokenVerifier[]> {
  const { rows } = await sql<DbTokenVerifier>`
    SELECT t.id AS token_id, t.digest, t.scopes, u.db_scram_salt AS salt, t.scram_iterations AS iterations,
           t.scram_stored_key AS stored_key, t.scram_server_key AS server_key
      FROM tokens t JOIN users u ON u.id = t.user_id
     WHERE t.user_id = ${userId} AND t.kind IN ('personal', 'service') AND t.scram_stored_key IS NOT NULL
       AND t.revoked_at IS NULL AND t.expires_at > now()
     ORDER BY t.created_at DESC LIMIT 50`.execute(q);
  return rows;
}

export interface TokenWithUser {
  token_id: string;
  kind: TokenKind;
  created_at: Date;
  expires_at: Date;
  revoked_at: Date | null;
  last_used_at: Date | null;
  scopes: string[];
  mfa: boolean;
  user_id: string;
  email: string;
  name: string;
  is_operator: boolean;
  user_kind: 'person' | 'service';
  disabled_at: Date | null;
  idle_minutes: number;
  absolute_hours: number;
  mfa_required: boolean;
}

/**
 * Runs for every authenticated request (at most once a second per token): the token, its
 * person, and the strictest session and MFA policy among their orgs, in one statement.
 */
export async function findTokenWithUser(q: Q, digest: Buffer): Promise<TokenWithUser | undefined> {
  const { rows } = await sql<TokenWithUser>`
    SELECT t.id AS token_id, t.kind, t.created_at, t.expires_at, t.revoked_at, t.last_used_at, t.scopes,
           t.mfa, u.id AS user_id, u.email, u.name, u.is_operator, u.kind AS user_kind, u.disabled_at,
           p.idle_minutes, p.absolute_hours, p.mfa_required
      FROM tokens t JOIN users u ON u.id = t.user_id
      CROSS JOIN LATERAL (${policySelect(sql`u.id`)}) p
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

/**
 * Revokes every live token of a person or service account, and their short-lived database
 * credentials; returns how many tokens.
 */
export async function revokeAllTokens(q: Q, userId: string): Promise<number> {
  await sql`UPDATE db_credentials SET revoked_at = now() WHERE user_id = ${userId} AND revoked_at IS NULL`.execute(
    q,
  );
  const rows = await q
    .updateTable('tokens')
    .set({ revoked_at: sql`now()` })
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
    .where('expires_at', '>', sql<Date>`now()`)
    .returning('id')
    .execute();
  return rows.length;
}

export const markTokenMfa = (q: Q, id: string) =>
  q.updateTable('tokens').set({ mfa: true }).where('id', '=', id).execute();
