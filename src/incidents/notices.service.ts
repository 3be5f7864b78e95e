/**
 * @module incidents/notices-service
 * Notices and letters (issue 21, "Notify"): draft one of each kind with the content 164.404(c)
 * requires (the breach and discovery dates are filled in from the record), schedule it, and mark
 * it sent with when and how. "Without unreasonable delay" is the rule: a notice scheduled later
 * than the first day it could go (when it is ready, or after a law-enforcement hold) needs a
 * reason, and is flagged; it cannot be marked sent while content is missing or a hold is in
 * force. Each notice renders to a PDF letter.
 */
import type { IncidentNoticeRow, IncidentRow } from '../db/index.js';
import type { RequestContext } from '../lib/context.js';
import { conflict, invalid, notFound } from '../lib/errors.js';
import { newId } from '../lib/ids.js';
import type { IncidentCore } from './incidents.core.js';
import type { NoticeBody, NoticeUpdateBody } from './incidents.schemas.js';
import * as store from './incidents.store.js';
import type { NoticeView } from './incidents.views.js';
import { noticeLetter } from './letter-pdf.js';
import type { NoticeContent, NoticeKind, SentVia } from './notices.js';
import { scheduleCheck } from './obligations.js';
import { factsOf, noticeView, obligationFor } from './record.js';

const RECIPIENTS: Record<NoticeKind, string> = {
  individual: 'each affected individual',
  substitute: 'individuals without sufficient contact information',
  next_of_kin: 'next of kin or personal representatives of deceased individuals',
  media: 'prominent media outlets',
  secretary: 'the Secretary of HHS',
  covered_entity: 'the covered entity',
};

