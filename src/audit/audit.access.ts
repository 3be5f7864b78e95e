/**
 * @module audit/access
 * Whose audit log a request may read, by the permission matrix (`audit.read`, `audit.configure`):
 * an org's chain to its owners, admins and auditors (auditors see audit and compliance, never
 * data), and to the operator for reading; the operator chain (accounts, tokens, sign-ins that
 * belong to no org) to the operator alone. Anyone else gets the same 404 as for an org that does
 * not exist.
 */
import type { OrgRole } from '../db/index.js';
import { OPERATOR_CHAIN } from '../evidence/index.js';
import type { RequestContext } from '../lib/context.js';
import { forbidden } from '../lib/errors.js';
import { authorize, principalOf } from '../policy/index.js';

/**
 * What the audit log (and the key service above it) needs of orgs: the caller's view of one, 404
 * when they may not see it. The org service fits this shape; it is named here because both sit
 * below `orgs/`, which audits its changes and keeps its members' keys.
 */
export interface OrgLookup {
  access(
    ctx: RequestContext,
    orgRef: string,
  ): Promise<{ org: { id: string; name: string }; role: OrgRole | null }>;
}

export function createAuditAccess(deps: { orgs: OrgLookup }) {
  return {
    /** The chain of `orgRef` (or of the operator, for `operator`), if `ctx` may read it. */
    async chainFor(
      ctx: RequestContext,
      orgRef: string | typeof OPERATOR_CHAIN,
      purpose: 'read' | 'admin' = 'read',
    ): Promise<string> {
      if (orgRef === OPERATOR_CHAIN) {
        if (!principalOf(ctx).operator) throw forbidden("only the operator can use the operator's audit log");
        return OPERATOR_CHAIN;
      }
      const access = await deps.orgs.access(ctx, orgRef);
      // The operator reads any org's log; configuring it takes a role in the org, as the
      // permission matrix says ('audit.configure' has no operator exception).
      if (purpose === 'admin')
        authorize(ctx, access, 'audit.configure', "configuring the organization's audit log");
      else authorize(ctx, access, 'audit.read', "reading the organization's audit log");
      return access.org.id;
    },
  };
}

export type AuditAccess = ReturnType<typeof createAuditAccess>;
