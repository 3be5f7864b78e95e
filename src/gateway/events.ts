/**
 * @module gateway/events
 * The audit events of database sessions: `db.connect`, `db.statement` (when a statement
 * arrives), `db.statement.result` (its outcome) and `db.disconnect`. A successful outcome not yet
 * written when the session's next statement arrives travels in that statement's event instead
 * (`details.previous`), so a session that runs statement after statement writes one event for
 * each; an error, a skipped statement, or an outcome with nothing after it within a few
 * milliseconds gets its own `db.statement.result`. Statement text appears only
 * normalized (literals removed); the raw text only sealed (dbaccess/statement-text.ts). Error
 * messages from the server are never recorded: they can quote values. See docs/audit-events.md.
 */
import { unpackTokens } from '../accounting/index.js';
import type { EventSpec } from '../audit/index.js';
import { constant } from '../evidence/index.js';
import { newEventId } from '../lib/ids.js';
import { outcomeDetailsText, statementDetailsText } from './event-text.js';
import type { Statement } from './expectations.js';
import type { StatementInfo } from './statements/normalizer.js';
import { BULK_READ_SUBJECTS } from './subjects/statement-subjects.js';

export interface SessionInfo {
  sid: string;
  projectId: string;
  projectName: string;
  orgId: string;
  orgName: string;
  userId: string;
  login: string;
  dbRole: string;
  projectRole: 'owner' | 'readwrite' | 'readonly';
  tls: string | null;
  hipaa: boolean;
  delivery: 'sync' | 'async';
  method: 'scram' | 'token';
  credentialId: string | null;
  tokenId: string | null;
  startedAt: number;
}

export type Protocol = 'simple' | 'extended' | 'function';

/** Raw text, sealed, and the id events use to refer to it. */
export interface SealedText {
  id: number;
  sealed: Buffer;
  bytes: number;
  /** Whether an event already carried the ciphertext (later events refer to it by id). */
  recorded: boolean;
}

const MAX_STATEMENT_CHARS = 8_000;

/** One target per session, made constant so its canonical text is computed once. */
const targets = new WeakMap<SessionInfo, { type: 'project'; id: string; name: string }>();
function target(s: SessionInfo) {
  let t = targets.get(s);
  if (!t) {
    t = constant({ type: 'project' as const, id: s.projectId, name: s.projectName });
    targets.set(s, t);
  }
  return t;
}

/** A statement's outcome, as `db.statement.result` records it. */
export type StatementOutcome = EventSpec<'db.statement.result'>['details'];

export function statementEvent(
  s: SessionInfo,
  stmt: Statement,
  protocol: Protocol,
  info: StatementInfo,
  text: SealedText | undefined,
  refused?: { sqlstate: string; reason: string },
  previous?: StatementOutcome,
): EventSpec<'db.statement'> {
  const carry = text !== undefined && !text.recorded;
  if (text) text.recorded = true;
  const subj = stmt.subj;
  let id: string | undefined;
  let named: Buffer | undefined;
  if (subj && !refused) {
    // Its outcome may carry returned subjects and points back here by this id.
    id = newEventId();
    subj.eventId = id;
    if (subj.named.size > 0) named = subj.tokens(subj.named);
  }
  const spec: EventSpec<'db.statement'> = {
    action: 'db.statement',
    chain: s.orgId,
    target: target(s),
    outcome: refused ? 'denied' : 'success',
    details: {
      session_id: s.sid,
      seq: stmt.seq,
      protocol,
      // A refused statement's names may be the PHI it was refused for: only its sealed text stays.
      statement: refused ? null : info.normalized.slice(0, MAX_STATEMENT_CHARS),
      ...(!refused && info.normalized.length > MAX_STATEMENT_CHARS ? { statement_truncated: true } : {}),
      fingerprint: refused ? null : info.fingerprint,
      command: info.command,
      text_id: text?.id ?? null,
      ...(carry && text ? { text_sealed: text.sealed.toString('base64'), text_bytes: text.bytes } : {}),
      tls: s.tls,
      ...(refused ? { refused } : {}),
      ...(previous ? { previous } : {}),
    },
  };
  // Added after the literal, not spread into it: a spread of a maybe-empty object costs a
  // statement several microseconds.
  if (id) spec.id = id;
  if (named && subj) {
    spec.subjectTokens = unpackTokens(named);
    spec.details.subjects = { named: named.toString('base64'), count: subj.named.size, role: s.projectRole };
  }
  // Its details' canonical text, written directly (gateway/event-text) for the audit writer.
  spec.detailsText = statementDetailsText(spec.details);
  return spec;
}

