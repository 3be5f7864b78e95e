/**
 * @module orgs
 * Organizations and their members.
 */

export * as orgSchemas from './orgs.schemas.js';
export {
  addMemberBody,
  createOrgBody,
  type MemberView,
  memberView,
  orgRef,
  orgView,
  updateOrgBody,
} from './orgs.schemas.js';
export {
  accessRule,
  createOrgService,
  type OrgAccess,
  type OrgService,
  requireRole,
} from './orgs.service.js';
export type { OrgWithRole } from './orgs.store.js';
