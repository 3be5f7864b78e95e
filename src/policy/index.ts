/**
 * @module policy
 * Who may do what: the permission matrix and the checks that enforce it.
 */
export { PERMISSION_NAMES, PERMISSIONS, type Permission, type Rule } from './permissions.js';
export { authorize, type Caller, gate, MFA_ENROLLMENT_REQUIRED } from './policy.js';
export { principalOf, requireOperator, type UserActor } from './principals.js';
export { hasScope, SCOPE_NAMES, SCOPES, type Scope } from './scopes.js';
