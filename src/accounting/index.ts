/**
 * @module accounting
 * Accounting of access (issue 22, ADR 0038): subject keys (the columns that identify an
 * individual), the keyed tokens Ward keeps instead of identifiers, and the answers built from the
 * statement events: who read an individual's rows, and which of an org's candidates a person's
 * statements reached. The gateway matches subjects (gateway/subjects) with `planFor`.
 */

export { type AccessAccounting, createAccessAccounting } from './accesses.service.js';
export * as accountingSchemas from './accounting.schemas.js';
export { hmac128 } from './hmac.js';
export { createProjectAccess, type ProjectAccess } from './project-access.js';
export { accountingCsv, accountingPdf } from './report.js';
export {
  createSubjectService,
  type PlanColumn,
  type SubjectPlan,
  type SubjectService,
} from './subjects.service.js';
export {
  type CaseRule,
  normalizeSubject,
  packTokens,
  SUBJECT_KEY_PURPOSE,
  TOKEN_BYTES,
  type Tokenizer,
  tokenizer,
  unpackTokens,
} from './tokens.js';
