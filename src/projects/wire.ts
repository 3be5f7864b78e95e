/**
 * @module projects/wire
 * The projects domain as the composition root builds it: the service the edges call, the
 * provisioner that drives the data plane off the request path, and what the data plane's
 * reports about a cluster (a restart) become in the project's record.
 */
import type { AuditService } from '../audit/index.js';
import type { DataPlaneProvider } from '../dataplane/index.js';
import type { Db, Project } from '../db/index.js';
import type { Logger } from '../lib/logger.js';
import type { OrgService } from '../orgs/index.js';
import type { RegionCatalog } from '../regions/index.js';
import type { HipaaDeletion } from './hipaa-deletion.js';
import { createProjectService } from './projects.service.js';
import { createProvisioner } from './provisioner.js';

export function wireProjects(deps: {
  db: Db;
  audit: AuditService;
  orgs: OrgService;
  regions: RegionCatalog;
  dataplane: DataPlaneProvider;
  hipaaDeletion: HipaaDeletion;
  log: Logger;
  /** Runs once a new cluster accepts connections (backups create its stanza). */
  afterStart: (p: Project) => Promise<void>;
  /** Why the org's root key is unavailable, if it is (keys.roots.problemOf). */
  rootKeyProblem?: (orgId: string) => string | undefined;
}) {
  const provisioner = createProvisioner({ ...deps, log: deps.log.child({ component: 'provisioner' }) });
  return { provisioner, service: createProjectService({ ...deps, provisioner }) };
}
