/**
 * @module server/ward
 * The composition root: builds every service from the settings, starts the edges, and stops
 * them in order (HTTP first, then in-flight provisioning, then project clusters, then the
 * control database).
 */

import { unlink } from 'node:fs/promises';
import type { FastifyInstance } from 'fastify';
import { type AccessServices, createAccessServices } from '../access/index.js';
import { createAuditAccess } from '../audit/audit.access.js';
import { type AuditReader, createAuditReader } from '../audit/audit.reads.js';
import { type AuditService, createAuditService } from '../audit/audit.service.js';
import { type Checkpointer, createCheckpointer } from '../audit/checkpointer.js';
import { type AuditMaintenance, createAuditMaintenance } from '../audit/maintenance.js';
import { createSinkDelivery, type SinkDelivery } from '../audit/sinks/delivery.js';
import { createSinkService, fileSinkCheckpoints, type SinkService } from '../audit/sinks/sinks.service.js';
import { archiveCommand, type BackupParts, prepareBackupPaths } from '../backups/index.js';
import type { WardConfig } from '../config/config.js';
import { findPgBinaries } from '../dataplane/local/binaries.js';
import { createLocalProvider } from '../dataplane/local/local-provider.js';
import { createSupervisor } from '../dataplane/local/supervisor.js';
import type { DataPlaneProvider } from '../dataplane/provider.js';
import type { Db } from '../db/pool.js';
import { buildApp } from '../http/app.js';
import { DEFAULT_CONSOLE_DIR } from '../http/plugins/console.js';
import type { IdentityService } from '../identity/identity.service.js';
import { createIdentityService } from '../identity/identity.service.js';
import {
  createFileKeystore,
  createKeyService,
  type KeyService,
  loadSigner,
  type Signer,
} from '../keys/index.js';
import { SYSTEM } from '../lib/context.js';
import { writeFileAtomic } from '../lib/fs.js';
import type { Logger } from '../lib/logger.js';
import { currentUser, isRoot, serviceUser } from '../lib/os-user.js';
import type { OrgService } from '../orgs/orgs.service.js';
import { createOrgService } from '../orgs/orgs.service.js';
import type { ProjectService } from '../projects/projects.service.js';
import { createProjectService } from '../projects/projects.service.js';
import * as projectStore from '../projects/projects.store.js';
import { createProvisioner } from '../projects/provisioner.js';
import { createRegionCatalog } from '../regions/regions.js';
import { VERSION } from '../version.js';
import { wireBackupParts } from './backups.js';
import { openControlDatabase } from './control-db.js';
import { type GatewayParts, wireGateway } from './gateway.js';
import { type HipaaParts, wireHipaa } from './hipaa.js';
import { prepareHome, type WardHome } from './home.js';

/** The domain services of a running Ward, for the edges and for tests that drive them directly. */
export interface Services {
  audit: AuditService;
  identity: IdentityService;
  access: AccessServices;
  orgs: OrgService;
  projects: ProjectService;
  keys: KeyService;
  signer: Signer;
  hipaa: HipaaParts;
  checkpointer: Checkpointer;
  auditReader: AuditReader;
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

