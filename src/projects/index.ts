/**
 * @module projects
 * Projects (dedicated PostgreSQL clusters) and the provisioner that drives the data plane.
 */

export * as projectSchemas from './projects.schemas.js';
export { createProjectService, type ProjectService } from './projects.service.js';
export { createProvisioner, type Provisioner } from './provisioner.js';
