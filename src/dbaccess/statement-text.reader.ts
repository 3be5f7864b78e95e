/**
 * @module dbaccess/statement-text.reader
 * The break-glass read of a statement's raw text: an org owner names a `db.statement` event and
 * says why; Ward finds the session's wrapped key (its `db.connect` event) and the event that
 * carried the ciphertext (the session's first with that `text_id`), opens them with the
 * project's key and returns the text. The read is recorded (`db.statement.text.read`, with the
 * reason, never the text) in the same transaction before the text is returned: if the event cannot
 * be written, nothing is read. A refused or failed attempt is recorded too (`audit.mutate`).
 */
import { sql } from 'kysely';
import {
  type AuditService,
  type BatchedEvent,
  type BatchRow,
  batchedEventById,
  decodedBatch,
  keysOf,
} from '../audit/index.js';
import type { Tx } from '../db/index.js';
import type { KeyService } from '../keys/index.js';
import type { RequestContext } from '../lib/context.js';
import { conflict, invalid, notFound } from '../lib/errors.js';
import type { OrgService } from '../orgs/index.js';
import { authorize } from '../policy/index.js';
import type { StatementTextView } from './dbaccess.schemas.js';
import { openStatement, sessionKeyAad } from './statement-text.js';

interface Stored {
  seq: number;
  time: Date;
  actor_id: string | null;
  action: string;
  project_id: string | null;
  body: string;
}

/** A stored event with the details of its hashed record, parsed once. */
interface Row extends Stored {
  details: { session_id?: unknown; text_id?: unknown; text_sealed?: unknown; text_key?: unknown };
}

const parsed = (r: Stored): Row => ({ ...r, details: JSON.parse(r.body).details ?? {} });

/** How a member of the canonical body is spelt: a cheap pre-filter, confirmed on the parsed body. */
const member = (key: string, value: string | number) => `"${key}":${JSON.stringify(value)}`;

/** How far a session's event times may run backwards (a clock stepped back) and still be found at once. */
const CLOCK_SLACK_MS = 10 * 60_000;

interface ScanQuery {
  chain: string;
  actor: string;
  action: string;
  /** Exclusive bounds by seq; the times of the events at them, where known. */
  after: { seq: number; time?: Date };
  before: { seq: number; time: Date };
  fragments: string[];
  /** Confirms a row on its parsed details (the fragments are a cheap pre-filter). */
  matches(r: Row): boolean;
}

/** Times to look between first (the events near the ones that bound the search). */
interface Near {
  from?: Date;
  to: Date;
}

/** A batched event (audit/batches.db) as a stored row of this reader. */
function fromBatch(e: BatchedEvent): Row {
  const r = e.record;
  return {
    seq: e.seq,
    time: new Date(r.time),
    ...keysOf(r),
    action: r.action,
    body: e.body.toString('utf8'),
    details: (r.details ?? {}) as Row['details'],
  };
}

/**
 * The query's rows from both tables of the log (events stored one a row, and batches of the
 * gateway's), in seq order, `order` way, at most `limit` of each table; and `covered`, the seq up to
 * which (in that order) every event was looked at, or null when the whole range was.
 */
