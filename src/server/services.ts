/**
 * @module server/services
 * What a started Ward hands back: its domain services, for the edges and for tests that drive
 * them directly, and how to stop it. Built by the composition root (server/ward.ts).
 */
import type { FastifyInstance } from 'fastify';
import type { AccessServices } from '../access/index.js';
import type { AlertingParts } from '../alerting/index.js';
import type {
  AuditMaintenance,
  AuditReader,
  AuditService,
  Checkpointer,
  SinkDelivery,
  SinkService,
} from '../audit/index.js';
import type { BackupParts } from '../backups/index.js';
import type { DataPlaneProvider } from '../dataplane/index.js';
import type { Db } from '../db/index.js';
import type { IdentityService } from '../identity/index.js';
import type { IncidentParts } from '../incidents/index.js';
import type { KeyService } from '../keys/index.js';
import type { Signer } from '../lib/signing.js';
import type { OrgService } from '../orgs/index.js';
import type { ProjectService } from '../projects/index.js';
import type { AccountingParts } from './accounting.js';
import type { ComplianceParts } from './compliance.js';
import type { GatewayParts } from './gateway.js';
import type { HipaaParts } from './hipaa.js';
import type { WardHome } from './home.js';
import type { RootKeyParts } from './root-keys.js';

/** The domain services of a running Ward, for the edges and for tests that drive them directly. */
export interface Services {
  audit: AuditService;
  identity: IdentityService;
  access: AccessServices;
  orgs: OrgService;
  projects: ProjectService;
  keys: KeyService;
  rootKeys: RootKeyParts;
  signer: Signer;
  hipaa: HipaaParts;
  compliance: ComplianceParts['service'];
  complianceReports: ComplianceParts['reports'];
  /** Alert rules over the audit stream: evaluator, delivery, service. */
  alerting: AlertingParts;
  publicity: ComplianceParts['publicity'];
  /** The subprocessor list; `inEffect(at)` is what the compliance report lists. */
  subprocessors: ComplianceParts['subprocessors'];
  checkpointer: Checkpointer;
  /** Subject keys and the accounting of access. */
  accounting: AccountingParts;
  auditReader: AuditReader;
  incidents: IncidentParts;
  sinks: SinkService;
  delivery: SinkDelivery;
  maintenance: AuditMaintenance;
  gateway: GatewayParts;
  backups: BackupParts;
  dataplane: DataPlaneProvider;
  db: Db;
}

export interface RunningWard {
  url: string;
  home: WardHome;
  app: FastifyInstance;
  /** The operator's one-time password when this start created the account. */
  initialAdminPassword?: string;
  services: Services;
  stop(): Promise<void>;
}
