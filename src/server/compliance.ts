/**
 * @module server/compliance
 * Wires the compliance center: what its checks need to know about this Ward (TLS on the gateway
 * and the API, sign-in lockout, the regions' storage encryption judged live, each org's BAA as
 * the hipaa module judges it), alerts to the org's webhook, the periodic re-check of every HIPAA
 * org (`compliance_check_every`), which raises alerts for controls that stop holding and keeps
 * each day's snapshot; the signed report with what it quotes from elsewhere (the executed BAA,
 * the audit chain's latest signed checkpoint, the subprocessors); the opt-in badge and trust
 * page, and the operator's subprocessor list with its notice period (`subprocessor_notice_days`).
 */
import type { AccessServices } from '../access/index.js';
import { type AuditService, type Checkpointer, signedNoteOf } from '../audit/index.js';
import {
  type ComplianceService,
  createComplianceService,
  createPublicityService,
  createReportService,
  createSubprocessorService,
  type PublicityService,
  type RegionStorage,
  type ReportService,
  type SubprocessorService,
} from '../compliance/index.js';
import type { WardConfig } from '../config/index.js';
import type { Db } from '../db/index.js';
import { GATEWAY_TLS_MIN_VERSION } from '../gateway/index.js';
import { type BaaService, CURRENT_BAA_VERSION, type HipaaService } from '../hipaa/index.js';
import type { KeyService } from '../keys/index.js';
import type { Logger } from '../lib/logger.js';
import type { Signer } from '../lib/signing.js';
import { VERSION } from '../lib/version.js';
import type { OrgService } from '../orgs/index.js';
import type { RegionCatalog, StorageChecker } from '../regions/index.js';

export interface ComplianceParts {
  service: ComplianceService;
  reports: ReportService;
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
  hipaa: Pick<HipaaService, 'baaStanding'>;
  signer: Signer;
  checkpointer: Checkpointer;
  baa: Pick<BaaService, 'executedOf'>;
  /** Who issues reports: the business associate's legal name as last read. */
  issuer(): string;
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
    baaStanding: (org) => deps.hipaa.baaStanding(org),
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
  const reports = createReportService({
    db: deps.db,
    audit: deps.audit,
    orgs: deps.orgs,
    signer: deps.signer,
    evaluate: service.evaluate,
    sources: {
      issuer: deps.issuer,
      wardVersion: VERSION,
      subprocessors: (at) => subprocessors.inEffect(at),
      async baa(orgId) {
        const b = await deps.baa.executedOf(orgId);
        return b
          ? {
              id: b.id,
              template_version: b.template_version,
              current_template_version: CURRENT_BAA_VERSION,
              document_sha256: b.document_sha256,
              signed_by: `${b.signer_name}, ${b.signer_title}`,
              signed_at: b.signed_at.toISOString(),
              countersigned_by: b.countersigner_name
                ? `${b.countersigner_name}, ${b.countersigner_title ?? ''}`
                : null,
              countersigned_at: b.countersigned_at?.toISOString() ?? null,
            }
          : null;
      },
      async checkpoint(chain) {
        // Signed at the head first, so the report's checkpoint covers the chain as it stands;
        // when Ward cannot vouch for the head it signs nothing and the last good one is quoted.
        await deps.checkpointer
          .checkpoint(chain, true)
          .catch((err) => log.warn({ err, chain }, 'no fresh checkpoint for a compliance report'));
        const cp = await deps.checkpointer.latest(chain);
        return cp ? { ...cp, signed_note: signedNoteOf(deps.signer, cp) } : null;
      },
    },
  });
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  return {
    service,
    reports,
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