export function createNoticeService(core: IncidentCore) {
  async function factsNow(q: Parameters<IncidentCore['rowsOf']>[0], incident: IncidentRow) {
    const rows = await core.rowsOf(q, incident);
    return { rows, facts: factsOf(rows) };
  }

  /** Checks a schedule against "without unreasonable delay"; says what to add when it needs a reason. */
  function checkSchedule(
    n: {
      kind: NoticeKind;
      jurisdiction: string | null;
      ready_on: string;
      scheduled_on: string;
      delay_reason: string | null;
    },
    facts: ReturnType<typeof factsOf>,
  ) {
    const deadline = obligationFor(n, facts.obligations)?.deadline ?? null;
    const s = scheduleCheck(n, deadline, facts.hold.until);
    if ((s.delayed || s.late) && !n.delay_reason?.trim())
      throw invalid(
        s.late
          ? `scheduled on ${n.scheduled_on}, after its deadline ${deadline}: give delay_reason (the record flags it)`
          : `scheduled on ${n.scheduled_on}, later than it could be sent (${s.could_send_on}): notices go without unreasonable delay (164.404(b)); give delay_reason`,
      );
  }

  async function draft(
    ctx: RequestContext,
    orgRef: string,
    id: string,
    body: NoticeBody,
  ): Promise<NoticeView> {
    const nid = newId('ltr');
    const today = core.today();
    await core.step(
      ctx,
      orgRef,
      id,
      {
        action: 'incident.notice.draft',
        details: { incident_id: id, notice_id: nid, kind: body.kind, scheduled_on: body.scheduled_on ?? '' },
        summary: `drafted a ${body.kind.replace('_', ' ')} notice${body.jurisdiction ? ` for ${body.jurisdiction}` : ''}`,
      },
      async (tx, incident, _org, details) => {
        if (body.kind === 'media' && !body.jurisdiction)
          throw invalid('a media notice names its State or jurisdiction: give jurisdiction');
        const { facts } = await factsNow(tx, incident);
        const ready = body.ready_on ?? today;
        const could = scheduleCheck(
          { ready_on: ready, scheduled_on: ready },
          null,
          facts.hold.until,
        ).could_send_on;
        const content: NoticeContent = {
          breach_date: incident.occurred_from
            ? `${incident.occurred_from}${incident.occurred_to && incident.occurred_to !== incident.occurred_from ? ` to ${incident.occurred_to}` : ''}`
            : 'unknown',
          ...(facts.discovery.discovered_on ? { discovery_date: facts.discovery.discovered_on } : {}),
          ...body.content,
        };
        const n = {
          kind: body.kind,
          jurisdiction: body.jurisdiction ?? null,
          ready_on: ready,
          scheduled_on: body.scheduled_on ?? could,
          delay_reason: body.delay_reason ?? null,
        };
        checkSchedule(n, facts);
        details.scheduled_on = n.scheduled_on;
        await store.insertNotice(tx, {
          id: nid,
          incident_id: id,
          recipient:
            body.recipient ??
            (body.kind === 'media'
              ? `${RECIPIENTS.media} serving ${body.jurisdiction}`
              : RECIPIENTS[body.kind]),
          content: JSON.stringify(content),
          ...n,
        });
      },
    );
    return one(ctx, orgRef, id, nid);
  }

  async function notice(tx: Parameters<IncidentCore['rowsOf']>[0], incidentId: string, nid: string) {
    const n = await store.findNotice(tx, incidentId, nid);
    if (!n) throw notFound(`incident '${incidentId}' has no notice '${nid}'`);
    return n;
  }

  async function update(
    ctx: RequestContext,
    orgRef: string,
    id: string,
    nid: string,
    body: NoticeUpdateBody,
  ) {
    const fields = Object.keys(body);
    if (fields.length === 0) throw invalid('nothing to change: give at least one field');
    await core.step(
      ctx,
      orgRef,
      id,
      {
        action: 'incident.notice.update',
        details: { incident_id: id, notice_id: nid, fields },
        summary: `changed ${fields.join(', ')} of notice ${nid}`,
      },
      async (tx, incident) => {
        const n = await notice(tx, id, nid);
        if (n.sent_at)
          throw conflict(`notice '${nid}' was sent on ${n.sent_at.toISOString()}; it cannot change`);
        const { facts } = await factsNow(tx, incident);
        const next = {
          jurisdiction: body.jurisdiction ?? n.jurisdiction,
          ready_on: body.ready_on ?? n.ready_on,
          scheduled_on: body.scheduled_on ?? n.scheduled_on,
          delay_reason: body.delay_reason ?? n.delay_reason,
        };
        checkSchedule({ kind: n.kind, ...next }, facts);
        await store.updateNotice(tx, nid, {
          ...next,
          recipient: body.recipient ?? n.recipient,
          content: JSON.stringify({ ...(n.content as NoticeContent), ...(body.content ?? {}) }),
        });
      },
    );
    return one(ctx, orgRef, id, nid);
  }

  async function markSent(
    ctx: RequestContext,
    orgRef: string,
    id: string,
    nid: string,
    body: { via: SentVia; sent_at?: string | undefined },
  ) {
    const at = body.sent_at ? new Date(body.sent_at) : new Date();
    await core.step(
      ctx,
      orgRef,
      id,
      {
        action: 'incident.notice.send',
        details: { incident_id: id, notice_id: nid, kind: '', sent_at: at.toISOString(), via: body.via },
        summary: `notice ${nid} sent by ${body.via} on ${at.toISOString()}`,
      },
      async (tx, incident, _org, details) => {
        const n = await notice(tx, id, nid);
        details.kind = n.kind;
        if (n.sent_at)
          throw conflict(`notice '${nid}' was already marked sent on ${n.sent_at.toISOString()}`);
        if (at.getTime() > Date.now() + 60_000)
          throw invalid('sent_at is in the future: mark a notice sent once it is');
        const { facts } = await factsNow(tx, incident);
        const v = noticeView(n, facts.obligations, facts.hold.until, facts.affected);
        if (v.missing.length > 0)
          throw invalid(
            `notice '${nid}' cannot be marked sent: its required content is missing: ${v.missing.join('; ')}`,
          );
        const sentDay = at.toISOString().slice(0, 10);
        if (facts.hold.until && sentDay <= facts.hold.until)
          throw conflict(
            `notices are held by law enforcement through ${facts.hold.until} (164.412): ${facts.hold.reason}`,
          );
        await store.updateNotice(tx, nid, { sent_at: at, sent_via: body.via });
      },
    );
    return one(ctx, orgRef, id, nid);
  }

  async function one(ctx: RequestContext, orgRef: string, id: string, nid: string): Promise<NoticeView> {
    const { view } = await core.load(ctx, orgRef, id);
    const n = view.notices.find((x) => x.id === nid);
    if (!n) throw notFound(`incident '${id}' has no notice '${nid}'`);
    return n;
  }

  async function pdf(ctx: RequestContext, orgRef: string, id: string, nid: string) {
    const { org, view } = await core.load(ctx, orgRef, id);
    const n = view.notices.find((x) => x.id === nid);
    if (!n) throw notFound(`incident '${id}' has no notice '${nid}'`);
    const legal = org.settings.legal_name;
    return {
      fileName: `notice-${view.id}-${n.id}.pdf`,
      pdf: await noticeLetter(n, view, typeof legal === 'string' ? legal : org.name),
    };
  }

  return { draft, update, markSent, one, pdf };
}

export type NoticeService = ReturnType<typeof createNoticeService>;
export type { IncidentNoticeRow };
