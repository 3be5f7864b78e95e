/**
 * @module dbaccess
 * Database access through the gateway: logins, database roles, short-lived credentials,
 * re-validation of live sessions, and the encryption of raw statement text.
 */
export * as dbaccessSchemas from './dbaccess.schemas.js';
export {
  createCredentialsBody,
  credentialsView,
  statementTextBody,
  statementTextView,
} from './dbaccess.schemas.js';
export {
  type CredentialRow,
  createDbAccessService,
  type DbAccessService,
  type GatewayAddress,
  type LiveSessionRef,
  type LoginTarget,
  roleNameOf,
} from './dbaccess.service.js';
export { type EndReason, type SessionState, type Verdict, verdictFor } from './session-verdict.js';
export { newSessionKey, openStatement, sessionKeyAad, statementSealer } from './statement-text.js';
