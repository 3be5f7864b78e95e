/**
 * @module server/gateway
 * Wires the gateway and the database-access domain it relies on: Ward's TLS certificates (made
 * at first start), the listener on `host:gateway_port`, and the address clients are given.
 */

import type { Registry } from 'prom-client';
import type { AuditService } from '../audit/index.js';
import type { WardConfig } from '../config/index.js';
import type { DataPlaneProvider } from '../dataplane/index.js';
import type { Db } from '../db/index.js';
import { createDbAccessService, type DbAccessService, type GatewayAddress } from '../dbaccess/index.js';
import { createGatewayMetrics, type Gateway, type GatewayDeps, startGateway } from '../gateway/index.js';
import type { IdentityService } from '../identity/index.js';
import type { KeyService } from '../keys/index.js';
import type { Logger } from '../lib/logger.js';
import type { OrgService } from '../orgs/index.js';
import { ensureWardTls, type WardTls } from '../tls/index.js';
import type { WardHome } from './home.js';

/** How often database roles of people who lost access are revoked (dbaccess.revokeStaleRoles). */
export const ROLE_SWEEP_MS = 30_000;

export interface GatewayParts {
  dbaccess: DbAccessService;
  /** The gateway's Prometheus metrics (served at /metrics). */
  metrics: Registry;
  /** Where clients connect; undefined until started. */
  address(): GatewayAddress | undefined;
  /** The running gateway (its live sessions), once started. */
  running(): Gateway | undefined;
  start(): Promise<void>;
  stop(): Promise<void>;
}

export function wireGateway(deps: {
  config: WardConfig;
  home: WardHome;
  log: Logger;
  db: Db;
  audit: AuditService;
  identity: IdentityService;
  keys: KeyService;
  orgs: OrgService;
  dataplane: DataPlaneProvider;
  /** The project's subject keys for a new session (accounting of access). */
  subjectPlans?: GatewayDeps['subjectPlans'];
}): GatewayParts {
  let gateway: Gateway | undefined;
  let tls: WardTls | undefined;
  let sweepTimer: NodeJS.Timeout | undefined;
  let sweeping: Promise<void> | undefined;
  const sweep = () => {
    if (sweeping) return;
    sweeping = dbaccess
      .upgradeRoles()
      .then((n) =>
        n > 0 ? deps.log.info({ roles: n }, 'owners of existing projects now run as themselves') : undefined,
      )
      .then(() => dbaccess.revokeStaleRoles())
      .then(
        (n) =>
          n > 0
            ? deps.log.info({ revoked: n }, 'database roles of people without access revoked')
            : undefined,
        (err) =>
          deps.log.error({ err: String(err) }, 'could not revoke stale database roles; trying again later'),
      )
      .finally(() => {
        sweeping = undefined;
      });
  };
  const address = (): GatewayAddress | undefined =>
    gateway && tls
      ? { host: gateway.host, port: gateway.port, caCert: tls.caCert, caCertPath: tls.caCertPath }
      : undefined;
  const dbaccess = createDbAccessService({ ...deps, gateway: address });
  const metrics = createGatewayMetrics(
    () => gateway?.sessions().length ?? 0,
    () => gateway?.backlog() ?? 0,
  );
  return {
    dbaccess,
    metrics: metrics.registry,
    address,
    running: () => gateway,
    async start() {
      tls = await ensureWardTls(deps.home.tls, deps.config.host);
      gateway = await startGateway({
        host: deps.config.host,
        port: deps.config.gateway_port,
        log: deps.log,
        audit: deps.audit,
        identity: deps.identity,
        dbaccess,
        keys: deps.keys,
        dataplane: deps.dataplane,
        tls,
        metrics,
        subjectPlans: deps.subjectPlans,
      });
      sweep();
      sweepTimer = setInterval(sweep, ROLE_SWEEP_MS);
      sweepTimer.unref();
    },
    async stop() {
      clearInterval(sweepTimer);
      await sweeping;
      await gateway?.stop();
      gateway = undefined;
    },
  };
}
