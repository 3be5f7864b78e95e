/**
 * @module gateway/errors
 * The gateway's one mapping from Ward's error taxonomy (lib/errors.ts) and its own refusals to
 * SQLSTATEs, and the ErrorResponse a client sees. Messages are written for the person who
 * connected: what happened and what to do.
 */
import { type ErrorCode, isWardError } from '../lib/errors.js';
import { errorResponse, type Severity } from './protocol/build.js';
import { SQLSTATE } from './protocol/codes.js';

/** A refusal with the SQLSTATE it carries. */
export class GatewayError extends Error {
  constructor(
    readonly sqlstate: string,
    message: string,
    readonly hint?: string,
    /** What the audit event records as the reason (a closed word, never the message). */
    readonly reason = 'refused',
  ) {
    super(message);
    this.name = 'GatewayError';
  }
}

const FROM_WARD: Record<ErrorCode, string> = {
  invalid: SQLSTATE.invalid_parameter_value,
  unauthenticated: SQLSTATE.invalid_password,
  forbidden: SQLSTATE.insufficient_privilege,
  not_found: SQLSTATE.invalid_catalog_name,
  conflict: SQLSTATE.object_not_in_prerequisite_state,
  rate_limited: SQLSTATE.configuration_limit_exceeded,
  unavailable: SQLSTATE.cannot_connect_now,
};

/** Any failure as a GatewayError; unexpected errors become a generic internal error. */
export function toGatewayError(err: unknown): GatewayError {
  if (err instanceof GatewayError) return err;
  if (isWardError(err)) return new GatewayError(FROM_WARD[err.code], err.message, undefined, err.code);
  return new GatewayError(
    SQLSTATE.internal_error,
    "the gateway hit an internal error; the operator can find it in Ward's log",
    undefined,
    'internal',
  );
}

export function errorMessage(severity: Severity, e: GatewayError): Buffer {
  return errorResponse({ severity, code: e.sqlstate, message: e.message, hint: e.hint });
}
