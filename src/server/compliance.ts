/**
 * @module server/compliance
 * Wires the compliance center: what its checks need to know about this Ward (TLS on the gateway
 * and the API, sign-in lockout, the regions' storage encryption judged live), alerts to the org's
 * webhook, and the periodic re-check of every HIPAA org (`compliance_check_every`), which raises
 * alerts for controls that stop holding and keeps each day's snapshot; the opt-in badge and trust
 * page, and the operator's subprocessor list with its notice period (`subprocessor_notice_days`).
 */
import type { AccessServices } from '../access/index.js';
import type { AuditService } from '../audit/index.js';
import {
  type ComplianceService,
  createComplianceService,
  createPublicityService,
  createSubprocessorService,
  type PublicityService,
  type RegionStorage,
  type SubprocessorService,
} from '../compliance/index.js';
import type { WardConfig } from '../config/index.js';
import type { Db } from '../db/index.js';
import { GATEWAY_TLS_MIN_VERSION } from '../gateway/index.js';
import type { KeyService } from '../keys/index.js';
import type { Logger } from '../lib/logger.js';
import type { OrgService } from '../orgs/index.js';
import type { RegionCatalog, StorageChecker } from '../regions/index.js';

export interface ComplianceParts {
  service: ComplianceService;
  publicity: PublicityService;
  subprocessors: SubprocessorService;
  start(): void;
  stop(): Promise<void>;
}

export function wireCompliance(deps: {
  config: WardConfig;
  db: Db;
  audit: AuditService;
  keys: KeyService;
  orgs: OrgService;
  access: AccessServices;
  regions: RegionCatalog;
  storage: StorageChecker;
  log: Logger;
}): ComplianceParts {
  const { config } = deps;
  const log = deps.log.child({ component: 'compliance' });
  const alert = (orgId: string, name: string, payload: Record<string, unknown>) =>
    deps.access.alerts.send(orgId, name, payload);
  const service = createComplianceService({
    db: deps.db,
    audit: deps.audit,
    keys: deps.keys,
    orgs: deps.orgs,
    platform: {
      gatewayTlsMinVersion: GATEWAY_TLS_MIN_VERSION,
      gatewayRequiresTls: true,
      apiHost: config.host,
      apiTls: config.tls !== undefined,
      lockout: {
        maxFailures: config.lockout.max_failures,
        minutes: config.lockout.minutes,
        addressMaxFailures: config.lockout.address_max_failures,
      },
    },
    regions: () =>
      Promise.all(
        deps.regions.list().map(async (r): Promise<RegionStorage> => {
          const judged = await deps.storage.check(r);
          return {
            id: r.id,
            hipaa: r.type === 'hipaa',
            storage_encryption: r.storage_encryption,
            status: judged.state,
            detail: judged.detail,
          };
        }),
      ),
    alert,
    log,
  });
  const subprocessors = createSubprocessorService({
    db: deps.db,
    audit: deps.audit,
    orgs: deps.orgs,
    noticeDays: config.subprocessor_notice_days,
    alert,
  });
  const publicity = createPublicityService({
    db: deps.db,
    audit: deps.audit,
    orgs: deps.orgs,
    subprocessors: () => subprocessors.publicList(),
    evaluate: (orgId) => service.evaluate(orgId),
    log,
  });
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  return {
    service,
    publicity,
    subprocessors,
    start() {
      timer = setInterval(() => {
        running = running.then(() => service.checkAll());
      }, config.compliance_check_every);
      timer.unref();
    },
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
