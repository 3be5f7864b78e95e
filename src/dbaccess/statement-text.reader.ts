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
import type { AuditService } from '../audit/audit.service.js';
import type { Tx } from '../db/pool.js';
import type { KeyService } from '../keys/keys.service.js';
import type { RequestContext } from '../lib/context.js';
import { conflict, invalid, notFound } from '../lib/errors.js';
import type { OrgService } from '../orgs/orgs.service.js';
import { authorize } from '../policy/policy.js';
import type { StatementTextView } from './dbaccess.schemas.js';
import { openStatement, sessionKeyAad } from './statement-text.js';

interface Stored {
  seq: number;
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

/** Rows of one actor's events of `action` in the chain, after `afterSeq` and before `beforeSeq`, holding every fragment. */
async function scan(
  tx: Tx,
  q: {
    chain: string;
    actor: string;
    action: string;
    afterSeq: number;
    beforeSeq: number;
    fragments: string[];
  },
  order: 'asc' | 'desc',
  limit: number,
): Promise<Row[]> {
  const holds = q.fragments.map((f) => sql`strpos(body, ${f}) > 0`);
  const { rows } = await sql<Stored>`
    SELECT seq, actor_id, action, project_id, body FROM audit_events
     WHERE chain_id = ${q.chain} AND actor_id = ${q.actor} AND action = ${q.action}
       AND seq > ${q.afterSeq} AND seq < ${q.beforeSeq} AND ${sql.join(holds, sql` AND `)}
     ORDER BY seq ${order === 'asc' ? sql`ASC` : sql`DESC`} LIMIT ${limit}`.execute(tx);
  return rows.map(parsed);
}

export function createStatementTextReader(deps: { audit: AuditService; keys: KeyService; orgs: OrgService }) {
  const { audit, keys, orgs } = deps;

  async function findEvent(tx: Tx, chain: string, eventId: string): Promise<Row> {
    const row = await tx
      .selectFrom('audit_events')
      .select(['seq', 'actor_id', 'action', 'project_id', 'body'])
      .where('chain_id', '=', chain)
      .where('id', '=', eventId)
      .executeTakeFirst();
    if (!row) throw notFound(`no audit event '${eventId}' in this organization`);
    if (row.action !== 'db.statement')
      throw invalid(
        `event '${eventId}' is a ${row.action} event; only db.statement events have a statement text`,
      );
    return parsed(row);
  }

  /** The session's key and where the session starts: its db.connect event (before the statement, same actor). */
  async function sessionKey(
    tx: Tx,
    chain: string,
    stmt: Row,
    sid: string,
  ): Promise<{ key: Buffer; from: number }> {
    const [connect] = (
      await scan(
        tx,
        {
          chain,
          actor: stmt.actor_id ?? '',
          action: 'db.connect',
          afterSeq: 0,
          beforeSeq: stmt.seq,
          fragments: [member('session_id', sid)],
        },
        'desc',
        8,
      )
    ).filter((r) => r.details.session_id === sid);
    const wrapped = connect?.details.text_key;
    if (!connect || typeof wrapped !== 'string')
      throw notFound(
        `the db.connect event of session ${sid} is missing, so its statement texts cannot be opened`,
      );
    return {
      key: await keys.decrypt(Buffer.from(wrapped, 'base64'), sessionKeyAad(sid), tx),
      from: connect.seq,
    };
  }

  /** The ciphertext of text `textId`: on the statement itself, or on the session's first event with that text. */
  async function sealedText(
    tx: Tx,
    chain: string,
    stmt: Row,
    session: { sid: string; from: number },
    textId: number,
  ): Promise<Buffer> {
    const { sid } = session;
    const own = stmt.details.text_sealed;
    if (typeof own === 'string') return Buffer.from(own, 'base64');
    let after = session.from;
    for (;;) {
      const rows = await scan(
        tx,
        {
          chain,
          actor: stmt.actor_id ?? '',
          action: 'db.statement',
          afterSeq: after,
          beforeSeq: stmt.seq,
          fragments: [member('session_id', sid), member('text_id', textId), '"text_sealed":'],
        },
        'asc',
        100,
      );
      for (const { details: d } of rows) {
        if (d.session_id === sid && d.text_id === textId && typeof d.text_sealed === 'string')
          return Buffer.from(d.text_sealed, 'base64');
      }
      const last = rows[rows.length - 1];
      if (!last) throw notFound(`the event that carried text ${textId} of session ${sid} is missing`);
      after = last.seq;
    }
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
