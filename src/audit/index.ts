/**
 * @module audit
 * The tamper-evident audit log: the action vocabulary, the service every change goes through
 * and its writer, and (wired by `wireAudit`) checkpoints, reads, sinks and retention. The log's
 * format and its checks (hashing, proofs, verification) are `evidence/`, below it.
 */
export {
  AUDIT_ACTION_NAMES,
  AUDIT_ACTIONS,
  type AuditAction,
  type AuditPayloads,
  type AuditTarget,
  type Outcome,
} from './actions.js';
export { type AuditAccess, createAuditAccess, type OrgLookup } from './audit.access.js';
export { type AuditReader, createAuditReader, type VerifiedChain } from './audit.reads.js';
export { type AuditService, AuditWriteError, createAuditService, type EventSpec } from './audit.service.js';
export { decodeBatch } from './batch-codec.js';
export {
  type BatchedEvent,
  type BatchRow,
  batchedEventById,
  decodedBatch,
  keysOf,
} from './batches.db.js';
export { type Checkpointer, type CheckpointRefusal, createCheckpointer } from './checkpointer.js';
export { AUDIT_RETENTION, type AuditMaintenance, createAuditMaintenance } from './maintenance.js';
export {
  type CommitObserver,
  type CommittedEvent,
  chainHeads,
  committedAfter,
} from './observer.js';
export { createSealer, SEALS_MIGRATION, type Sealer, sealerFor } from './seal.js';
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
export type { ChainVerifier } from './verifications.js';
export { type AuditParts, type AuditSettings, wireAudit } from './wire.js';
export { type Cosigner, createCosigner, type WitnessRefusal } from './witnesses/cosigner.js';
export { logOrigin, logVkey, signedNoteOf } from './witnesses/origin.js';
export {
  type AddWitnessBody,
  addWitnessBody,
  logKeyView,
  quorumBody,
  type WitnessStatus,
  type WitnessView,
  witnessStatusView,
  witnessView,
} from './witnesses/witnesses.schemas.js';
export {
  createWitnessService,
  type WitnessEvidence,
  type WitnessService,
} from './witnesses/witnesses.service.js';