async function rows(
  tx: Tx,
  q: ScanQuery,
  near: Near | undefined,
  order: 'asc' | 'desc',
  limit?: number,
): Promise<{ found: Row[]; covered: number | null }> {
  const dir = order === 'asc' ? sql`ASC` : sql`DESC`;
  const cap = limit ? sql`LIMIT ${limit}` : sql``;
  const single = [
    sql`chain_id = ${q.chain}`,
    sql`actor_id = ${q.actor}`,
    sql`action = ${q.action}`,
    sql`seq > ${q.after.seq}`,
    sql`seq < ${q.before.seq}`,
    ...(near ? [sql`time <= ${near.to}`] : []),
    ...(near?.from ? [sql`time >= ${near.from}`] : []),
    ...q.fragments.map((f) => sql`strpos(body, ${f}) > 0`),
  ];
  const batched = [
    sql`chain_id = ${q.chain}`,
    sql`${q.actor} = ANY(actor_ids)`,
    sql`${q.action} = ANY(actions)`,
    sql`last_seq > ${q.after.seq}`,
    sql`first_seq < ${q.before.seq}`,
    ...(near ? [sql`time_from <= ${near.to}`] : []),
    ...(near?.from ? [sql`time_to >= ${near.from}`] : []),
    ...q.fragments.map((f) => sql`position(convert_to(${f}, 'UTF8') IN payload) > 0`),
  ];
  const [a, b] = await Promise.all([
    sql<Stored>`
      SELECT seq, time, actor_id, action, project_id, body FROM audit_events
       WHERE ${sql.join(single, sql` AND `)} ORDER BY seq ${dir} ${cap}`.execute(tx),
    sql<BatchRow & { last_seq: string | number }>`
      SELECT first_seq, last_seq, payload, seal FROM audit_batches
       WHERE ${sql.join(batched, sql` AND `)} ORDER BY first_seq ${dir} ${cap}`.execute(tx),
  ]);
  const bounds: number[] = [];
  if (limit && a.rows.length === limit) bounds.push(Number(a.rows[a.rows.length - 1]?.seq));
  const lastBatch = b.rows[b.rows.length - 1];
  if (limit && lastBatch && b.rows.length === limit)
    bounds.push(Number(order === 'asc' ? lastBatch.last_seq : lastBatch.first_seq));
  const covered = bounds.length ? (order === 'asc' ? Math.min(...bounds) : Math.max(...bounds)) : null;
  const within = (seq: number) =>
    seq > q.after.seq &&
    seq < q.before.seq &&
    (covered === null || (order === 'asc' ? seq <= covered : seq >= covered));
  const found = [
    ...a.rows.map(parsed),
    ...b.rows
      .flatMap(decodedBatch)
      .map(fromBatch)
      .filter(
        (r) =>
          r.actor_id === q.actor &&
          r.action === q.action &&
          (!near || (r.time <= near.to && (!near.from || r.time >= near.from))) &&
          q.fragments.every((f) => r.body.includes(f)),
      ),
  ]
    .filter((r) => within(Number(r.seq)))
    .sort((x, y) => (order === 'asc' ? x.seq - y.seq : y.seq - x.seq));
  return { found, covered };
}

/**
 * The one event of an actor's, of `action`, between two events of the chain, that holds every
 * fragment and matches (a session's db.connect, or the event that carried a text: there is one
 * each). Looked for first among those whose time lies from CLOCK_SLACK_MS before `after`'s time
 * to CLOCK_SLACK_MS after `before`'s: that is a range of the (chain_id, actor_id, time, seq)
 * index (and of the batches' time index), where seq alone would walk the whole chain between the
 * two. A session's events come from one process in seq order, so they lie there unless its clock
 * stepped back further; then the rest is searched by seq, a page at a time.
 */
async function findBetween(tx: Tx, q: ScanQuery, order: 'asc' | 'desc'): Promise<Row | undefined> {
  const shifted = (t: Date, ms: number) => new Date(t.getTime() + ms);
  const near: Near = {
    to: shifted(q.before.time, CLOCK_SLACK_MS),
    ...(q.after.time ? { from: shifted(q.after.time, -CLOCK_SLACK_MS) } : {}),
  };
  const hit = (await rows(tx, q, near, order)).found.find(q.matches);
  if (hit) return hit;
  let bound = order === 'asc' ? q.after.seq : q.before.seq;
  for (;;) {
    const page = await rows(
      tx,
      order === 'asc' ? { ...q, after: { seq: bound } } : { ...q, before: { ...q.before, seq: bound } },
      undefined,
      order,
      100,
    );
    const found = page.found.find(q.matches);
    if (found || page.covered === null) return found;
    bound = page.covered;
  }
}

