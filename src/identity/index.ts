/**
 * @module identity
 * People, sign-in (password, TOTP, SSO sessions), session policy, MFA, tokens.
 */

export type { Accounts } from './accounts.js';
export * as identitySchemas from './identity.schemas.js';
export {
  createdToken,
  createdUserView,
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
export { HARD_LOCK_FAILURES, lockTime, type SignInGuard, type SignInLock } from './sign-in-guard.js';
export { newToken } from './tokens.js';
