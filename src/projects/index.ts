/**
 * @module projects
 * Projects (dedicated PostgreSQL clusters) and the provisioner that drives the data plane.
 */

export {
  effectiveProjectRole,
  explainProjectRole,
  higherRole,
  mfaSatisfied,
  resolveProjectRole,
} from './access.js';
export { type ClusterEvents, createClusterEvents } from './cluster-events.js';
export { createHipaaDeletion, type HipaaDeletion } from './hipaa-deletion.js';
export * as projectSchemas from './projects.schemas.js';
export {
  createProjectBody,
  deleteProjectBody,
  listProjectsQuery,
  projectId,
  projectList,
  projectView,
  setPlaintextBody,
  updateProjectBody,
} from './projects.schemas.js';
export { checkPlacement, createProjectService, type ProjectService } from './projects.service.js';
export { createProvisioner, type Provisioner } from './provisioner.js';
export {
  findProjectById,
  findProjectByName,
  insertRestoringProject,
  lockProjectById,
  setProjectStatus,
} from './records.js';
export { createOrgSuspension, type OrgSuspension } from './suspension.js';
export { wireProjects } from './wire.js';