export function createStatementTextReader(deps: { audit: AuditService; keys: KeyService; orgs: OrgService }) {
  const { audit, keys, orgs } = deps;

  async function findEvent(tx: Tx, chain: string, eventId: string): Promise<Row> {
    const single = await tx
      .selectFrom('audit_events')
      .select(['seq', 'time', 'actor_id', 'action', 'project_id', 'body'])
      .where('chain_id', '=', chain)
      .where('id', '=', eventId)
      .executeTakeFirst();
    const batched = single ? undefined : await batchedEventById(tx, chain, eventId);
    const row = single ? parsed(single) : batched ? fromBatch(batched) : undefined;
    if (!row) throw notFound(`no audit event '${eventId}' in this organization`);
    if (row.action !== 'db.statement')
      throw invalid(
        `event '${eventId}' is a ${row.action} event; only db.statement events have a statement text`,
      );
    return row;
  }

  /** The session's key and where the session starts: its db.connect event (before the statement, same actor). */
  async function sessionKey(
    tx: Tx,
    chain: string,
    stmt: Row,
    sid: string,
  ): Promise<{ key: Buffer; from: Row }> {
    const connect = await findBetween(
      tx,
      {
        chain,
        actor: stmt.actor_id ?? '',
        action: 'db.connect',
        after: { seq: 0 },
        before: stmt,
        fragments: [member('session_id', sid)],
        matches: (r) => r.details.session_id === sid,
      },
      'desc',
    );
    const wrapped = connect?.details.text_key;
    if (!connect || typeof wrapped !== 'string')
      throw notFound(
        `the db.connect event of session ${sid} is missing, so its statement texts cannot be opened`,
      );
    return {
      key: await keys.decrypt(Buffer.from(wrapped, 'base64'), sessionKeyAad(sid), tx),
      from: connect,
    };
  }

  /** The ciphertext of text `textId`: on the statement itself, or on the session's first event with that text. */
  async function sealedText(
    tx: Tx,
    chain: string,
    stmt: Row,
    session: { sid: string; from: Row },
    textId: number,
  ): Promise<Buffer> {
    const { sid } = session;
    const own = stmt.details.text_sealed;
    if (typeof own === 'string') return Buffer.from(own, 'base64');
    const carrier = await findBetween(
      tx,
      {
        chain,
        actor: stmt.actor_id ?? '',
        action: 'db.statement',
        after: session.from,
        before: stmt,
        fragments: [member('session_id', sid), member('text_id', textId), '"text_sealed":'],
        matches: ({ details: d }) =>
          d.session_id === sid && d.text_id === textId && typeof d.text_sealed === 'string',
      },
      'asc',
    );
    const sealed = carrier?.details.text_sealed;
    if (typeof sealed !== 'string')
      throw notFound(`the event that carried text ${textId} of session ${sid} is missing`);
    return Buffer.from(sealed, 'base64');
  }

  /** Opens the raw text of `eventId` (a db.statement event of `orgRef`) for an owner, recorded with `reason`. */
  async function read(
    ctx: RequestContext,
    orgRef: string,
    eventId: string,
    reason: string,
  ): Promise<StatementTextView> {
    const access = await orgs.access(ctx, orgRef);
    const chain = access.org.id;
    return audit.mutate(
      ctx,
      {
        action: 'db.statement.text.read',
        chain,
        target: { type: 'audit_chain', id: chain },
        details: { event_id: eventId, session_id: null, text_id: null, reason },
      },
      async (tx, draft) => {
        authorize(ctx, access, 'db.text.read');
        const stmt = await findEvent(tx, chain, eventId);
        const d = stmt.details;
        const sid = typeof d.session_id === 'string' ? d.session_id : '';
        const textId = typeof d.text_id === 'number' ? d.text_id : null;
        draft.target = { type: 'project', id: stmt.project_id ?? 'unknown' };
        draft.details.session_id = sid;
        draft.details.text_id = textId;
        if (textId === null) throw notFound(`statement event '${eventId}' kept no text`);
        const { key, from } = await sessionKey(tx, chain, stmt, sid);
        const sealed = await sealedText(tx, chain, stmt, { sid, from }, textId);
        let text: Buffer;
        try {
          text = openStatement(sid, key, textId, sealed);
        } catch {
          throw conflict(
            `the sealed text of event '${eventId}' does not open: it was altered, or sealed under another key; run \`ward audit verify\``,
          );
        }
        return {
          event_id: eventId,
          session_id: sid,
          text_id: textId,
          project_id: stmt.project_id ?? '',
          text: text.toString('utf8'),
          bytes: text.length,
        };
      },
    );
  }

  return { read };
}
