/**
 * @module http/routes/hipaa-edge
 * Registers the routes of HIPAA enablement (HIPAA and BAA, the business associate, keys,
 * certificates of destruction, regions with their storage-encryption check) from one set of services, so the app wires them
 * in one line.
 */
import type { FastifyInstance } from 'fastify';
import type { CertificateService } from '../../certificates/index.js';
import type { BaaService, BusinessAssociateService, HipaaService } from '../../hipaa/index.js';
import type { HsmService, OrgKeys } from '../../keys/index.js';
import type { RegionCatalog, StorageChecker } from '../../regions/index.js';
import { certificateRoutes } from './certificates.js';
import { hipaaRoutes } from './hipaa.js';
import { businessAssociateRoutes } from './hipaa-business-associate.js';
import { keyRoutes } from './keys.js';
import { hsmRoutes } from './keys-hsm.js';
import { regionRoutes } from './regions.js';

export interface HipaaEdge {
  hipaa: HipaaService;
  baa: BaaService;
  businessAssociate: BusinessAssociateService;
  certificates: CertificateService;
  keys: OrgKeys;
  hsm: HsmService;
  storage: StorageChecker;
}

export function installHipaaRoutes(app: FastifyInstance, deps: HipaaEdge, regions: RegionCatalog): void {
  regionRoutes(app, regions, deps.storage);
  hipaaRoutes(app, deps);
  businessAssociateRoutes(app, deps.businessAssociate);
  keyRoutes(app, deps.keys);
  hsmRoutes(app, deps.hsm);
  certificateRoutes(app, deps.certificates);
}
