/**
 * @module audit
 * The tamper-evident audit log: the action vocabulary, the hash chain, the service every change
 * goes through, and (wired by `wireAudit`) checkpoints, reads, sinks and retention.
 */
export {
  AUDIT_ACTION_NAMES,
  AUDIT_ACTIONS,
  type AuditAction,
  type AuditTarget,
  type Outcome,
} from './actions.js';
export { type AuditAccess, createAuditAccess, type OrgLookup } from './audit.access.js';
export { type AuditReader, createAuditReader } from './audit.reads.js';
export {
  AUDIT_PAGE_MAX,
  AUDIT_RETENTION,
  auditEventId,
  auditEventList,
  auditEventView,
  exportQuery,
  type InclusionProofView,
  inclusionProofView,
  listAuditQuery,
  verifyBody,
  verifyReportView,
} from './audit.schemas.js';
export { type AuditService, AuditWriteError, createAuditService, type EventSpec } from './audit.service.js';
export { canonicalize, constant } from './canonical.js';
export { canonicalEvent, chainHash, GENESIS_HASH, OPERATOR_CHAIN } from './chain.js';
export { type Checkpointer, createCheckpointer } from './checkpointer.js';
export { type AuditMaintenance, createAuditMaintenance } from './maintenance.js';
export { checkProof, verifyExportFile } from './offline.js';
export { createSinkDelivery, type SinkDelivery } from './sinks/delivery.js';
export type { SecretScope, SinkSecrets } from './sinks/secrets.js';
export {
  createdSink,
  createSinkBody,
  type SinkView,
  sinkView,
  updateSinkBody,
} from './sinks/sinks.schemas.js';
export { createSinkService, fileSinkCheckpoints, type SinkService } from './sinks/sinks.service.js';
export type { VerifyReport } from './verify.js';
export { type AuditParts, type AuditSettings, wireAudit } from './wire.js';
