/**
 * @module audit
 * The tamper-evident audit log: the action vocabulary, the hash chain, and the service every
 * change goes through.
 */
export {
  AUDIT_ACTION_NAMES,
  AUDIT_ACTIONS,
  type AuditAction,
  type AuditTarget,
  type Outcome,
} from './actions.js';
export { type AuditService, AuditWriteError, createAuditService, type EventSpec } from './audit.service.js';
export { canonicalEvent, chainHash, GENESIS_HASH, OPERATOR_CHAIN } from './chain.js';
