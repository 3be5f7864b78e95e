/**
 * @module orgs
 * Organizations and their members.
 */

export * as orgSchemas from './orgs.schemas.js';
export {
  accessRule,
  createOrgService,
  type OrgAccess,
  type OrgService,
  requireRole,
} from './orgs.service.js';
