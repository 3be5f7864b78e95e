/**
 * @module incidents/store
 * SQL for incidents and what hangs off them. Timeline entries and packets are insert-only (a
 * trigger refuses changes); everything is read by the org's id first, so another org's incident
 * is never found.
 */
import type { Insertable } from 'kysely';
import type {
  Db,
  IncidentHoldsTable,
  IncidentKnowledgeTable,
  IncidentNoticesTable,
  IncidentPacketsTable,
  IncidentsTable,
  Tx,
} from '../db/index.js';

type Q = Db | Tx;

export const insertIncident = (q: Q, r: Insertable<IncidentsTable>) =>
  q.insertInto('incidents').values(r).execute();

export const updateIncident = (q: Q, id: string, changes: Partial<Insertable<IncidentsTable>>) =>
  q
    .updateTable('incidents')
    .set({ ...changes, updated_at: new Date() })
    .where('id', '=', id)
    .execute();

export const findIncident = (q: Q, orgId: string, id: string) =>
  q.selectFrom('incidents').selectAll().where('org_id', '=', orgId).where('id', '=', id).executeTakeFirst();

/** The incident's row, locked for the rest of `tx`: steps on one incident happen one at a time. */
export const lockIncident = (tx: Tx, orgId: string, id: string) =>
  tx
    .selectFrom('incidents')
    .selectAll()
    .where('org_id', '=', orgId)
    .where('id', '=', id)
    .forUpdate()
    .executeTakeFirst();

export const incidentsOf = (q: Q, orgId: string) =>
  q.selectFrom('incidents').selectAll().where('org_id', '=', orgId).orderBy('created_at', 'desc').execute();

export const insertKnowledge = (q: Q, r: Insertable<IncidentKnowledgeTable>) =>
  q.insertInto('incident_knowledge').values(r).execute();

export const knowledgeOf = (q: Q, incidentIds: string[]) =>
  incidentIds.length === 0
    ? Promise.resolve([])
    : q
        .selectFrom('incident_knowledge')
        .selectAll()
        .where('incident_id', 'in', incidentIds)
        .orderBy('recorded_at')
        .execute();

export const insertEvents = (q: Q, incidentId: string, eventIds: string[], by: string) =>
  q
    .insertInto('incident_events')
    .values(eventIds.map((event_id) => ({ incident_id: incidentId, event_id, linked_by: by })))
    .onConflict((c) => c.doNothing())
    .execute();

export const eventsOf = (q: Q, incidentId: string) =>
  q
    .selectFrom('incident_events')
    .select(['event_id', 'linked_at'])
    .where('incident_id', '=', incidentId)
    .orderBy('event_id')
    .execute();

export const insertHold = (q: Q, r: Insertable<IncidentHoldsTable>) =>
  q.insertInto('incident_holds').values(r).execute();

/** Holds of these incidents, without the sealed letters. */
export const holdsOf = (q: Q, incidentIds: string[]) =>
  incidentIds.length === 0
    ? Promise.resolve([])
    : q
        .selectFrom('incident_holds')
        .select([
          'id',
          'incident_id',
          'kind',
          'stated_on',
          'until',
          'official_name',
          'agency',
          'statement',
          'file_name',
          'content_type',
          'size_bytes',
          'sha256',
          'recorded_by',
          'recorded_at',
        ])
        .where('incident_id', 'in', incidentIds)
        .orderBy('recorded_at')
        .execute();

export const holdDocument = (q: Q, incidentId: string, holdId: string) =>
  q
    .selectFrom('incident_holds')
    .select(['id', 'file_name', 'content_type', 'sha256', 'document'])
    .where('incident_id', '=', incidentId)
    .where('id', '=', holdId)
    .executeTakeFirst();

export const insertNotice = (q: Q, r: Insertable<IncidentNoticesTable>) =>
  q.insertInto('incident_notices').values(r).execute();

export const updateNotice = (q: Q, id: string, changes: Partial<Insertable<IncidentNoticesTable>>) =>
  q
    .updateTable('incident_notices')
    .set({ ...changes, updated_at: new Date() })
    .where('id', '=', id)
    .execute();

export const noticesOf = (q: Q, incidentId: string) =>
  q
    .selectFrom('incident_notices')
    .selectAll()
    .where('incident_id', '=', incidentId)
    .orderBy('created_at')
    .execute();

export const findNotice = (q: Q, incidentId: string, id: string) =>
  q
    .selectFrom('incident_notices')
    .selectAll()
    .where('incident_id', '=', incidentId)
    .where('id', '=', id)
    .executeTakeFirst();

export const addTimeline = (q: Q, incidentId: string, actor: string, action: string, summary: string) =>
  q
    .insertInto('incident_timeline')
    .values({ incident_id: incidentId, actor, action, summary: summary.slice(0, 2000) })
    .execute();

export const timelineOf = (q: Q, incidentId: string) =>
  q
    .selectFrom('incident_timeline')
    .select(['at', 'actor', 'action', 'summary'])
    .where('incident_id', '=', incidentId)
    .orderBy('id')
    .execute();

export const insertPacket = (q: Q, r: Insertable<IncidentPacketsTable>) =>
  q.insertInto('incident_packets').values(r).execute();

export const packetsOf = (q: Q, incidentId: string) =>
  q
    .selectFrom('incident_packets')
    .select(['id', 'sha256', 'key_id', 'issued_at'])
    .where('incident_id', '=', incidentId)
    .orderBy('issued_at', 'desc')
    .execute();

export const findPacket = (q: Q, incidentId: string, id: string) =>
  q
    .selectFrom('incident_packets')
    .selectAll()
    .where('incident_id', '=', incidentId)
    .where('id', '=', id)
    .executeTakeFirst();
