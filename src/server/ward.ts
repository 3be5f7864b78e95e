/**
 * @module server/ward
 * The composition root: builds every service from the settings, starts the edges, and stops
 * them in order (HTTP first, then in-flight provisioning, then project clusters, then the
 * control database).
 */

import { unlink } from 'node:fs/promises';
import type { FastifyInstance } from 'fastify';
import { type AccessServices, createAccessServices } from '../access/index.js';
import { type AlertingParts, wireAlerting } from '../alerting/index.js';
import {
  type AuditMaintenance,
  type AuditReader,
  type AuditService,
  type Checkpointer,
  createAuditService,
  SEALS_MIGRATION,
  type SinkDelivery,
  type SinkService,
  sealerFor,
  wireAudit,
} from '../audit/index.js';
import { archiveCommand, type BackupParts, prepareBackupPaths } from '../backups/index.js';
import type { WardConfig } from '../config/index.js';
import type { DataPlaneProvider } from '../dataplane/index.js';
import { findPgBinaries } from '../dataplane/local/index.js';
import type { Db } from '../db/index.js';
import { OPERATOR_CHAIN } from '../evidence/index.js';
import { type AppDeps, buildApp, DEFAULT_CONSOLE_DIR } from '../http/index.js';
import { createIdentityService, type IdentityService } from '../identity/index.js';
import { type IncidentParts, wireIncidents } from '../incidents/index.js';
import {
  createFileKeystore,
  createKeyService,
  createRootKeystores,
  createRootKeyUses,
  findRootKey,
  type KeyService,
} from '../keys/index.js';
import { SYSTEM } from '../lib/context.js';
import { writeFileAtomic } from '../lib/fs.js';
import type { Logger } from '../lib/logger.js';
import { currentUser, isRoot, serviceUser } from '../lib/os-user.js';
import { loadSigner, type Signer } from '../lib/signing.js';
import { VERSION } from '../lib/version.js';
import { createOrgService, type OrgService } from '../orgs/index.js';
import { createClusterEvents, type ProjectService, wireProjects } from '../projects/index.js';
import { createRegionCatalog } from '../regions/index.js';
import { httpsCertificate } from '../tls/index.js';
import { type AccountingParts, wireAccounting } from './accounting.js';
import { wireBackupParts } from './backups.js';
import { type ComplianceParts, wireCompliance } from './compliance.js';
import { openControlDatabase } from './control-db.js';
import { wireDataPlane } from './dataplane.js';
import { type GatewayParts, wireGateway } from './gateway.js';
import { type HipaaParts, wireHipaa } from './hipaa.js';
import { prepareHome, type WardHome } from './home.js';
import { type RootKeyParts, wireRootKeys } from './root-keys.js';

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

