/**
 * @module compliance/publicity-store
 * The SQL of an org's publicity switches, and the cheap reads the public badge and trust page
 * are served from: the org's switches and name, and its latest daily snapshot.
 */
import type { Db, Tx } from '../db/index.js';

export function publicityOf(q: Db | Tx, orgId: string) {
  return q
    .selectFrom('compliance_publicity as p')
    .innerJoin('users as u', 'u.id', 'p.updated_by')
    .select(['p.badge', 'p.trust_page', 'p.updated_at', 'u.email as updated_by'])
    .where('p.org_id', '=', orgId)
    .executeTakeFirst();
}

export async function savePublicity(
  tx: Tx,
  row: { org_id: string; badge: boolean; trust_page: boolean; updated_by: string },
): Promise<void> {
  await tx
    .insertInto('compliance_publicity')
    .values({ ...row, updated_at: new Date() })
    .onConflict((oc) =>
      oc.column('org_id').doUpdateSet({
        badge: row.badge,
        trust_page: row.trust_page,
        updated_by: row.updated_by,
        updated_at: new Date(),
      }),
    )
    .execute();
}

/** What the public pages of an org may show, if it publishes anything (one indexed read). */
export function publishedOrg(q: Db, orgId: string) {
  return q
    .selectFrom('compliance_publicity as p')
    .innerJoin('orgs as o', 'o.id', 'p.org_id')
    .select(['o.id', 'o.name', 'o.settings', 'p.badge', 'p.trust_page'])
    .where('p.org_id', '=', orgId)
    .executeTakeFirst();
}

/** The org's latest daily snapshot (the periodic re-check keeps it fresh). */
export function latestSnapshot(q: Db | Tx, orgId: string) {
  return q
    .selectFrom('compliance_snapshots')
    .select(['day', 'required_score', 'addressable_score', 'required_met', 'states', 'taken_at'])
    .where('org_id', '=', orgId)
    .orderBy('day', 'desc')
    .limit(1)
    .executeTakeFirst();
}
