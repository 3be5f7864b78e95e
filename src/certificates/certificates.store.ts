/**
 * @module certificates/store
 * SQL for certificates of destruction (insert and read only: a trigger refuses changes).
 */
import type { Db, DestructionCertificate, Tx } from '../db/index.js';

type Q = Db | Tx;

export const insertCertificate = (q: Q, c: DestructionCertificate) =>
  q.insertInto('destruction_certificates').values(c).execute();

export const certificatesOf = (q: Q, orgId: string) =>
  q
    .selectFrom('destruction_certificates')
    .selectAll()
    .where('org_id', '=', orgId)
    .orderBy('issued_at', 'desc')
    .execute();

/** By certificate id, or by the destroyed project's id. */
export const findCertificate = (
  q: Q,
  orgId: string,
  ref: string,
): Promise<DestructionCertificate | undefined> =>
  q
    .selectFrom('destruction_certificates')
    .selectAll()
    .where('org_id', '=', orgId)
    .where(ref.startsWith('prj_') ? 'project_id' : 'id', '=', ref)
    .executeTakeFirst();
