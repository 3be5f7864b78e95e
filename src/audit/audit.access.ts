/**
 * @module audit/access
 * Whose audit log a request may read. An org's chain: its owners, admins and auditors (auditors
 * see audit and compliance, never data), and the operator. The operator chain (accounts,
 * tokens, sign-ins that belong to no org): the operator alone. Anyone else gets the same 404 as
 * for an org that does not exist.
 */
import { principalOf } from '../identity/identity.service.js';
import type { RequestContext } from '../lib/context.js';
import { forbidden } from '../lib/errors.js';
import { type OrgService, requireRole } from '../orgs/orgs.service.js';
import { OPERATOR_CHAIN } from './chain.js';

export const AUDIT_READERS = ['owner', 'admin', 'auditor'] as const;
/** Who configures where an org's log is copied (sinks) and how long it is kept. */
export const AUDIT_ADMINS = ['owner', 'admin'] as const;

export function createAuditAccess(deps: { orgs: OrgService }) {
  return {
    /** The chain of `orgRef` (or of the operator, for `operator`), if `ctx` may read it. */
    async chainFor(
      ctx: RequestContext,
      orgRef: string | typeof OPERATOR_CHAIN,
      purpose: 'read' | 'admin' = 'read',
    ): Promise<string> {
      const me = principalOf(ctx);
      if (orgRef === OPERATOR_CHAIN) {
        if (!me.operator) throw forbidden("only the operator can use the operator's audit log");
        return OPERATOR_CHAIN;
      }
      const access = await deps.orgs.access(ctx, orgRef);
      // The operator reads any org's log; configuring it takes a role in the org, as the
      // permission matrix says ('audit.configure' has no operator exception).
      if (purpose === 'admin') requireRole(access, AUDIT_ADMINS, "configuring the organization's audit log");
      else if (!me.operator) requireRole(access, AUDIT_READERS, "reading the organization's audit log");
      return access.org.id;
    },
  };
}

export type AuditAccess = ReturnType<typeof createAuditAccess>;
