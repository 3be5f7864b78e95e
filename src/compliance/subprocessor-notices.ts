/**
 * @module compliance/subprocessor-notices
 * How HIPAA orgs hear about changes to the subprocessor list: the notice period a change must
 * respect (`subprocessor_notice_days`; the BAA template names none of its own), a notice stored
 * for every HIPAA org in the change's transaction (its owners read them in the console), and an
 * alert to each org's webhook once the change has committed.
 */
import type { Db, NoticeChange, Tx } from '../db/index.js';
import type { RequestContext } from '../lib/context.js';
import { invalid } from '../lib/errors.js';
import { newId } from '../lib/ids.js';
import type { OrgService } from '../orgs/index.js';
import { authorize } from '../policy/index.js';
import { dayOf } from './days.js';
import type { NoticeView } from './publicity.schemas.js';
import * as store from './subprocessors.store.js';

const DAY_MS = 86_400_000;
const NOTICES_SHOWN = 200;

/** The first moment a change announced at `now` may take effect, and the first whole day (UTC). */
export function earliestEffective(now: Date, noticeDays: number): { at: Date; day: string } {
  const at = new Date(now.getTime() + noticeDays * DAY_MS);
  const midnight = Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate());
  return { at, day: dayOf(new Date(midnight === at.getTime() ? midnight : midnight + DAY_MS)) };
}

export interface NoticeDeps {
  db: Db;
  orgs: OrgService;
  /** Days between announcing a change and its taking effect, at least. */
  noticeDays: number;
  /** Sends an alert to the org's webhook. */
  alert(orgId: string, alert: string, payload: Record<string, unknown>): void;
}

export function createSubprocessorNotices(deps: NoticeDeps) {
  /** When `text` (a day, 00:00 UTC, or an ISO time) is; refused inside the notice period, naming the earliest day. */
  function effectiveFrom(text: string, now: Date): Date {
    const effective = new Date(/^\d{4}-\d{2}-\d{2}$/.test(text) ? `${text}T00:00:00Z` : text);
    const earliest = earliestEffective(now, deps.noticeDays);
    if (effective.getTime() < earliest.at.getTime())
      throw invalid(
        `a change to the subprocessor list takes effect at the earliest on ${earliest.day}: every HIPAA organization gets ${deps.noticeDays} days' notice (subprocessor_notice_days); '${text}' is too soon`,
      );
    return effective;
  }

  /** Stores a notice for every HIPAA org; returns their ids, to alert once the change commits. */
  async function record(
    tx: Tx,
    notice: { subprocessorId: string; change: NoticeChange; summary: string; effective: Date },
  ): Promise<string[]> {
    const orgIds = await store.hipaaOrgIds(tx);
    await store.insertNotices(
      tx,
      orgIds.map((org_id) => ({
        id: newId('ntc'),
        org_id,
        subprocessor_id: notice.subprocessorId,
        change: notice.change,
        summary: notice.summary.slice(0, 2000),
        effective_at: notice.effective,
      })),
    );
    return orgIds;
  }

  /** Alerts each org's webhook (`subprocessor.added|changed|removed`); call after the commit. */
  function send(orgIds: string[], change: NoticeChange, payload: Record<string, unknown>): void {
    for (const orgId of orgIds) deps.alert(orgId, `subprocessor.${change}`, payload);
  }

  /** The org's notices, newest first. */
  async function list(ctx: RequestContext, orgRef: string): Promise<NoticeView[]> {
    const a = await deps.orgs.access(ctx, orgRef);
    authorize(ctx, a, 'compliance.read');
    const rows = await store.noticesOf(deps.db, a.org.id, NOTICES_SHOWN);
    return rows.map((r) => ({
      ...r,
      effective_at: new Date(r.effective_at).toISOString(),
      created_at: r.created_at.toISOString(),
    }));
  }

  return { effectiveFrom, record, send, list };
}
