/**
 * @module incidents/record
 * An incident as people read it: the stored rows with everything the rules derive from them
 * (discovery date, determination, the hold in force, every obligation with its deadline and days
 * left, and for each notice its deadline, whether it is delayed or late and what it still lacks).
 * Pure: rows and today in, the view out; the service, the PDF letters and the packet share it.
 */
import type {
  IncidentHoldRow,
  IncidentKnowledgeRow,
  IncidentNoticeRow,
  IncidentRow,
  IncidentTimelineRow,
} from '../db/index.js';
import { type Assessment, determine } from './assessment.js';
import { daysBetween } from './days.js';
import { discoveryOf } from './discovery.js';
import { type HoldFacts, holdEffect } from './holds.js';
import type { IncidentSummary, IncidentView, NoticeView, ObligationView } from './incidents.views.js';
import { missingContent, type NoticeContent, type NoticeKind } from './notices.js';
import {
  type Affected,
  type BusinessAssociateFacts,
  type Obligation,
  obligationsOf,
  SUBSTITUTE_POSTING_FROM,
  scheduleCheck,
  totalAffected,
} from './obligations.js';

export type HoldListRow = Omit<IncidentHoldRow, 'document'>;

export interface IncidentRows {
  incident: IncidentRow;
  owner: { id: string; email: string; name: string } | null;
  knowledge: IncidentKnowledgeRow[];
  holds: HoldListRow[];
  events: { event_id: string; linked_at: Date }[];
  notices: IncidentNoticeRow[];
  timeline: Pick<IncidentTimelineRow, 'at' | 'actor' | 'action' | 'summary'>[];
  packets: { id: string; sha256: string; issued_at: Date }[];
  alerts: { id: string; rule: string; title: string; raised_at: Date }[];
}

const iso = (d: Date | string) => (d instanceof Date ? d.toISOString() : d);

export const EMPTY_AFFECTED: Affected = {
  by_state: {},
  insufficient_contact: 0,
  deceased: 0,
  misuse_imminent: false,
};

export const holdFacts = (h: HoldListRow): HoldFacts => ({
  id: h.id,
  kind: h.kind,
  stated_on: h.stated_on,
  until: h.until,
  official_name: h.official_name,
  agency: h.agency,
  statement: h.statement,
  has_document: h.sha256 !== null,
});

/** Which obligation a notice answers. */
export function obligationFor(
  n: { kind: NoticeKind; jurisdiction: string | null },
  obligations: Obligation[],
): Obligation | undefined {
  const id =
    n.kind === 'individual'
      ? 'individuals'
      : n.kind === 'media'
        ? `media:${n.jurisdiction ?? ''}`
        : n.kind === 'secretary'
          ? obligations.some((o) => o.id === 'secretary')
            ? 'secretary'
            : 'secretary_annual'
          : n.kind;
  return obligations.find((o) => o.id === id);
}

/** What the deadline rules need from an incident's stored facts. */
export function factsOf(rows: Pick<IncidentRows, 'incident' | 'knowledge' | 'holds'>) {
  const i = rows.incident;
  const affected = (i.affected as Affected | null) ?? EMPTY_AFFECTED;
  const assessment = (i.assessment as Assessment | null) ?? null;
  const discovery = discoveryOf(rows.knowledge);
  const determination = determine(assessment);
  const holds = rows.holds.map(holdFacts);
  const obligations = obligationsOf({
    determination: determination.determination,
    discovered_on: discovery.discovered_on,
    affected,
    role: i.role,
    business_associate: (i.business_associate as BusinessAssociateFacts | null) ?? null,
    holds,
  });
  return { affected, assessment, discovery, determination, hold: holdEffect(holds), obligations };
}

