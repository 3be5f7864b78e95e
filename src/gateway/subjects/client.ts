/**
 * @module gateway/subjects/client
 * What client messages mean for subjects, in sessions of projects that declare subject keys (the
 * handlers in client-messages.ts call these only then): a Query's subjects from its literals, a
 * Parse's literals kept when a comparison with a key may use them, a Bind's parameters read for
 * the comparisons its statement makes, an Execute's subjects from its portal.
 */
import type { RelayState } from '../relay-state.js';
import type { Captured } from '../statements/lexer.js';
import type { StatementInfo } from '../statements/normalizer.js';
import type { SessionSubjects } from './session-subjects.js';
import { namedValues, StatementSubjects } from './statement-subjects.js';
import { parseBindValues } from './values.js';

/**
 * A Query's subjects. `captured`: the literals the normalizer's lexer kept while it normalized the
 * text (so the text is lexed once); a text it already knew by heart had none.
 */
export function querySubjects(
  session: SessionSubjects,
  info: StatementInfo,
  captured: Captured,
  standardStrings: boolean,
) {
  const r = session.resolve(info);
  const subj = new StatementSubjects(session, r.copy);
  if (r.equalities.length > 0)
    subj.named = namedValues(r.equalities, session, { ...captured, standardStrings }, undefined);
  return subj;
}

/**
 * The Parse text's literals, when its statement compares a key with something: `captured` is what
 * the normalizer's lexer kept as it normalized the text (lexed once, as for a Query).
 */
export function parseLiterals(
  session: SessionSubjects,
  info: StatementInfo,
  captured: Captured,
  standardStrings: boolean,
) {
  // Without literals (a text with $n only, the usual Parse) every value comes from the Bind.
  if (captured.raw.length === 0) return undefined;
  return session.resolve(info).equalities.length > 0 ? { ...captured, standardStrings } : undefined;
}

export function bindSubjects(
  s: RelayState,
  session: SessionSubjects,
  portal: string,
  statement: string,
  body: Buffer,
): void {
  const prepared = s.prepared.get(statement);
  const bind = parseBindValues(body);
  const r = prepared ? session.resolve(prepared.info) : undefined;
  const named = r?.equalities.length
    ? namedValues(r.equalities, session, prepared?.lits, bind)
    : new Set<string>();
  s.portalSubjects.set(portal, {
    named,
    resultFormats: bind?.resultFormats ?? [],
    statementDescription: () => prepared?.desc,
  });
}

export function executeSubjects(
  session: SessionSubjects,
  s: RelayState,
  portal: string,
  info: StatementInfo | undefined,
) {
  const p = s.portalSubjects.get(portal) ?? { named: new Set<string>(), resultFormats: [] };
  return new StatementSubjects(session, info ? session.resolve(info).copy : undefined, p);
}
