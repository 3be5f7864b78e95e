/**
 * @module compliance/store
 * The compliance center's SQL: control states, daily snapshots, the newest attestation and
 * decision of each control, the documents (sealed), and every attestation and decision for the
 * report.
 */
import type { Insertable } from 'kysely';
import type {
  ComplianceAttestationsTable,
  ComplianceDecisionsTable,
  ControlState,
  Db,
  Tx,
} from '../db/index.js';
import type { AttestationFact, DecisionFact } from './posture.js';

export interface StoredState {
  control_id: string;
  state: ControlState;
  previous_state: ControlState | null;
  since: Date;
}

export async function statesOf(q: Db | Tx, orgId: string, lock = false): Promise<Map<string, StoredState>> {
  let query = q
    .selectFrom('compliance_states')
    .select(['control_id', 'state', 'previous_state', 'since'])
    .where('org_id', '=', orgId);
  if (lock) query = query.forUpdate();
  return new Map((await query.execute()).map((r) => [r.control_id, r]));
}

export async function saveStates(
  tx: Tx,
  orgId: string,
  rows: (StoredState & { message: string })[],
  checkedAt: Date,
): Promise<void> {
  if (rows.length === 0) return;
  await tx
    .insertInto('compliance_states')
    .values(
      rows.map((r) => ({ org_id: orgId, ...r, message: r.message.slice(0, 4000), checked_at: checkedAt })),
    )
    .onConflict((oc) =>
      oc.columns(['org_id', 'control_id']).doUpdateSet((eb) => ({
        state: eb.ref('excluded.state'),
        previous_state: eb.ref('excluded.previous_state'),
        since: eb.ref('excluded.since'),
        message: eb.ref('excluded.message'),
        checked_at: eb.ref('excluded.checked_at'),
      })),
    )
    .execute();
}

export async function saveSnapshot(
  q: Db | Tx,
  s: {
    org_id: string;
    day: string;
    required_score: number;
    addressable_score: number;
    required_met: boolean;
    states: Record<string, ControlState>;
    taken_at: Date;
  },
): Promise<void> {
  const row = { ...s, states: JSON.stringify(s.states) };
  await q
    .insertInto('compliance_snapshots')
    .values(row)
    .onConflict((oc) =>
      oc.columns(['org_id', 'day']).doUpdateSet({
        required_score: row.required_score,
        addressable_score: row.addressable_score,
        required_met: row.required_met,
        states: row.states,
        taken_at: row.taken_at,
      }),
    )
    .execute();
}

export function history(q: Db | Tx, orgId: string, fromDay: string) {
  return q
    .selectFrom('compliance_snapshots')
    .select(['day', 'required_score', 'addressable_score', 'required_met'])
    .where('org_id', '=', orgId)
    .where('day', '>=', fromDay)
    .orderBy('day')
    .execute();
}

/** The orgs whose controls Ward re-checks on its own: HIPAA orgs, and any org checked before. */
export async function orgsToCheck(q: Db): Promise<string[]> {
  const rows = await q
    .selectFrom('orgs')
    .select('id')
    .where((eb) =>
      eb.or([
        eb('hipaa_enabled', '=', true),
        eb.exists(
          eb.selectFrom('compliance_states as s').select('s.org_id').whereRef('s.org_id', '=', 'orgs.id'),
        ),
      ]),
    )
    .execute();
  return rows.map((r) => r.id);
}

/** The newest attestation of each control: the one that decides it. */
export async function currentAttestations(q: Db | Tx, orgId: string): Promise<Map<string, AttestationFact>> {
  const current = new Map<string, AttestationFact>();
  for (const { control_id, attested_at, ...r } of await attestationsOf(q, orgId))
    if (!current.has(control_id)) current.set(control_id, { ...r, attested_at: attested_at.toISOString() });
  return current;
}

/** The newest decision on each control (in force or expired: the posture tells them apart). */
export async function currentDecisions(q: Db | Tx, orgId: string): Promise<Map<string, DecisionFact>> {
  const current = new Map<string, DecisionFact>();
  for (const { control_id, decided_at, expires_at, ...r } of await decisionsOf(q, orgId))
    if (!current.has(control_id))
      current.set(control_id, {
        ...r,
        decided_at: decided_at.toISOString(),
        expires_at: expires_at.toISOString(),
      });
  return current;
}

export async function insertAttestation(tx: Tx, row: Insertable<ComplianceAttestationsTable>): Promise<void> {
  await tx.insertInto('compliance_attestations').values(row).execute();
}

export async function insertDecision(tx: Tx, row: Insertable<ComplianceDecisionsTable>): Promise<void> {
  await tx.insertInto('compliance_decisions').values(row).execute();
}

export function attestationDocument(q: Db | Tx, orgId: string, id: string) {
  return q
    .selectFrom('compliance_attestations')
    .select(['id', 'file_name', 'content_type', 'document', 'sha256'])
    .where('org_id', '=', orgId)
    .where('id', '=', id)
    .executeTakeFirst();
}

/** Every attestation of the org, newest first, without the documents (the report lists them all). */
export function attestationsOf(q: Db | Tx, orgId: string) {
  return q
    .selectFrom('compliance_attestations as a')
    .innerJoin('users as u', 'u.id', 'a.attested_by')
    .select([
      'a.id',
      'a.control_id',
      'a.statement',
      'a.file_name',
      'a.size_bytes',
      'a.sha256',
      'a.review_by',
      'u.email as attested_by',
      'a.attested_at',
    ])
    .where('a.org_id', '=', orgId)
    .orderBy('a.attested_at', 'desc')
    .execute();
}

/** Every decision the org recorded, in force or expired, newest first (the report lists them all). */
export function decisionsOf(q: Db | Tx, orgId: string) {
  return q
    .selectFrom('compliance_decisions as d')
    .innerJoin('users as u', 'u.id', 'd.decided_by')
    .select([
      'd.id',
      'd.control_id',
      'd.decision',
      'd.rationale',
      'u.email as decided_by',
      'd.decided_at',
      'd.expires_at',
    ])
    .where('d.org_id', '=', orgId)
    .orderBy('d.decided_at', 'desc')
    .execute();
}
