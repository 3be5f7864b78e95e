/**
 * @module policy/policy
 * The one place that decides whether a call is allowed. Two checks, both from the matrix in
 * policy/permissions.ts, both denying whatever no rule allows:
 * - `gate`, for every request once its caller is known: the route's permission exists, the
 *   caller is the right kind (person, service account, operator), the token carries the scope,
 *   and a person who must enroll MFA does nothing else.
 * - `authorize`, inside a service once the org is known: the caller's role in that org (or the
 *   operator's read access) is one the rule lists.
 */
import type { OrgRole } from '../db/index.js';
import type { RequestContext } from '../lib/context.js';
import { forbidden, unauthenticated } from '../lib/errors.js';
import { PERMISSIONS, type Permission, type Rule } from './permissions.js';
import { hasScope } from './scopes.js';

export const MFA_ENROLLMENT_REQUIRED = 'mfa_enrollment_required';

/** What the gate needs to know about the caller. */
export interface Caller {
  operator: boolean;
  service: boolean;
  scopes: readonly string[];
  /** The session passed a second factor (or was made from one that did). */
  mfa: boolean;
  /** The person belongs to an org that requires MFA (HIPAA, or "require MFA" set). */
  mfaRequired: boolean;
}

/**
 * A route that names no permission yet is open only to full-power sessions and tokens (its
 * service still checks roles), and the test that walks every route fails until it names one.
 */
const UNNAMED: Rule = { summary: 'call this route', who: 'anyone', scope: '*' };

function ruleFor(permission: string | undefined): Rule {
  if (permission === undefined) return UNNAMED;
  const rule = (PERMISSIONS as Record<string, Rule>)[permission];
  if (!rule) throw forbidden(`no rule allows this call (permission '${permission}')`);
  return rule;
}

function checkScope(scopes: readonly string[], rule: Rule): void {
  if (rule.scope && !hasScope(scopes, rule.scope)) {
    throw forbidden(
      rule.scope === '*'
        ? `a scoped token cannot ${rule.summary}; sign in, or use a token created without scopes`
        : `this token lacks the '${rule.scope}' scope, which is needed to ${rule.summary}`,
      'scope',
    );
  }
}

/** Checks that do not depend on an org. Throws `forbidden` (with a reason) when refused. */
export function gate(caller: Caller, permission: string | undefined): void {
  const rule = ruleFor(permission);
  if (caller.service && !rule.service) throw forbidden(`a service account cannot ${rule.summary}`);
  if (rule.who === 'person' && caller.service) throw forbidden(`only a person can ${rule.summary}`);
  if (rule.who === 'operator' && !caller.operator) throw forbidden(`only the operator can ${rule.summary}`);
  checkScope(caller.scopes, rule);
  if (caller.mfaRequired && !caller.mfa && !rule.enrolling) {
    throw forbidden(
      'your organization requires two-step verification: enroll an authenticator app first (Account in the console, or `ward mfa enroll`)',
      MFA_ENROLLMENT_REQUIRED,
    );
  }
}

/** The caller's role in `access.org` allows `permission`; returns that role (null: operator). */
export function authorize(
  ctx: RequestContext,
  access: { org: { name: string }; role: OrgRole | null },
  permission: Permission,
  /** How the refusal names what was tried ("reading the organization's audit log"), where the rule's summary reads less well. */
  doing?: string,
): OrgRole | null {
  const actor = ctx.actor;
  if (actor.type !== 'user') throw unauthenticated('sign in first: this needs a bearer token');
  const rule: Rule = PERMISSIONS[permission];
  checkScope(actor.scopes ?? ['*'], rule);
  if (actor.service && !rule.service) throw forbidden(`a service account cannot ${rule.summary}`);
  if (Array.isArray(rule.who)) {
    const roles = rule.who as readonly OrgRole[];
    if (access.role && roles.includes(access.role)) return access.role;
    if (!access.role && rule.operator && actor.operator) return null;
    throw forbidden(
      doing
        ? `${doing} needs the ${roles.join(' or ')} role in '${access.org.name}'`
        : `to ${rule.summary} in '${access.org.name}' needs the ${roles.join(' or ')} role`,
    );
  }
  if (rule.who === 'operator' && !actor.operator) throw forbidden(`only the operator can ${rule.summary}`);
  if (rule.who === 'person' && actor.service) throw forbidden(`only a person can ${rule.summary}`);
  return access.role;
}