export function noticeView(
  n: IncidentNoticeRow,
  obligations: Obligation[],
  holdUntil: string | null,
  affected: Affected,
): NoticeView {
  const deadline = obligationFor(n, obligations)?.deadline ?? null;
  const s = scheduleCheck(n, deadline, holdUntil);
  const content = n.content as NoticeContent;
  return {
    id: n.id,
    kind: n.kind,
    recipient: n.recipient,
    jurisdiction: n.jurisdiction,
    content,
    ready_on: n.ready_on,
    scheduled_on: n.scheduled_on,
    could_send_on: s.could_send_on,
    delay_reason: n.delay_reason,
    delayed: s.delayed,
    late: s.late,
    deadline,
    missing: missingContent(n.kind, content, {
      posting: affected.insufficient_contact >= SUBSTITUTE_POSTING_FROM,
    }),
    sent_at: n.sent_at ? iso(n.sent_at) : null,
    sent_via: n.sent_via,
  };
}

export function incidentView(rows: IncidentRows, today: string): IncidentView {
  const i = rows.incident;
  const f = factsOf(rows);
  const sent = rows.notices.filter((n) => n.sent_at !== null);
  const obligations: ObligationView[] = f.obligations.map((o) => ({
    ...o,
    days_left: o.deadline ? daysBetween(today, o.deadline) : null,
    met: sent.some((n) => obligationFor(n, f.obligations)?.id === o.id),
  }));
  const each = new Map(f.hold.each.map((e) => [e.id, e]));
  return {
    id: i.id,
    org_id: i.org_id,
    title: i.title,
    summary: i.summary,
    occurred_from: i.occurred_from,
    occurred_to: i.occurred_to,
    reported_by: i.reported_by,
    owner: rows.owner,
    status: i.status,
    role: i.role,
    business_associate: (i.business_associate as BusinessAssociateFacts | null) ?? null,
    affected: { ...f.affected, total: totalAffected(f.affected) },
    knowledge: rows.knowledge.map((k) => ({
      id: k.id,
      person: k.person,
      relation: k.relation,
      known_on: k.known_on,
      basis: k.basis,
      committed_breach: k.committed_breach,
    })),
    discovery: f.discovery,
    assessment: f.assessment,
    determination: f.determination,
    holds: rows.holds.map((h) => ({
      id: h.id,
      kind: h.kind,
      stated_on: h.stated_on,
      until: h.until,
      official_name: h.official_name,
      agency: h.agency,
      statement: h.statement,
      document:
        h.sha256 && h.file_name
          ? { file_name: h.file_name, size_bytes: h.size_bytes ?? 0, sha256: h.sha256 }
          : null,
      holds_until: each.get(h.id)?.until ?? h.stated_on,
      superseded_by: each.get(h.id)?.superseded_by ?? null,
    })),
    hold: { until: f.hold.until, reason: f.hold.reason },
    audit_events: rows.events.map((e) => ({ id: e.event_id, linked_at: iso(e.linked_at) })),
    obligations,
    notices: rows.notices.map((n) => noticeView(n, f.obligations, f.hold.until, f.affected)),
    timeline: rows.timeline.map((t) => ({
      at: iso(t.at),
      actor: t.actor,
      action: t.action,
      summary: t.summary,
    })),
    packets: rows.packets.map((p) => ({ id: p.id, sha256: p.sha256, issued_at: iso(p.issued_at) })),
    alerts: rows.alerts.map((a) => ({ id: a.id, rule: a.rule, title: a.title, raised_at: iso(a.raised_at) })),
    today,
    created_at: iso(i.created_at),
    updated_at: iso(i.updated_at),
  };
}

export function incidentSummary(v: IncidentView): IncidentSummary {
  const open = v.obligations.filter((o) => o.deadline && !o.met && o.kind !== 'covered_entity_clock');
  const next = open.reduce<ObligationView | undefined>(
    (a, o) => (!a || (o.deadline as string) < (a.deadline as string) ? o : a),
    undefined,
  );
  return {
    id: v.id,
    title: v.title,
    status: v.status,
    discovered_on: v.discovery.discovered_on,
    determination: v.determination.determination,
    next_deadline: next?.deadline ?? null,
    days_left: next?.days_left ?? null,
    created_at: v.created_at,
  };
}
