/**
 * @module gateway/client-messages
 * What each client message does to the session, after the startup phase. Query and Execute (and
 * the rare FunctionCall) are statements: each gets a `db.statement` event and an expectation
 * for its outcome. Parse remembers the text (sealed once) for the Executes that follow; Bind
 * only links a portal to it (parameter values are never read). On HIPAA projects, schema changes
 * whose names or comments look like PHI are refused here, before the server sees them.
 * Each handler changes only the relay's state (relay-state.ts) and returns what the session does
 * with the message: forward it, drop it, or drop it and send the gateway's own reply when due.
 * https://www.postgresql.org/docs/current/protocol-message-formats.html
 */
import { errorMessage, GatewayError } from './errors.js';
import type { Expectation, Statement } from './expectations.js';
import { readyForQuery } from './protocol/build.js';
import { FRONTEND, SQLSTATE } from './protocol/codes.js';
import { type Frame, ProtocolError } from './protocol/framing.js';
import { parseBind, parseExecute, parseParse, parseTarget, queryText } from './protocol/parse.js';
import type { RelayState } from './relay-state.js';
import type { Captured } from './statements/lexer.js';
import type { StatementInfo } from './statements/normalizer.js';
import { needsPhiCheck, phiInSchemaChange } from './statements/phi-guard.js';
import { bindSubjects, executeSubjects, parseLiterals, querySubjects } from './subjects/client.js';

const UNKNOWN: StatementInfo = { normalized: '', fingerprint: '', command: '' };
/** Prepared statements, and portals, one session may hold at once. */
export const MAX_PREPARED = 20_000;

/** Send the message on to the server. */
export const FORWARD = 0;
/** Drop the message (the server would have skipped it). */
export const DROP = 1;
/** Drop the message: the gateway answers it itself, once everything before it is answered. */
export const REPLY = 2;
export type ClientAction = typeof FORWARD | typeof DROP | typeof REPLY;

function phiRefusal(s: RelayState, info: StatementInfo, text: Buffer): GatewayError | undefined {
  if (!s.info.hipaa || !needsPhiCheck(info.command)) return undefined;
  const found = phiInSchemaChange(s.decode(text));
  if (!found) return undefined;
  return new GatewayError(
    SQLSTATE.invalid_name,
    `identifiers and comments must not hold PHI: this ${found.where} looks like ${found.finding.looksLike}`,
    'Name tables, columns and other objects for what they hold, not for whom, and keep patient details in rows; this project is a HIPAA project.',
    `phi_${found.finding.kind}`,
  );
}

function expect(s: RelayState, e: Expectation): void {
  if (!s.exp.push(e)) throw new ProtocolError('too many messages sent without waiting for replies');
}

function started(s: RelayState, stmt: Statement): Statement {
  s.busy++;
  return stmt;
}

export function onClientFrame(s: RelayState, f: Frame): ClientAction {
  switch (f.type) {
    case FRONTEND.Query: {
      if (s.discarding) return DROP;
      const text = queryText(f.body);
      // With subject keys the lexer keeps the literals as it normalizes (a predicate may name one).
      const captured: Captured | undefined = s.subjects ? { raw: [], base: 0 } : undefined;
      const info = s.normalizer.describe(s.decode(text), s.standardStrings, captured);
      const refused = phiRefusal(s, info, text);
      const subj =
        s.subjects && captured && !refused
          ? querySubjects(s.subjects, info, captured, s.standardStrings)
          : undefined;
      const stmt = s.statement('simple', info, text, refused, subj);
      if (refused) {
        expect(s, {
          k: 'local',
          tag: stmt.seq,
          bytes: () => Buffer.concat([errorMessage('ERROR', refused), readyForQuery(s.txStatus)]),
        });
        return REPLY;
      }
      expect(s, { k: 'query', stmt: started(s, stmt) });
      return FORWARD;
    }
    case FRONTEND.Parse: {
      if (s.discarding) return DROP;
      const { name, text } = parseParse(f.body);
      const captured: Captured | undefined = s.subjects ? { raw: [], base: 0 } : undefined;
      const info = s.normalizer.describe(s.decode(text), s.standardStrings, captured);
      const refused = phiRefusal(s, info, text);
      if (refused) {
        const stmt = s.statement('extended', info, text, refused);
        expect(s, { k: 'local', tag: stmt.seq, bytes: () => errorMessage('ERROR', refused) });
        s.discarding = true;
        return REPLY;
      }
      if (!s.prepared.has(name) && s.prepared.size >= MAX_PREPARED)
        throw new ProtocolError(`more than ${MAX_PREPARED} prepared statements in one session`);
      const lits =
        s.subjects && captured ? parseLiterals(s.subjects, info, captured, s.standardStrings) : undefined;
      s.prepared.set(name, lits ? { info, text: s.seal(text), lits } : { info, text: s.seal(text) });
      expect(s, { k: 'parse' });
      return FORWARD;
    }
    case FRONTEND.Bind: {
      if (s.discarding) return DROP;
      const { portal, statement } = parseBind(f.body);
      if (!s.portals.has(portal) && s.portals.size >= MAX_PREPARED)
        throw new ProtocolError(`more than ${MAX_PREPARED} portals in one session`);
      s.portals.set(portal, s.prepared.get(statement));
      if (s.subjects) bindSubjects(s, s.subjects, portal, statement, f.body);
      expect(s, { k: 'bind' });
      return FORWARD;
    }
    case FRONTEND.Execute: {
      if (s.discarding) return DROP;
      const name = parseExecute(f.body).portal;
      const p = s.portals.get(name);
      const subj = s.subjects ? executeSubjects(s.subjects, s, name, p?.info) : undefined;
      const stmt = s.statement('extended', p?.info ?? UNKNOWN, p?.text, undefined, subj);
      expect(s, { k: 'execute', stmt: started(s, stmt) });
      return FORWARD;
    }
    case FRONTEND.FunctionCall: {
      if (s.discarding) return DROP;
      const oid = f.body.length >= 4 ? f.body.readUInt32BE(0) : 0;
      const info = { normalized: `<function call ${oid}>`, fingerprint: '', command: 'FUNCTION' };
      expect(s, { k: 'function', stmt: started(s, s.statement('function', info, undefined)) });
      return FORWARD;
    }
    case FRONTEND.Describe: {
      if (s.discarding) return DROP;
      const t = parseTarget(f.body, 'Describe message');
      if (!s.subjects) expect(s, { k: 'describe' });
      else if (t.kind === 'P') expect(s, { k: 'describe', portal: s.portalSubjects.get(t.name) });
      else expect(s, { k: 'describe', prepared: s.prepared.get(t.name) });
      return FORWARD;
    }
    case FRONTEND.Close: {
      if (s.discarding) return DROP;
      const t = parseTarget(f.body, 'Close message');
      if (t.kind === 'S') s.prepared.delete(t.name);
      else {
        s.portals.delete(t.name);
        s.portalSubjects.delete(t.name);
      }
      expect(s, { k: 'close' });
      return FORWARD;
    }
    case FRONTEND.Sync:
      s.discarding = false;
      expect(s, { k: 'sync' });
      return FORWARD;
    case FRONTEND.Flush:
    case FRONTEND.CopyData:
    case FRONTEND.CopyDone:
    case FRONTEND.CopyFail:
    case FRONTEND.Terminate:
      return FORWARD;
    default:
      throw new ProtocolError(`unexpected message type '${String.fromCharCode(f.type)}' after startup`);
  }
}