/**
 * What an outcome says about the subjects its rows returned (`uncovered_rows`, `subjects`,
 * `bulk_read`), added to its details; the tokens to index go on the event spec. Assigned, not
 * spread: this runs for every statement of a project with subject keys.
 */
function addReturnedSubjects(s: SessionInfo, stmt: Statement, spec: EventSpec<'db.statement.result'>): void {
  const subj = stmt.subj;
  if (!subj) return;
  const d = spec.details;
  if (subj.returnedRows) d.uncovered_rows = subj.uncoveredRows;
  const count = subj.returned.size;
  if (count === 0) return;
  const tokens = subj.tokens(subj.returned);
  d.subjects = { returned: tokens.toString('base64'), count, role: s.projectRole };
  if (subj.eventId) d.subjects.statement_id = subj.eventId;
  if (subj.wasTruncated) d.subjects.truncated = true;
  if (count >= BULK_READ_SUBJECTS) {
    d.bulk_read = true;
    d.subject_count = count;
  }
  spec.subjectTokens = unpackTokens(tokens);
}

const SUCCESS_CLASSES = new Set(['00', '01', '02']);

export function resultEvent(
  s: SessionInfo,
  stmt: Statement,
  now: number,
  skipped = false,
): EventSpec<'db.statement.result'> {
  const failed = stmt.sqlstate !== null && !SUCCESS_CLASSES.has(stmt.sqlstate.slice(0, 2));
  const spec: EventSpec<'db.statement.result'> = {
    action: 'db.statement.result',
    chain: s.orgId,
    target: target(s),
    outcome: failed || skipped ? 'failure' : 'success',
    details: {
      session_id: s.sid,
      seq: stmt.seq,
      command_tag: stmt.tags.join('; ').slice(0, 200),
      rows: stmt.rows,
      duration_ms: Math.round((now - stmt.startedAt) * 1000) / 1000,
      sqlstate: stmt.sqlstate ?? (skipped ? null : '00000'),
      ...(skipped ? { skipped: true } : {}),
    },
  };
  addReturnedSubjects(s, stmt, spec);
  spec.detailsText = outcomeDetailsText(spec.details);
  return spec;
}

export function connectEvent(s: SessionInfo, textKey: Buffer): EventSpec<'db.connect'> {
  return {
    action: 'db.connect',
    chain: s.orgId,
    target: target(s),
    details: {
      session_id: s.sid,
      login: s.login,
      method: s.method,
      credential_id: s.credentialId,
      token_id: s.tokenId,
      db_role: s.dbRole,
      project_role: s.projectRole,
      tls: s.tls,
      audit_delivery: s.delivery,
      text_key: textKey.toString('base64'),
    },
  };
}

export function refusedConnectEvent(
  chain: string,
  projectId: string | null,
  details: { login: string; database: string; reason: string; tls: string | null },
): EventSpec<'db.connect'> {
  return {
    action: 'db.connect',
    chain,
    outcome: 'denied',
    target: { type: 'project', id: projectId ?? 'unknown', name: details.database },
    details: { ...details, session_id: null },
  };
}

export function disconnectEvent(
  s: SessionInfo,
  reason: string,
  statements: number,
  now: number,
): EventSpec<'db.disconnect'> {
  return {
    action: 'db.disconnect',
    chain: s.orgId,
    target: target(s),
    details: { session_id: s.sid, reason, statements, duration_ms: Math.round(now - s.startedAt) },
  };
}
