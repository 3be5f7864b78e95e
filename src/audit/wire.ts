/**
 * @module audit/wire
 * The parts of the audit log around its service, built once for the composition root: signed
 * checkpoints, the reader (pages, verification, proofs, export), sinks and their delivery,
 * witnesses and their cosigning, retention, and Ward's own verification of every chain twice a day. `start` and `stop` run the background work in the order the log needs: partitions
 * exist before anything is appended to next month, and the checkpointer signs last.
 */
import type { Db } from '../db/index.js';
import type { Logger } from '../lib/logger.js';
import type { Signer } from '../lib/signing.js';
import { createAuditAccess, type OrgLookup } from './audit.access.js';
import { createAuditReader } from './audit.reads.js';
import type { AuditService } from './audit.service.js';
import { type CheckpointRefusal, createCheckpointer } from './checkpointer.js';
import { createAuditMaintenance } from './maintenance.js';
import type { Sealer } from './seal.js';
import { createSinkDelivery } from './sinks/delivery.js';
import type { SinkSecrets } from './sinks/secrets.js';
import { createSinkService, fileSinkCheckpoints } from './sinks/sinks.service.js';
import { createChainVerifier } from './verifications.js';
import { createCosigner, type WitnessRefusal } from './witnesses/cosigner.js';
import { witnessMetrics } from './witnesses/metrics.js';
import { createWitnessService } from './witnesses/witnesses.service.js';

export interface AuditSettings {
  checkpointEveryEvents: number;
  checkpointEveryMs: number;
}

export function wireAudit(deps: {
  db: Db;
  audit: AuditService;
  keys: SinkSecrets;
  signer: Signer;
  sealer: Sealer;
  orgs: OrgLookup;
  sinksDir: string;
  log: Logger;
  settings: AuditSettings;
  /** Raises a refused checkpoint where the org's people see it (the alert webhook). */
  alert?: (refusal: CheckpointRefusal) => void;
  /** Raises a witness's refusal the same way. */
  witnessAlert?: (refusal: WitnessRefusal) => void;
}) {
  const { db, audit, keys, signer, sinksDir } = deps;
  const log = deps.log.child({ component: 'audit' });
  const checkpointer = createCheckpointer({
    db,
    signer,
    sealer: deps.sealer,
    audit,
    alert: deps.alert,
    log,
    policy: { everyEvents: deps.settings.checkpointEveryEvents, everyMs: deps.settings.checkpointEveryMs },
  });
  const delivery = createSinkDelivery({
    db,
    keys,
    signer,
    sinksDir,
    log: deps.log.child({ component: 'audit-sinks' }),
    audit,
  });
  const maintenance = createAuditMaintenance({ db, audit, log });
  const witnesses = createWitnessService({ db, audit, signer, newest: checkpointer.latest });
  const cosigner = createCosigner({
    db,
    signer,
    audit,
    log: deps.log.child({ component: 'audit-witnesses' }),
    newest: checkpointer.latest,
    alert: deps.witnessAlert,
  });
  const reader = createAuditReader({
    db,
    audit,
    signer,
    sealer: deps.sealer,
    checkpointer,
    heldElsewhere: (chain) => fileSinkCheckpoints(db, sinksDir, chain),
    witnessed: (chain) => witnesses.evidence(chain),
  });
  const verifier = createChainVerifier({ db, verify: (chain) => reader.verify(chain), log });
  return {
    checkpointer,
    delivery,
    maintenance,
    witnesses,
    cosigner,
    /** Prometheus gauges of how far witnessing is behind. */
    metrics: witnessMetrics(db, witnesses),
    sinks: createSinkService({ db, audit, keys, sinksDir }),
    reader,
    verifier,
    access: createAuditAccess({ orgs: deps.orgs }),
    /** `sealsIntroduced`: this start applied migration 0063 (see checkpointer.adoptUnsealed). */
    async start(opts: { sealsIntroduced?: boolean } = {}): Promise<void> {
      await maintenance.ensurePartitions();
      maintenance.start();
      if (opts.sealsIntroduced) await checkpointer.adoptUnsealed();
      checkpointer.start();
      delivery.start();
      cosigner.start();
      verifier.start();
    },
    /** After every writer of events stopped. */
    async stop(): Promise<void> {
      await verifier.stop();
      await audit.drain();
      await checkpointer.stop();
      await cosigner.stop();
      await delivery.stop();
      maintenance.stop();
    },
  };
}

export type AuditParts = ReturnType<typeof wireAudit>;
