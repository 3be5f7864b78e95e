/**
 * @module server/backups
 * Wires backups: pg-boss's schema and Ward's queues (installed as the owner role, used by the
 * runtime role), then the backups module with its settings and the org alert webhook for red
 * drills and failed backups.
 */
import { sql } from 'kysely';
import type { AccessServices } from '../access/index.js';
import type { AuditService } from '../audit/index.js';
import {
  type BackupParts,
  type BackupPaths,
  installJobQueues,
  storageFromConfig,
  wireBackups,
} from '../backups/index.js';
import type { WardConfig } from '../config/index.js';
import type { DataPlaneProvider } from '../dataplane/index.js';
import type { KeyService } from '../keys/index.js';
import type { Logger } from '../lib/logger.js';
import type { OrgService } from '../orgs/index.js';
import type { RegionCatalog } from '../regions/index.js';
import type { ControlDatabase } from './control-db.js';

export async function wireBackupParts(deps: {
  config: WardConfig;
  control: ControlDatabase;
  audit: AuditService;
  keys: KeyService;
  orgs: OrgService;
  regions: RegionCatalog;
  access: AccessServices;
  dataplane: DataPlaneProvider;
  paths: BackupPaths;
  log: Logger;
}): Promise<BackupParts> {
  const { control, config } = deps;
  const { rows } = await control.appPool.query<{ me: string }>('SELECT current_user AS me');
  const owner = await sql<{ me: string }>`SELECT current_user AS me`.execute(control.owner);
  const ownerRole = owner.rows[0]?.me;
  const appRole = rows[0]?.me;
  await installJobQueues(control.owner, appRole && appRole !== ownerRole ? appRole : undefined);
  return wireBackups({
    ...deps,
    db: control.app,
    pool: control.appPool,
    storage: storageFromConfig(config.backups.repository, deps.paths.root),
    settings: {
      tickMs: config.backups.scheduler_tick,
      drillEveryMs: config.backups.drill_every,
      retryLimit: config.backups.retry_limit,
      retryDelaySeconds: Math.max(1, Math.round(config.backups.retry_delay / 1000)),
      // pg-boss's floor: a job starts at most half a second after it is asked for.
      pollingSeconds: 0.5,
      processMax: config.backups.process_max,
    },
    alert: (orgId, alert, payload) => deps.access.alerts.send(orgId, alert, payload),
  });
}
