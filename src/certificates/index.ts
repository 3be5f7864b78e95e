/**
 * @module certificates
 * Signed certificates of destruction for HIPAA projects.
 */
export {
  CERTIFICATE_TYPE,
  type DestructionFacts,
  issueCertificate,
  verifyCertificate,
} from './certificate.js';
export * as certificateSchemas from './certificates.schemas.js';
export { certificateRef, certificateSummary, certificateView } from './certificates.schemas.js';
export { type CertificateService, createCertificateService } from './certificates.service.js';
