/**
 * @module projects/access
 * A person's role on a project, which decides the database role Ward creates for them in the
 * project's cluster (owner: all privileges and DDL; readwrite: read and write data; readonly:
 * read). It follows their org role; auditors see audit and compliance, never data, so they get
 * none. Explicit per-project grants refine this in the identity issue, behind this same function.
 */
import type { OrgRole, ProjectRole } from '../db/schema.js';

const FROM_ORG_ROLE: Record<OrgRole, ProjectRole | null> = {
  owner: 'owner',
  admin: 'owner',
  developer: 'readwrite',
  member: 'readonly',
  auditor: null,
};

export function effectiveProjectRole(orgRole: OrgRole | null): ProjectRole | null {
  return orgRole ? FROM_ORG_ROLE[orgRole] : null;
}
