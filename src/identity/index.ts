/**
 * @module identity
 * People, sign-in, tokens. MFA, SSO and session policy build on this.
 */

export * as identitySchemas from './identity.schemas.js';
export {
  createIdentityService,
  type IdentityService,
  OPERATOR_EMAIL,
  type Principal,
  principalOf,
  requireOperator,
} from './identity.service.js';
