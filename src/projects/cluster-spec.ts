/**
 * @module projects/cluster-spec
 * What the data plane is told about a project's cluster: HIPAA projects get pgaudit, and a new
 * cluster's directory is encrypted as its region says (project_encryption).
 */
import type { ClusterSpec } from '../dataplane/index.js';
import type { Project } from '../db/index.js';
import { projectEncryption, type RegionCatalog } from '../regions/index.js';

export const clusterSpec = (p: Project, regions: RegionCatalog): ClusterSpec => ({
  id: p.id,
  hipaa: p.audit_log_level === 'hipaa',
  encryption: projectEncryption(regions.get(p.region_id)),
});
