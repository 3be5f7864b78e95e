/**
 * @module gateway/client-messages
 * What each client message does to the session, after the startup phase. Query and Execute (and
 * the rare FunctionCall) are statements: each gets a `db.statement` event and an expectation
 * for its outcome. Parse remembers the text (sealed once) for the Executes that follow; Bind
 * only links a portal to it (parameter values are never read). On HIPAA projects, schema changes
 * whose names or comments look like PHI are refused here, before the server sees them.
 * Returns whether to forward the message.
 * https://www.postgresql.org/docs/current/protocol-message-formats.html
 */
import { errorMessage, GatewayError } from './errors.js';
import type { Statement } from './expectations.js';
import { readyForQuery } from './protocol/build.js';
import { FRONTEND, SQLSTATE } from './protocol/codes.js';
import { type Frame, ProtocolError } from './protocol/framing.js';
import { parseBind, parseExecute, parseParse, parseTarget, queryText } from './protocol/parse.js';
import { MAX_PREPARED, type Session } from './session.js';
import type { StatementInfo } from './statements/normalizer.js';
import { needsPhiCheck, phiInSchemaChange } from './statements/phi-guard.js';

const UNKNOWN: StatementInfo = { normalized: '', fingerprint: '', command: '' };

function phiRefusal(s: Session, info: StatementInfo, text: Buffer): GatewayError | undefined {
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

function expect(s: Session, e: Parameters<Session['exp']['push']>[0]): void {
  if (!s.exp.push(e)) throw new ProtocolError('too many messages sent without waiting for replies');
}

function started(s: Session, stmt: Statement): Statement {
  s.busy++;
  return stmt;
}

export function onClientFrame(s: Session, f: Frame): boolean {
  switch (f.type) {
    case FRONTEND.Query: {
      if (s.discarding) return false;
      const text = queryText(f.body);
      const info = s.env.normalizer.describe(s.decode(text), s.standardStrings);
      const refused = phiRefusal(s, info, text);
      const stmt = s.statement('simple', info, text, refused);
      if (refused) {
        expect(s, {
          k: 'local',
          tag: stmt.seq,
          bytes: () => Buffer.concat([errorMessage('ERROR', refused), readyForQuery(s.txStatus)]),
        });
        s.replyWhenDue();
        return false;
      }
      expect(s, { k: 'query', stmt: started(s, stmt) });
      return true;
    }
    case FRONTEND.Parse: {
      if (s.discarding) return false;
      const { name, text } = parseParse(f.body);
      const info = s.env.normalizer.describe(s.decode(text), s.standardStrings);
      const refused = phiRefusal(s, info, text);
      if (refused) {
        const stmt = s.statement('extended', info, text, refused);
        expect(s, { k: 'local', tag: stmt.seq, bytes: () => errorMessage('ERROR', refused) });
        s.discarding = true;
        s.replyWhenDue();
        return false;
      }
      if (!s.prepared.has(name) && s.prepared.size >= MAX_PREPARED)
        throw new ProtocolError(`more than ${MAX_PREPARED} prepared statements in one session`);
      s.prepared.set(name, { info, text: s.seal(text) });
      expect(s, { k: 'parse' });
      return true;
    }
    case FRONTEND.Bind: {
      if (s.discarding) return false;
      const { portal, statement } = parseBind(f.body);
      if (!s.portals.has(portal) && s.portals.size >= MAX_PREPARED)
        throw new ProtocolError(`more than ${MAX_PREPARED} portals in one session`);
      s.portals.set(portal, s.prepared.get(statement));
      expect(s, { k: 'bind' });
      return true;
    }
    case FRONTEND.Execute: {
      if (s.discarding) return false;
      const p = s.portals.get(parseExecute(f.body).portal);
      const stmt = s.statement('extended', p?.info ?? UNKNOWN, p?.text);
      expect(s, { k: 'execute', stmt: started(s, stmt) });
      return true;
    }
    case FRONTEND.FunctionCall: {
      if (s.discarding) return false;
      const oid = f.body.length >= 4 ? f.body.readUInt32BE(0) : 0;
      const info = { normalized: `<function call ${oid}>`, fingerprint: '', command: 'FUNCTION' };
      expect(s, { k: 'function', stmt: started(s, s.statement('function', info, undefined)) });
      return true;
    }
    case FRONTEND.Describe:
      if (s.discarding) return false;
      parseTarget(f.body, 'Describe message');
      expect(s, { k: 'describe' });
      return true;
    case FRONTEND.Close: {
      if (s.discarding) return false;
      const t = parseTarget(f.body, 'Close message');
      if (t.kind === 'S') s.prepared.delete(t.name);
      else s.portals.delete(t.name);
      expect(s, { k: 'close' });
      return true;
    }
    case FRONTEND.Sync:
      s.discarding = false;
      expect(s, { k: 'sync' });
      return true;
    case FRONTEND.Flush:
    case FRONTEND.CopyData:
    case FRONTEND.CopyDone:
    case FRONTEND.CopyFail:
    case FRONTEND.Terminate:
      return true;
    default:
      throw new ProtocolError(`unexpected message type '${String.fromCharCode(f.type)}' after startup`);
  }
}
