/**
 * @module compliance
 * The compliance center: the controls catalog, live checks, attestations, decisions on
 * addressable specifications, scores and their daily history; the signed auditor's report; the
 * opt-in public badge and trust page; the operator's subprocessor list and the notices orgs are
 * sent about it.
 */
export { CATALOG, type Control, findControl, SAFEGUARD_TITLES, type Safeguard } from './catalog.js';
export { CHECK_IDS, type PlatformFacts, type RegionStorage } from './checks/index.js';
export * as complianceSchemas from './compliance.schemas.js';
export {
  attestBody,
  type ComplianceView,
  type ControlView,
  complianceView,
  controlId,
  controlView,
  decideBody,
} from './compliance.schemas.js';
export { type ComplianceService, createComplianceService, type Posture } from './compliance.service.js';
export * as publicitySchemas from './publicity.schemas.js';
export { createPublicityService, type PublicityService, publicPaths } from './publicity.service.js';
export type {
  ComplianceReportDocument,
  ReportBaa,
  ReportCheckpoint,
  ReportSubprocessor,
} from './report/report.js';
export { reportId, reportSummary, signedReportView } from './report/report.schemas.js';
export { createReportService, type ReportService, type ReportSources } from './report/report.service.js';
export { earliestEffective } from './subprocessor-notices.js';
export { createSubprocessorService, type SubprocessorService } from './subprocessors.service.js';
export { renderTrustPage, TRUST_PAGE_CSP } from './trust-page-html.js';
