/**
 * @module server/hipaa
 * Wires HIPAA enablement: the BAA and HIPAA services, certificates of destruction, HIPAA project
 * deletion (with its grace-period sweep), org key administration and the storage-encryption check.
 */
import type { Logger } from 'pino';
import type { AuditService } from '../audit/audit.service.js';
import { createCertificateService } from '../certificates/certificates.service.js';
import type { WardConfig } from '../config/config.js';
import type { DataPlaneProvider } from '../dataplane/provider.js';
import type { Db } from '../db/pool.js';
import { createBaaService } from '../hipaa/baa.service.js';
import { createHipaaService } from '../hipaa/hipaa.service.js';
import type { HipaaEdge } from '../http/routes/hipaa-edge.js';
import type { KeyService } from '../keys/keys.service.js';
import { createOrgKeys } from '../keys/org-keys.js';
import type { Signer } from '../keys/signing.js';
import type { OrgService } from '../orgs/orgs.service.js';
import { createHipaaDeletion, type HipaaDeletion } from '../projects/hipaa-deletion.js';
import { createStorageChecker } from '../regions/storage-encryption.js';

export interface HipaaParts {
  edge: HipaaEdge;
  deletion: HipaaDeletion;
}

export function wireHipaa(deps: {
  config: WardConfig;
  db: Db;
  audit: AuditService;
  orgs: OrgService;
  keys: KeyService;
  signer: Signer;
  dataplane: DataPlaneProvider;
  projectsDir: string;
  log: Logger;
}): HipaaParts {
  const { config, db, audit, orgs, keys, signer, dataplane } = deps;
  const baa = createBaaService({ db, audit, orgs, businessAssociate: config.business_associate });
  return {
    edge: {
      baa,
      hipaa: createHipaaService({ db, audit, orgs, baa }),
      certificates: createCertificateService({ db, orgs, signer }),
      keys: createOrgKeys({ db, keys, orgs }),
      storage: createStorageChecker({ dataDir: deps.projectsDir }),
    },
    deletion: createHipaaDeletion({
      db,
      audit,
      dataplane,
      keys,
      signer,
      log: deps.log.child({ component: 'hipaa-deletion' }),
      settings: {
        graceMs: config.hipaa_deletion_grace,
        issuer: config.business_associate?.legal_name ?? 'The operator of this Ward installation',
      },
    }),
  };
}
