/**
 * @module lib/errors
 * One error taxonomy for every edge. Domains throw these with a message written for the person
 * who made the request (quote what they passed, say what to fix); the HTTP edge maps them to
 * status codes once, the gateway maps them to SQLSTATEs. Anything else is an internal error and
 * its text never reaches a client.
 */

export const ERROR_STATUS = {
  invalid: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  rate_limited: 429,
  unavailable: 503,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

export class WardError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    /** A machine-readable refinement for clients that must react (e.g. `mfa_required`). */
    readonly reason?: string,
  ) {
    super(message);
    this.name = 'WardError';
  }

  get status(): number {
    return ERROR_STATUS[this.code];
  }
}

export const invalid = (message: string) => new WardError('invalid', message);
export const unauthenticated = (message: string, reason?: string) =>
  new WardError('unauthenticated', message, reason);
export const forbidden = (message: string, reason?: string) => new WardError('forbidden', message, reason);
export const notFound = (message: string) => new WardError('not_found', message);
export const conflict = (message: string) => new WardError('conflict', message);
export const rateLimited = (message: string) => new WardError('rate_limited', message);
export const unavailable = (message: string) => new WardError('unavailable', message);

export const isWardError = (e: unknown): e is WardError => e instanceof WardError;
