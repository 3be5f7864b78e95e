/**
 * @module identity/mfa-store
 * SQL for TOTP secrets (encrypted) and recovery codes (digests).
 */
import { sql } from 'kysely';
import type { Db, Tx } from '../db/index.js';

type Q = Db | Tx;

export const findTotp = (q: Q, userId: string) =>
  q.selectFrom('user_totp').selectAll().where('user_id', '=', userId).executeTakeFirst();

/** Starts (or restarts) an enrollment; a confirmed TOTP is never replaced this way. */
export const upsertPendingTotp = (q: Q, userId: string, secret: Buffer) =>
  q
    .insertInto('user_totp')
    .values({ user_id: userId, secret })
    .onConflict((oc) =>
      oc
        .column('user_id')
        .doUpdateSet({ secret, created_at: sql`now()` })
        .where('user_totp.confirmed_at', 'is', null),
    )
    .execute();

export const confirmTotp = (q: Q, userId: string, step: number) =>
  q
    .updateTable('user_totp')
    .set({ confirmed_at: sql`now()`, last_time_step: step })
    .where('user_id', '=', userId)
    .execute();

/** Records a used time step; false when that step (or a later one) was used already: a replay. */
export async function useTimeStep(q: Q, userId: string, step: number): Promise<boolean> {
  const r = await q
    .updateTable('user_totp')
    .set({ last_time_step: step })
    .where('user_id', '=', userId)
    .where('last_time_step', '<', step)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export async function deleteTotp(q: Q, userId: string): Promise<void> {
  await q.deleteFrom('recovery_codes').where('user_id', '=', userId).execute();
  await q.deleteFrom('user_totp').where('user_id', '=', userId).execute();
}

export async function replaceRecoveryCodes(q: Q, userId: string, digests: Buffer[]): Promise<void> {
  await q.deleteFrom('recovery_codes').where('user_id', '=', userId).execute();
  await q
    .insertInto('recovery_codes')
    .values(digests.map((digest) => ({ user_id: userId, digest, used_at: null })))
    .execute();
}

/** Uses a recovery code once; false when it is unknown or already used. */
export async function useRecoveryCode(q: Q, userId: string, digest: Buffer): Promise<boolean> {
  const r = await q
    .updateTable('recovery_codes')
    .set({ used_at: sql`now()` })
    .where('user_id', '=', userId)
    .where('digest', '=', digest)
    .where('used_at', 'is', null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export const recoveryCodesLeft = async (q: Q, userId: string): Promise<number> =>
  Number(
    (
      await q
        .selectFrom('recovery_codes')
        .select((e) => e.fn.countAll<number>().as('n'))
        .where('user_id', '=', userId)
        .where('used_at', 'is', null)
        .executeTakeFirstOrThrow()
    ).n,
  );