  const control = await openControlDatabase(config, { root: home.control, bin, runAs, wardUser, log });
  const db = control.app;
  const audit = createAuditService({ db });
  const keys = createKeyService({ db, keystore: await createFileKeystore(home.keys), audit });
  const signer = await loadSigner(home.keys);
  const checkpointer = createCheckpointer({
    db,
    signer,
    log: log.child({ component: 'audit' }),
    policy: {
      everyEvents: config.audit.checkpoint_every_events,
      everyMs: config.audit.checkpoint_every_seconds * 1000,
    },
  });
  const sinks = createSinkService({ db, audit, keys, sinksDir: home.sinks });
  const delivery = createSinkDelivery({
    db,
    keys,
    signer,
    sinksDir: home.sinks,
    log: log.child({ component: 'audit-sinks' }),
  });
  const maintenance = createAuditMaintenance({ db, audit, log: log.child({ component: 'audit' }) });
  const auditReader = createAuditReader({
    db,
    audit,
    signer,
    checkpointer,
    heldElsewhere: (chain) => fileSinkCheckpoints(db, home.sinks, chain),
  });
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
  const orgs = createOrgService({ db, audit });
  const access = createAccessServices({
    db,
    audit,
    keys,
    orgs,
    identity,
    log: log.child({ component: 'access' }),
  });
  const regions = createRegionCatalog(config.regions);
  const supervisor = createSupervisor({
    onRestart: (id, reason) => {
      log.warn({ project: id, reason }, 'project cluster stopped; restarting it');
      void projectStore
        .findProject(db, id)
        .then((p) =>
          p
            ? audit.record(SYSTEM, [
                {
                  action: 'project.cluster.restart',
                  chain: p.org_id,
                  target: { type: 'project', id, name: p.name },
                  details: { reason },
                },
              ])
            : undefined,
        )
        .catch((err) => log.error({ err }, 'could not record a cluster restart'));
    },
    onError: (id, err) =>
      log.error({ project: id, err: err.message }, 'project cluster restart failed; retrying'),
  });
  const backupPaths = await prepareBackupPaths(home.root, runAs);
  const dataplane = createLocalProvider({
    projectsDir: home.projects,
    bin,
    runAs,
    wardUser,
    supervisor,
    archiveCommand: (id) => archiveCommand(backupPaths, id),
  });
  const provisioner = createProvisioner({
    db,
    audit,
    dataplane,
    log: log.child({ component: 'provisioner' }),
    // Bound late: backups are wired below, and nothing is provisioned before start-up ends.
    afterStart: (p) => backups.repos.ensureStanza(p),
  });
  const hipaa = wireHipaa({
    config,
    db,
    audit,
    orgs,
    keys,
    signer,
    dataplane,
    projectsDir: home.projects,
    log,
  });
  const projects = createProjectService({
    db,
    audit,
    orgs,
    regions,
    dataplane,
    provisioner,
    hipaaDeletion: hipaa.deletion,
  });
  const gateway = wireGateway({ config, home, log, db, audit, identity, keys, orgs, dataplane });
  const backups = await wireBackupParts({
    config,
    control,
    audit,
    keys,
    orgs,
    regions,
    access,
    dataplane,
    bin,
    runAs,
    wardUser,
    projectsDir: home.projects,
    paths: backupPaths,
    log,
  });

  const stopData = async () => {
    await gateway.stop();
    await hipaa.deletion.stop();
    await provisioner.drain();
    await backups.stopJobs();
    await access.alerts.drain();
    await audit.drain();
    await checkpointer.stop();
    await delivery.stop();
    maintenance.stop();
    await dataplane.stopAll();
    await backups.stopWal();
    await control.close();
  };

  let initialAdminPassword: string | undefined;
  let app: FastifyInstance | undefined;
  try {
    initialAdminPassword = await bootstrapOperator(identity, home.adminPasswordFile);
    await backups.startWal();
    await provisioner.resume();
    await backups.startJobs();
    await hipaa.deletion.start();
    await maintenance.ensurePartitions();
    maintenance.start();
    checkpointer.start();
    delivery.start();
    await gateway.start();
    app = await buildApp({
      log,
      audit: { reader: auditReader, access: createAuditAccess({ orgs }), signer, sinks },
      identity,
      access,
      orgs,
      projects,
      dbaccess: gateway.dbaccess,
      metrics: [gateway.metrics],
      regions,
      hipaa: hipaa.edge,
      backups: backups.edge,
      version: VERSION,
      consoleDir: config.console_dir ?? DEFAULT_CONSOLE_DIR,
      secureCookies: config.tls !== undefined,
      health: async () => {
        await control.appPool.query('SELECT 1');
      },
      clusterStates: () => {
        const counts: Record<string, number> = {};
        for (const id of supervisor.ids()) {
          const state = supervisor.health(id)?.state ?? 'stopped';
          counts[state] = (counts[state] ?? 0) + 1;
        }
        return counts;
      },
    });
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
      auditReader,
      sinks,
      delivery,
      maintenance,
      identity,
      access,
      orgs,
      projects,
      keys,
      signer,
      hipaa,
      checkpointer,
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
async function bootstrapOperator(
  identity: ReturnType<typeof createIdentityService>,
  file: string,
): Promise<string | undefined> {
  let written: string | undefined;
  const password = await identity.bootstrapOperator(SYSTEM, async (pw) => {
    await writeFileAtomic(file, `${pw}\n`, 0o600);
    written = pw;
  });
  if (!password && written) await unlink(file).catch(() => undefined);
  return password;
}
