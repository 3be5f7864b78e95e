/**
 * @module compliance/subprocessors-store
 * The SQL of the subprocessor list (its versions, its removals) and of the notices HIPAA orgs are
 * sent about it. The list is the operator's and short, so it is read whole.
 */
import type { Insertable } from 'kysely';
import type { ComplianceNoticesTable, Db, Tx } from '../db/index.js';
import type { SubprocessorEntry, SubprocessorVersion } from './subprocessor-timeline.js';

/** Every subprocessor with its versions (oldest first); `lock` holds the list for a change. */
export async function allSubprocessors(q: Db | Tx, lock = false): Promise<SubprocessorEntry[]> {
  let heads = q
    .selectFrom('subprocessors')
    .select(['id', 'created_at', 'removal_effective_at'])
    .orderBy('created_at')
    .orderBy('id');
  if (lock) heads = heads.forUpdate();
  const [rows, versions] = await Promise.all([
    heads.execute(),
    q
      .selectFrom('subprocessor_versions')
      .select(['subprocessor_id', 'effective_at', 'name', 'purpose', 'location', 'phi'])
      .orderBy('effective_at')
      .execute(),
  ]);
  const byId = new Map<string, SubprocessorVersion[]>();
  for (const { subprocessor_id, ...v } of versions) {
    const list = byId.get(subprocessor_id) ?? [];
    list.push(v);
    byId.set(subprocessor_id, list);
  }
  return rows.map((r) => ({ ...r, versions: byId.get(r.id) ?? [] }));
}

export async function insertSubprocessor(tx: Tx, id: string, first: SubprocessorVersion): Promise<void> {
  await tx.insertInto('subprocessors').values({ id }).execute();
  await insertVersion(tx, id, first);
}

export async function insertVersion(tx: Tx, id: string, v: SubprocessorVersion): Promise<void> {
  await tx
    .insertInto('subprocessor_versions')
    .values({ subprocessor_id: id, ...v })
    .execute();
}

export async function announceRemoval(tx: Tx, id: string, effectiveAt: Date): Promise<void> {
  await tx
    .updateTable('subprocessors')
    .set({ removal_announced_at: new Date(), removal_effective_at: effectiveAt })
    .where('id', '=', id)
    .execute();
}

/** The orgs a change to the list is announced to: every HIPAA org. */
export async function hipaaOrgIds(q: Db | Tx): Promise<string[]> {
  const rows = await q.selectFrom('orgs').select('id').where('hipaa_enabled', '=', true).execute();
  return rows.map((r) => r.id);
}

export async function insertNotices(tx: Tx, rows: Insertable<ComplianceNoticesTable>[]): Promise<void> {
  if (rows.length > 0) await tx.insertInto('compliance_notices').values(rows).execute();
}

/** The org's notices, newest first. */
export function noticesOf(q: Db | Tx, orgId: string, limit: number) {
  return q
    .selectFrom('compliance_notices')
    .select(['id', 'subprocessor_id', 'change', 'summary', 'effective_at', 'created_at'])
    .where('org_id', '=', orgId)
    .orderBy('created_at', 'desc')
    .orderBy('id')
    .limit(limit)
    .execute();
}
