/**
 * @module gateway/server-messages
 * What each server message means for the session: which expectation it answers (so statements
 * get their command tag, row count and SQLSTATE), and the parameters the relay tracks. After an
 * ErrorResponse in the extended protocol the server skips to the next Sync, so the expectations
 * up to it are closed as skipped. A reply that fits no expectation (a server misbehaving, or one
 * missing fields) changes nothing and never throws. Handlers change only the relay's state
 * (relay-state.ts); the one thing they ask of the session is to end, when a server parameter
 * leaves the relay unable to work (they return why).
 */
import type { GatewayError } from './errors.js';
import type { Expectation } from './expectations.js';
import { BACKEND } from './protocol/codes.js';
import type { Frame } from './protocol/framing.js';
import { parseCommandTag, parseParameterStatus, sqlstateOf } from './protocol/parse.js';
import type { RelayState } from './relay-state.js';

const isStatement = (e: Expectation | undefined): e is Extract<Expectation, { stmt: unknown }> =>
  e !== undefined && (e.k === 'query' || e.k === 'execute' || e.k === 'function');

/** Closes everything up to (not including) the next Sync, as the server skips it. */
function skipToSync(s: RelayState): void {
  for (let e = s.exp.peek(); e && e.k !== 'sync' && e.k !== 'query' && e.k !== 'local'; e = s.exp.peek()) {
    s.exp.shift();
    if (isStatement(e)) s.finish(e.stmt, true);
  }
}

/** Applies a server message to the relay's state; returns why the session must end, if it must. */
export function onServerFrame(s: RelayState, f: Frame): GatewayError | undefined {
  const head = s.exp.peek();
  switch (f.type) {
    case BACKEND.CommandComplete: {
      if (!isStatement(head)) break;
      const { tag, rows } = parseCommandTag(f.body);
      head.stmt.subj?.resultDone(tag, rows);
      head.stmt.tags.push(tag);
      if (rows !== null) head.stmt.rows = (head.stmt.rows ?? 0) + rows;
      if (head.k !== 'query') {
        s.exp.shift();
        s.finish(head.stmt);
      }
      break;
    }
    case BACKEND.EmptyQueryResponse:
    case BACKEND.PortalSuspended:
      if (head?.k === 'execute') {
        s.exp.shift();
        s.finish(head.stmt);
      }
      break;
    case BACKEND.ErrorResponse: {
      if (!head || head.k === 'sync' || head.k === 'local') break;
      if (isStatement(head)) head.stmt.sqlstate = sqlstateOf(f.body);
      if (head.k === 'query') break; // ReadyForQuery ends it
      s.exp.shift();
      if (isStatement(head)) s.finish(head.stmt);
      skipToSync(s);
      break;
    }
    case BACKEND.FunctionCallResponse:
      if (head?.k === 'function') {
        s.exp.shift();
        s.finish(head.stmt);
      }
      break;
    case BACKEND.ParseComplete:
      if (head?.k === 'parse') s.exp.shift();
      break;
    case BACKEND.BindComplete:
      if (head?.k === 'bind') s.exp.shift();
      break;
    case BACKEND.CloseComplete:
      if (head?.k === 'close') s.exp.shift();
      break;
    case BACKEND.NoData:
      if (head?.k === 'describe') {
        if (head.portal) head.portal.plan = null;
        s.exp.shift();
      }
      break;
    case BACKEND.RowDescription:
      if (head?.k === 'describe') {
        if (head.portal) head.portal.plan = s.subjects?.describe(f.body) ?? null;
        else if (head.prepared && s.subjects) head.prepared.desc = Buffer.from(f.body);
        s.exp.shift();
      } else if (head?.k === 'query') head.stmt.subj?.rowDescription(f.body);
      break;
    // Only sessions of projects with subject keys track subjects; for others these are no work.
    case BACKEND.DataRow:
      if (head !== undefined && (head.k === 'query' || head.k === 'execute')) head.stmt.subj?.dataRow(f.body);
      break;
    case BACKEND.CopyOutResponse:
      if (head !== undefined && (head.k === 'query' || head.k === 'execute'))
        head.stmt.subj?.copyOutStarted();
      break;
    case BACKEND.CopyData:
      if (head !== undefined && (head.k === 'query' || head.k === 'execute'))
        head.stmt.subj?.copyData(f.body);
      break;
    case BACKEND.ReadyForQuery:
      s.txStatus = f.body[0] ?? s.txStatus;
      if (head?.k === 'query') {
        s.exp.shift();
        s.finish(head.stmt);
      } else if (head?.k === 'sync') s.exp.shift();
      break;
    case BACKEND.ParameterStatus: {
      const p = parseParameterStatus(f.body);
      return p ? s.parameter(p.name, p.value) : undefined;
    }
    default:
      break;
  }
  return undefined;
}
