/**
 * @module gateway/server-messages
 * What each server message means for the session: which expectation it answers (so statements
 * get their command tag, row count and SQLSTATE), and the parameters the relay tracks. After an
 * ErrorResponse in the extended protocol the server skips to the next Sync, so the expectations
 * up to it are closed as skipped. A reply that fits no expectation (a server misbehaving, or one
 * missing fields) changes nothing and never throws.
 */
import type { Expectation } from './expectations.js';
import { BACKEND } from './protocol/codes.js';
import type { Frame } from './protocol/framing.js';
import { parseCommandTag, parseParameterStatus, sqlstateOf } from './protocol/parse.js';
import type { Session } from './session.js';

const isStatement = (e: Expectation | undefined): e is Extract<Expectation, { stmt: unknown }> =>
  e !== undefined && (e.k === 'query' || e.k === 'execute' || e.k === 'function');

/** Closes everything up to (not including) the next Sync, as the server skips it. */
function skipToSync(s: Session): void {
  for (let e = s.exp.peek(); e && e.k !== 'sync' && e.k !== 'query' && e.k !== 'local'; e = s.exp.peek()) {
    s.exp.shift();
    if (isStatement(e)) s.finish(e.stmt, true);
  }
}

export function onServerFrame(s: Session, f: Frame): void {
  const head = s.exp.peek();
  switch (f.type) {
    case BACKEND.CommandComplete: {
      if (!isStatement(head)) return;
      const { tag, rows } = parseCommandTag(f.body);
      head.stmt.tags.push(tag);
      if (rows !== null) head.stmt.rows = (head.stmt.rows ?? 0) + rows;
      if (head.k !== 'query') {
        s.exp.shift();
        s.finish(head.stmt);
      }
      return;
    }
    case BACKEND.EmptyQueryResponse:
    case BACKEND.PortalSuspended:
      if (head?.k === 'execute') {
        s.exp.shift();
        s.finish(head.stmt);
      }
      return;
    case BACKEND.ErrorResponse: {
      if (!head || head.k === 'sync' || head.k === 'local') return;
      if (isStatement(head)) head.stmt.sqlstate = sqlstateOf(f.body);
      if (head.k === 'query') return; // ReadyForQuery ends it
      s.exp.shift();
      if (isStatement(head)) s.finish(head.stmt);
      skipToSync(s);
      return;
    }
    case BACKEND.FunctionCallResponse:
      if (head?.k === 'function') {
        s.exp.shift();
        s.finish(head.stmt);
      }
      return;
    case BACKEND.ParseComplete:
      if (head?.k === 'parse') s.exp.shift();
      return;
    case BACKEND.BindComplete:
      if (head?.k === 'bind') s.exp.shift();
      return;
    case BACKEND.CloseComplete:
      if (head?.k === 'close') s.exp.shift();
      return;
    case BACKEND.NoData:
    case BACKEND.RowDescription:
      if (head?.k === 'describe') s.exp.shift();
      return;
    case BACKEND.ReadyForQuery:
      s.txStatus = f.body[0] ?? s.txStatus;
      if (head?.k === 'query') {
        s.exp.shift();
        s.finish(head.stmt);
      } else if (head?.k === 'sync') s.exp.shift();
      return;
    case BACKEND.ParameterStatus: {
      const p = parseParameterStatus(f.body);
      if (p) s.parameter(p.name, p.value);
      return;
    }
    default:
      return;
  }
}
