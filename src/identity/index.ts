/**
 * @module identity
 * People, sign-in (password, TOTP, SSO sessions), session policy, MFA, tokens.
 */

export type { Accounts } from './accounts.js';
export * as identitySchemas from './identity.schemas.js';
export {
  createdToken,
  createTokenBody,
  createUserBody,
  emailSchema,
  loginBody,
  mfaStatus,
  sessionView,
  tokenView,
  totpCodeBody,
  totpEnrollment,
  userId,
  userView,
} from './identity.schemas.js';
export {
  createIdentityService,
  type IdentityService,
  OPERATOR_EMAIL,
  type Principal,
} from './identity.service.js';
export { expiryOf, tokenView as toTokenView } from './personal-tokens.js';
export {
  ABSOLUTE_RANGE,
  IDLE_RANGE,
  type PolicyOrg,
  requiresMfa,
  SESSION_DEFAULTS,
  sessionPolicyOf,
} from './session-policy.js';
export { newToken } from './tokens.js';
