/**
 * @module server/hipaa
 * Wires HIPAA enablement: the business associate (set at runtime, seeded from ward.yaml), the BAA
 * and HIPAA services, certificates of destruction, HIPAA project deletion (with its grace-period
 * sweep), org key administration and the storage-encryption check.
 */
import type { Logger } from 'pino';
import type { AuditService } from '../audit/index.js';
import { createCertificateService } from '../certificates/index.js';
import type { WardConfig } from '../config/index.js';
import type { DataPlaneProvider } from '../dataplane/index.js';
import type { Db } from '../db/index.js';
import { createBaaService, createBusinessAssociate, createHipaaService } from '../hipaa/index.js';
import type { HipaaEdge } from '../http/index.js';
import { createOrgKeys, type HsmService, type KeyService } from '../keys/index.js';
import type { Signer } from '../lib/signing.js';
import type { OrgService } from '../orgs/index.js';
import { createHipaaDeletion, type HipaaDeletion } from '../projects/index.js';
import { createStorageChecker } from '../regions/index.js';

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
  /** The org's root key in its own HSM (server/root-keys.ts). */
  hsm: HsmService;
  projectsDir: string;
  log: Logger;
}): HipaaParts {
  const { config, db, audit, orgs, keys, signer, dataplane } = deps;
  const businessAssociate = createBusinessAssociate({ db, audit, configured: config.business_associate });
  const baa = createBaaService({ db, audit, orgs, businessAssociate });
  const certificates = createCertificateService({ db, orgs, signer });
  const deletion = createHipaaDeletion({
    db,
    audit,
    dataplane,
    keys,
    orgs,
    certificates,
    signer,
    log: deps.log.child({ component: 'hipaa-deletion' }),
    settings: {
      graceMs: config.hipaa_deletion_grace,
      // Read at each certificate, so the operator's latest business associate issues it.
      get issuer() {
        return businessAssociate.lastKnown()?.legal_name ?? 'The operator of this Ward installation';
      },
    },
  });
  return {
    edge: {
      businessAssociate,
      baa,
      hipaa: createHipaaService({ db, audit, orgs, baa }),
      certificates,
      keys: createOrgKeys({ db, keys, orgs }),
      hsm: deps.hsm,
      storage: createStorageChecker({
        dataDir: deps.projectsDir,
        projects: {
          support: () => dataplane.encryptionSupport(),
          async dirsIn(regionId) {
            const rows = await db
              .selectFrom('projects')
              .select(['id', 'name'])
              .where('region_id', '=', regionId)
              .where('status', 'in', ['running', 'pending_deletion'])
              .execute();
            return Promise.all(
              rows.map(async (p) => ({ name: p.name, encryption: await dataplane.diskEncryption(p.id) })),
            );
          },
        },
      }),
    },
    deletion: {
      ...deletion,
      // The issuer's name is read without waiting: load the stored one before the first sweep.
      start: async () => {
        await businessAssociate.current();
        await deletion.start();
      },
    },
  };
}
