/**
 * @module identity
 * People, sign-in (password, TOTP, SSO sessions), session policy, MFA, tokens.
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
