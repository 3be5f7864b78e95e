/**
 * @module compliance/report/store
 * SQL for issued compliance reports (insert and read only: a trigger refuses changes).
 */
import type { ComplianceReport, Db, Tx } from '../../db/index.js';

type Q = Db | Tx;

export const insertReport = (q: Q, r: ComplianceReport) =>
  q.insertInto('compliance_reports').values(r).execute();

/** An org's reports, newest first, without their documents. */
export const reportsOf = (q: Q, orgId: string) =>
  q
    .selectFrom('compliance_reports')
    .select(['id', 'issued_at', 'required_score', 'addressable_score', 'required_met', 'sha256', 'key_id'])
    .where('org_id', '=', orgId)
    .orderBy('issued_at', 'desc')
    .execute();

export const findReport = (q: Q, orgId: string, id: string): Promise<ComplianceReport | undefined> =>
  q
    .selectFrom('compliance_reports')
    .selectAll()
    .where('org_id', '=', orgId)
    .where('id', '=', id)
    .executeTakeFirst();
