/**
 * @module evidence
 * What the audit log proves and how anyone checks it: the canonical form of an event and the
 * chain's links, RFC 6962 Merkle trees and proofs, signed checkpoints, verification of a chain or
 * of an exported file, the shapes the log is read in, and the check of a signed compliance report
 * (which quotes a checkpoint). Pure: no database and no server, so the
 * CLI and offline verifiers load it without the rest of Ward; `audit/` (the writer, the store,
 * checkpoints, sinks) builds on it.
 */
export {
  AUDIT_PAGE_MAX,
  type AuditEventView,
  auditEventId,
  auditEventList,
  auditEventView,
  exportQuery,
  type InclusionProofView,
  inclusionProofView,
  type ListAuditQuery,
  listAuditQuery,
  verifyBody,
  verifyReportView,
} from './audit.schemas.js';
export { canonicalize, constant } from './canonical.js';
export {
  type ChainedFields,
  canonicalEvent,
  canonicalEventAt,
  chainHash,
  GENESIS_HASH,
  linkHash,
  OPERATOR_CHAIN,
} from './chain.js';
export {
  type Checkpoint,
  checkpointFromRow,
  checkpointSignatureValid,
  signCheckpoint,
} from './checkpoints.js';
export {
  checkedCosignatures,
  newestQuorum,
  type QuorumCheckpoint,
  type StoredCosignature,
  type WitnessedCheckpoint,
} from './cosigned.js';
export {
  checkIncidentPacket,
  PACKET_TYPE,
  PACKET_VERSION,
  type PacketCheck,
  type PacketHead,
} from './incident-packet.js';
export {
  CompactRange,
  consistencyPath,
  EMPTY_ROOT,
  inclusionPath,
  leafHash,
  prefixedSubtrees,
  verifyConsistency,
} from './merkle.js';
export {
  addCheckpointRequest,
  type CheckpointBody,
  COSIGNATURE_V1,
  checkpointBody,
  cosign,
  cosignatureTime,
  ED25519,
  encodeVkey,
  formatNote,
  MAX_PROOF_LINES,
  type Note,
  NoteError,
  type NoteKeyType,
  type NoteSignature,
  type NoteVerifier,
  noteSignedBy,
  parseCheckpointBody,
  parseNote,
  parseSignatureLine,
  parseVkey,
  rawEd25519,
  signatureLine,
  signNote,
  validKeyName,
  verifierFor,
} from './note.js';
export {
  checkProof,
  checkpointsInFile,
  type ExportReport,
  verifyExportFile,
  type WitnessTrust,
} from './offline.js';
export {
  checkSignedReport,
  REPORT_TYPE,
  REPORT_VERSION,
  type ReportCheck,
  type ReportHead,
  type SignedReportFile,
} from './report.js';
export {
  checkEnvelope,
  type DocumentKind,
  type SignedDocument,
  type SignedFile,
  signDocument,
} from './signed-document.js';
export { type ChainRow, type VerifyReport, verifyChain } from './verify.js';
