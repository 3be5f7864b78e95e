/**
 * @module hipaa
 * HIPAA enablement: plans, the business associate the operator names, the Business Associate
 * Agreement (render, sign, countersign, PDF) and the org's HIPAA switch.
 */

export { type BaaService, createBaaService } from './baa.service.js';
export { baaPdf } from './baa-pdf.js';
export type { BaaRecord, BaaStanding } from './baa-standing.js';
export { CURRENT_BAA_VERSION, renderBaa, sha256Hex } from './baa-template.js';
export {
  type BusinessAssociate,
  type BusinessAssociateService,
  createBusinessAssociate,
} from './business-associate.js';
export * as hipaaSchemas from './hipaa.schemas.js';
export {
  baaDocumentView,
  baaView,
  businessAssociateBody,
  businessAssociateView,
  countersignBaaBody,
  hipaaView,
  pendingBaaView,
  setHipaaBody,
  signBaaBody,
} from './hipaa.schemas.js';
export { createHipaaService, type HipaaService } from './hipaa.service.js';
export { HIPAA_PLAN, requireHipaaPlan } from './plans.js';
