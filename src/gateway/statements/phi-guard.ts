/**
 * @module gateway/statements/phi-guard
 * On HIPAA projects, schema changes whose names or comments look like PHI are refused before
 * they reach the server (SQLSTATE 42602). CREATE, ALTER and COMMENT statements are parsed with
 * PostgreSQL's own parser; every identifier they define or rename and every comment they set is
 * checked. Literal values elsewhere in the statement (defaults, checks) are data, not names, and
 * are left to the audit log's encryption.
 */
import { parseSync } from 'libpg-query';
import { findPhi, type PhiFinding } from '../../phi/index.js';

const CHECKED_COMMANDS = new Set(['CREATE', 'ALTER', 'COMMENT']);
/** AST fields that hold a name being defined or referenced, or a comment. */
const NAME_FIELDS = new Set([
  'relname',
  'colname',
  'schemaname',
  'idxname',
  'conname',
  'newname',
  'subname',
  'trigname',
  'policy_name',
  'aliasname',
  'typname',
  'seqname',
  'viewname',
  'comment',
  'name',
  'sval',
]);

export interface PhiRefusal {
  finding: PhiFinding;
  /** 'identifier' or 'comment'. */
  where: string;
}

function walk(node: unknown, key: string, found: (text: string, key: string) => boolean): boolean {
  if (typeof node === 'string') return NAME_FIELDS.has(key) && found(node, key);
  if (Array.isArray(node)) return node.some((n) => walk(n, key, found));
  if (node && typeof node === 'object') {
    for (const [k, v] of Object.entries(node)) {
      // Constants are data (a default value, a check), not names.
      if (k === 'A_Const') continue;
      if (walk(v, k === 'String' ? key : k, found)) return true;
    }
  }
  return false;
}

/** Whether `command` is one the guard inspects (so callers can skip the parser otherwise). */
export const needsPhiCheck = (command: string): boolean => CHECKED_COMMANDS.has(command);

/** The first PHI-looking name or comment in a DDL statement, or undefined. */
export function phiInSchemaChange(text: string): PhiRefusal | undefined {
  let tree: unknown;
  try {
    tree = parseSync(text);
  } catch {
    return undefined; // not valid SQL: the server refuses it with its own error
  }
  let refusal: PhiRefusal | undefined;
  walk(tree, '', (value, key) => {
    const finding = findPhi(value);
    if (finding) refusal = { finding, where: key === 'comment' ? 'comment' : 'identifier' };
    return refusal !== undefined;
  });
  return refusal;
}
