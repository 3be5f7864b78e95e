/**
 * @module hipaa/store
 * SQL for BAAs, an org's HIPAA flag, its HIPAA projects, those that allow plaintext, and the
 * business associate.
 */

import { type Insertable, sql } from 'kysely';
import type { Baa, BaasTable, Db, Tx } from '../db/index.js';

type Q = Db | Tx;

export const insertBaa = (q: Q, b: Insertable<BaasTable>): Promise<Baa> =>
  q.insertInto('baas').values(b).returningAll().executeTakeFirstOrThrow();

export const baaWithStatus = (q: Q, orgId: string, status: Baa['status']): Promise<Baa | undefined> =>
  q
    .selectFrom('baas')
    .selectAll()
    .where('org_id', '=', orgId)
    .where('status', '=', status)
    .executeTakeFirst();

/** The BAA waiting for countersignature, or else the one in force. */
export async function currentBaa(q: Q, orgId: string): Promise<Baa | undefined> {
  return (await baaWithStatus(q, orgId, 'signed')) ?? (await baaWithStatus(q, orgId, 'executed'));
}

export const supersede = (q: Q, id: string) =>
  q
    .updateTable('baas')
    .set({ status: 'superseded', superseded_at: sql`now()` })
    .where('id', '=', id)
    .execute();

export const execute = (
  q: Q,
  id: string,
  c: { user_id: string; email: string; name: string; title: string; ip: string | null },
): Promise<Baa> =>
  q
    .updateTable('baas')
    .set({
      status: 'executed',
      countersigner_user_id: c.user_id,
      countersigner_email: c.email,
      countersigner_name: c.name,
      countersigner_title: c.title,
      countersigned_at: sql`now()`,
      countersigned_ip: c.ip,
    })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();

export const pendingBaas = (q: Q) =>
  q
    .selectFrom('baas')
    .innerJoin('orgs', 'orgs.id', 'baas.org_id')
    .selectAll('baas')
    .select('orgs.name as org_name')
    .where('baas.status', '=', 'signed')
    .orderBy('baas.signed_at')
    .execute();

export const setHipaaEnabled = (q: Q, orgId: string, enabled: boolean) =>
  q
    .updateTable('orgs')
    .set({ hipaa_enabled: enabled, updated_at: new Date() })
    .where('id', '=', orgId)
    .execute();

/** The org's HIPAA projects that still exist (including those waiting out their grace period). */
export const hipaaProjects = (q: Q, orgId: string) =>
  q
    .selectFrom('projects')
    .select(['id', 'name', 'status', 'purge_after'])
    .where('org_id', '=', orgId)
    .where('audit_log_level', '=', 'hipaa')
    .where('status', '<>', 'deleted')
    .orderBy('created_at')
    .execute();

/** The org's live projects that allow plaintext connections from loopback (standard ones only). */
export const plaintextProjects = (q: Q, orgId: string) =>
  q
    .selectFrom('projects')
    .select(['id', 'name'])
    .where('org_id', '=', orgId)
    .where('allow_plaintext', '=', true)
    .where('status', '<>', 'deleted')
    .orderBy('created_at')
    .execute();

/** The business associate the operator set at runtime, with the email of who set it. */
export const storedBusinessAssociate = (q: Q, opts: { lock?: boolean } = {}) => {
  const query = q
    .selectFrom('business_associate')
    .leftJoin('users', 'users.id', 'business_associate.updated_by')
    .select([
      'business_associate.legal_name',
      'business_associate.address',
      'business_associate.updated_at',
      'users.email as updated_by',
    ]);
  return (opts.lock ? query.forUpdate('business_associate') : query).executeTakeFirst();
};

export const saveBusinessAssociate = (q: Q, b: { legal_name: string; address: string; updated_by: string }) =>
  q
    .insertInto('business_associate')
    .values({ ...b, updated_at: sql`now()` })
    .onConflict((oc) => oc.column('singleton').doUpdateSet({ ...b, updated_at: sql`now()` }))
    .execute();
