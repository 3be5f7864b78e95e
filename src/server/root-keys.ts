/**
 * @module server/root-keys
 * Wires customer-managed root keys: the monitor that opens and probes each org's HSM key (and
 * suspends the org's projects while it is unavailable, alerting its webhook), the service behind
 * `/orgs/:org/keys/hsm`, and the batched `key.unwrap` events. Opening happens here, before
 * anything unwraps an org key; probing starts with `start`, before the provisioner resumes
 * projects, so a project whose key is gone is not started.
 */
import type { AccessServices } from '../access/index.js';
import type { AuditService } from '../audit/index.js';
import type { WardConfig } from '../config/index.js';
import type { DataPlaneProvider } from '../dataplane/index.js';
import type { Db } from '../db/index.js';
import {
  createHsmMonitor,
  createHsmService,
  type HsmMonitor,
  type HsmService,
  type KeyService,
  type RootKeyUses,
} from '../keys/index.js';
import type { Logger } from '../lib/logger.js';
import type { OrgService } from '../orgs/index.js';
import { createOrgSuspension } from '../projects/index.js';
import type { RegionCatalog } from '../regions/index.js';

export interface RootKeyParts {
  service: HsmService;
  monitor: HsmMonitor;
  uses: RootKeyUses;
  /** Probing stops, keystores close, counted unwraps are written. */
  stop(): Promise<void>;
}

export async function wireRootKeys(deps: {
  config: WardConfig;
  db: Db;
  audit: AuditService;
  keys: KeyService;
  uses: RootKeyUses;
  orgs: OrgService;
  access: AccessServices;
  dataplane: DataPlaneProvider;
  regions: RegionCatalog;
  log: Logger;
}): Promise<RootKeyParts> {
  const log = deps.log.child({ component: 'root-keys' });
  const monitor = createHsmMonitor({
    db: deps.db,
    audit: deps.audit,
    keys: deps.keys,
    projects: createOrgSuspension({ db: deps.db, dataplane: deps.dataplane, regions: deps.regions, log }),
    alert: (orgId, alert, payload) => deps.access.alerts.send(orgId, alert, payload),
    everyMs: deps.config.hsm_poll_every,
    log,
  });
  await monitor.openAll();
  const service = createHsmService({
    db: deps.db,
    audit: deps.audit,
    keys: deps.keys,
    orgs: deps.orgs,
    monitor,
    allowedModules: deps.config.hsm_modules,
    afterSet: (orgId) =>
      deps.access.alerts
        .reseal(orgId)
        .catch((err) =>
          log.error({ org: orgId, err: (err as Error).message }, 'could not reseal the alert webhook secret'),
        ),
  });
  return {
    service,
    monitor,
    uses: deps.uses,
    async stop() {
      await monitor.stop();
      await deps.uses.flush();
    },
  };
}