export async function startWard(config: WardConfig, log: Logger): Promise<RunningWard> {
  const service = await serviceUser(config.service_user);
  const wardUser = await currentUser();
  const runAs = { user: service, switching: isRoot() && service.uid !== 0 };
  const home = await prepareHome(config.home, service);
  for (const dir of home.traverseGranted)
    log.warn(
      { dir, user: service.name },
      'granted search permission (ACL u:<user>:x) so PostgreSQL can reach WARD_HOME',
    );
  const bin = await findPgBinaries(config.pg_bin);

  // Each domain is built by one call, in the order of their layers (docs/architecture.md).
  const control = await openControlDatabase(config, { root: home.control, bin, runAs, wardUser, log });
  const db = control.app;
  const signer = await loadSigner(home.keys);
  const sealer = sealerFor(signer);
  const audit = createAuditService({ db, sealer });
  const uses = createRootKeyUses({ audit, log: log.child({ component: 'root-keys' }) });
  const roots = createRootKeystores(await createFileKeystore(home.keys));
  const keys = createKeyService({ db, roots, audit, onRootUse: uses.count });
  const identity = createIdentityService({
    db,
    audit,
    keys,
    settings: {
      sessionTtlMinutes: config.session_ttl_minutes,
      lockout: {
        maxFailures: config.lockout.max_failures,
        minutes: config.lockout.minutes,
        addressMaxFailures: config.lockout.address_max_failures,
      },
    },
  });
  const orgs = createOrgService({
    db,
    audit,
    identity,
    hasOwnRootKey: async (tx, orgId) => (await findRootKey(tx, orgId)) !== undefined,
  });
  const access = createAccessServices({
    db,
    audit,
    keys,
    orgs,
    identity,
    log: log.child({ component: 'access' }),
  });
  const auditParts = wireAudit({
    db,
    audit,
    keys,
    signer,
    sealer,
    orgs,
    sinksDir: home.sinks,
    log,
    alert: (refusal) =>
      refusal.chain === OPERATOR_CHAIN
        ? undefined
        : access.alerts.send(refusal.chain, 'audit.checkpoint.refuse', { ...refusal }),
    witnessAlert: (refusal) =>
      refusal.chain === OPERATOR_CHAIN
        ? undefined
        : access.alerts.send(refusal.chain, 'audit.witness.refuse', { ...refusal }),
    settings: {
      checkpointEveryEvents: config.audit.checkpoint_every_events,
      checkpointEveryMs: config.audit.checkpoint_every_seconds * 1000,
    },
  });
  const alerting = wireAlerting({
    db,
    audit,
    orgs,
    webhook: (org, alert, payload) => access.alerts.deliver(org, alert, payload),
    smtp: config.smtp,
    home: home.root,
    log,
  });
  const regions = createRegionCatalog(config.regions);
  const plane = await wireDataPlane({
    config,
    db,
    keys,
    projectsDir: home.projects,
    encrypted: home.encrypted,
    bin,
    runAs,
    wardUser,
    clusterEvents: createClusterEvents({ db, audit, log: log.child({ component: 'projects' }) }),
    // Bound late: the paths are prepared next, before any cluster is configured.
    archiveCommand: (id) => archiveCommand(backupPaths, id),
    log,
  });
  const dataplane = plane.dataplane;
  const backupPaths = await prepareBackupPaths(home.root, dataplane.clusterUser);
  // Every org's HSM keystore opens here, before anything unwraps an org key.
  const rootKeys = await wireRootKeys({
    config,
    db,
    audit,
    keys,
    uses,
    orgs,
    access,
    dataplane,
    regions,
    log,
  });
  const hipaa = wireHipaa({
    config,
    db,
    audit,
    orgs,
    keys,
    signer,
    dataplane,
    hsm: rootKeys.service,
    projectsDir: home.projects,
    log,
  });
  const projects = wireProjects({
    db,
    audit,
    orgs,
    regions,
    dataplane,
    hipaaDeletion: hipaa.deletion,
    rootKeyProblem: (orgId) => keys.roots.problemOf(orgId),
    log,
    // Bound late: backups are wired below, and nothing is provisioned before start-up ends.
    afterStart: (p) => backups.repos.ensureStanza(p),
  });
  const compliance = wireCompliance({
    config,
    db,
    audit,
    keys,
    orgs,
    access,
    regions,
    storage: hipaa.edge.storage,
    hipaa: hipaa.edge.hipaa,
    signer,
    checkpointer: auditParts.checkpointer,
    baa: hipaa.edge.baa,
    issuer: () =>
      hipaa.edge.businessAssociate.lastKnown()?.legal_name ?? 'The operator of this Ward installation',
    log,
  });
  const accounting = wireAccounting({ db, audit, keys, orgs, dataplane });
  const gateway = wireGateway({
    config,
    home,
    log,
    db,
    audit,
    identity,
    keys,
    orgs,
    dataplane,
    subjectPlans: accounting.subjects.planFor,
  });
  const incidents = wireIncidents({
    db,
    audit,
    orgs,
    keys,
    accounts: identity.accounts,
    auditReader: auditParts.reader,
    signer,
    alerts: alerting.service,
  });
  const backups = await wireBackupParts({
    config,
    control,
    audit,
    keys,
    orgs,
    regions,
    access,
    dataplane,
    paths: backupPaths,
    log,
  });

  const stopData = async () => {
    await gateway.stop();
    await hipaa.deletion.stop();
    await projects.provisioner.drain();
    await backups.stopJobs();
    // No more probes (nor the projects they would start or stop), HSMs closed, unwraps counted.
    await rootKeys.stop();
    await compliance.stop();
    await access.alerts.drain();
    // Every statement event committed before the rules' last evaluation and save.
    await audit.drain();
    await alerting.stop();
    await auditParts.stop();
    await dataplane.stopAll();
    await backups.stopWal();
    await control.close();
  };

  let initialAdminPassword: string | undefined;
  let app: FastifyInstance | undefined;
  try {
    initialAdminPassword = await bootstrapOperator(identity, home.adminPasswordFile);
    await backups.startWal();
    // Before projects resume: an org whose root key is unavailable keeps its projects stopped.
    await rootKeys.monitor.start();
    await projects.provisioner.resume();
    await backups.startJobs();
    await hipaa.deletion.start();
    await auditParts.start({ sealsIntroduced: control.applied.includes(SEALS_MIGRATION) });
    await alerting.start();
    await gateway.start();
    compliance.start();
    const https = config.tls ? await httpsCertificate(config.tls, home.tls, config.host) : undefined;
    const appDeps: AppDeps = {
      log,
      audit: {
        reader: auditParts.reader,
        access: auditParts.access,
        signer,
        sinks: auditParts.sinks,
        witnesses: auditParts.witnesses,
      },
      identity,
      access,
      orgs,
      projects: projects.service,
      dbaccess: gateway.dbaccess,
      metrics: [gateway.metrics, auditParts.metrics],
      regions,
      hipaa: hipaa.edge,
      compliance: compliance.service,
      complianceReports: compliance.reports,
      publicity: compliance.publicity,
      subprocessors: compliance.subprocessors,
      alerts: alerting.service,
      accounting,
      backups: backups.edge,
      incidents,
      version: VERSION,
      consoleDir: config.console_dir ?? DEFAULT_CONSOLE_DIR,
      secureCookies: config.tls !== undefined,
      health: async () => {
        await control.appPool.query('SELECT 1');
      },
      controlAvailable: control.available,
      clusterStates: plane.clusterStates,
    };
    app = await buildApp(appDeps, { https });
    await app.listen({ host: config.host, port: config.port });
  } catch (err) {
    await app?.close();
    await stopData();
    throw err;
  }
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const scheme = config.tls ? 'https' : 'http';
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;
  const running = app;
  return {
    url: `${scheme}://${host}:${port}`,
    home,
    app,
    initialAdminPassword,
    services: {
      audit,
      auditReader: auditParts.reader,
      sinks: auditParts.sinks,
      delivery: auditParts.delivery,
      maintenance: auditParts.maintenance,
      identity,
      access,
      orgs,
      projects: projects.service,
      keys,
      rootKeys,
      signer,
      hipaa,
      compliance: compliance.service,
      complianceReports: compliance.reports,
      alerting,
      publicity: compliance.publicity,
      subprocessors: compliance.subprocessors,
      checkpointer: auditParts.checkpointer,
      incidents,
      accounting,
      gateway,
      backups,
      dataplane,
      db,
    },
    async stop() {
      await running.close();
      await stopData();
    },
  };
}

/**
 * Creates the operator account on the first start. The password file is written before the
 * account commits, so a crash in between never leaves an account whose password nobody has.
 */
async function bootstrapOperator(identity: IdentityService, file: string): Promise<string | undefined> {
  let written: string | undefined;
  const password = await identity.bootstrapOperator(SYSTEM, async (pw) => {
    await writeFileAtomic(file, `${pw}\n`, 0o600);
    written = pw;
  });
  if (!password && written) await unlink(file).catch(() => undefined);
  return password;
}
