/**
 * @module backups/store
 * SQL for repositories (the sealed passphrase), the backup catalog and each org's policy.
 */
import type { BackupPolicy, BackupRow, Db, Tx } from '../db/index.js';
import type { BackupRecord } from './pgbackrest/info.js';

type Q = Db | Tx;

export const DEFAULT_POLICY = { daily_at: '03:00', retention_days: 7 } as const;

export const findRepository = (q: Q, projectId: string) =>
  q.selectFrom('backup_repositories').selectAll().where('project_id', '=', projectId).executeTakeFirst();

/** Records a new repository's sealed passphrase unless another writer got there first. */
export const insertRepository = (
  q: Q,
  row: { project_id: string; org_id: string; sealed: Buffer; storage: string },
) =>
  q
    .insertInto('backup_repositories')
    .values({
      project_id: row.project_id,
      org_id: row.org_id,
      cipher_pass_sealed: row.sealed,
      storage: row.storage,
    })
    .onConflict((oc) => oc.column('project_id').doNothing())
    .execute();

export const markStanzaCreated = (q: Q, projectId: string) =>
  q
    .updateTable('backup_repositories')
    .set({ stanza_created_at: new Date() })
    .where('project_id', '=', projectId)
    .execute();

/** Repositories whose project is deleted (or, for HIPAA projects, purged): to be removed. */
export const orphanedRepositories = (q: Q) =>
  q
    .selectFrom('backup_repositories as r')
    .innerJoin('projects as p', 'p.id', 'r.project_id')
    .select(['r.project_id', 'r.org_id', 'r.storage', 'p.name'])
    .where('r.deleted_at', 'is', null)
    .where('p.status', '=', 'deleted')
    .execute();

export const markRepositoryDeleted = (q: Q, projectId: string) =>
  q
    .updateTable('backup_repositories')
    .set({ deleted_at: new Date(), cipher_pass_sealed: null })
    .where('project_id', '=', projectId)
    .execute();

export const listBackups = (q: Q, projectId: string): Promise<BackupRow[]> =>
  q
    .selectFrom('backups')
    .selectAll()
    .where('project_id', '=', projectId)
    .orderBy('stopped_at', 'desc')
    .execute();

/** Makes the catalog match the repository; returns the labels that disappeared. */
export async function syncCatalog(tx: Tx, projectId: string, records: BackupRecord[]): Promise<string[]> {
  const before = await listBackups(tx, projectId);
  const keep = new Set(records.map((r) => r.label));
  const gone = before.filter((b) => !keep.has(b.label)).map((b) => b.label);
  if (gone.length)
    await tx.deleteFrom('backups').where('project_id', '=', projectId).where('label', 'in', gone).execute();
  const known = new Set(before.map((b) => b.label));
  const fresh = records.filter((r) => !known.has(r.label));
  if (fresh.length)
    await tx
      .insertInto('backups')
      .values(fresh.map((r) => ({ ...r, project_id: projectId })))
      .execute();
  return gone;
}

export const removeCatalog = (q: Q, projectId: string) =>
  q.deleteFrom('backups').where('project_id', '=', projectId).execute();

export async function policyOf(q: Q, orgId: string): Promise<{ daily_at: string; retention_days: number }> {
  const row = await q
    .selectFrom('backup_policies')
    .select(['daily_at', 'retention_days'])
    .where('org_id', '=', orgId)
    .executeTakeFirst();
  return row ?? { ...DEFAULT_POLICY };
}

export const upsertPolicy = (
  q: Q,
  row: { org_id: string; daily_at: string; retention_days: number; updated_by: string | null },
): Promise<BackupPolicy> =>
  q
    .insertInto('backup_policies')
    .values({ ...row, updated_at: new Date() })
    .onConflict((oc) =>
      oc.column('org_id').doUpdateSet({
        daily_at: row.daily_at,
        retention_days: row.retention_days,
        updated_by: row.updated_by,
        updated_at: new Date(),
      }),
    )
    .returningAll()
    .executeTakeFirstOrThrow();

/** Running projects with their org's policy, the last scheduled backup and the last drill. */
export const scheduleView = (q: Q) =>
  q
    .selectFrom('projects as p')
    .leftJoin('backup_policies as bp', 'bp.org_id', 'p.org_id')
    .select((eb) => [
      'p.id',
      'p.org_id',
      'p.name',
      'p.created_at',
      'bp.daily_at',
      eb
        .selectFrom('operations as o')
        .select((e) => e.fn.max('o.created_at').as('at'))
        .whereRef('o.project_id', '=', 'p.id')
        .where('o.kind', '=', 'backup')
        .where('o.trigger', '=', 'schedule')
        .as('last_scheduled_backup'),
      eb
        .selectFrom('operations as o')
        .select((e) => e.fn.max('o.created_at').as('at'))
        .whereRef('o.project_id', '=', 'p.id')
        .where('o.kind', '=', 'drill')
        .as('last_drill'),
      eb
        .selectFrom('backups as b')
        .select((e) => e.fn.max('b.stopped_at').as('at'))
        .whereRef('b.project_id', '=', 'p.id')
        .as('last_backup'),
    ])
    .where('p.status', '=', 'running')
    .execute();
