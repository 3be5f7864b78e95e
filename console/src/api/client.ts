/**
 * @module api/client
 * fetch for Ward's API with the console's cookie session. The session cookie is httpOnly, so the
 * console never sees a token and keeps nothing in web storage; a request that changes something
 * echoes the readable `ward_csrf` cookie in `x-csrf-token` (double submit, see
 * src/http/plugins/auth.ts). Failures become an ApiError carrying the API's own message.
 */

const CSRF_COOKIE = 'ward_csrf';
const CSRF_HEADER = 'x-csrf-token';

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** An answer of `{"error": {"code", "message"}}`, or no answer at all (status 0). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** The API's machine-readable refinement, e.g. `mfa_required`. */
    readonly reason?: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export const isUnauthenticated = (err: unknown): boolean => err instanceof ApiError && err.status === 401;

function readCookie(name: string): string | undefined {
  for (const part of document.cookie.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return decodeURIComponent(part.slice(eq + 1).trim());
  }
  return undefined;
}

export function errorOf(status: number, data: unknown, text: string): ApiError {
  const error = (data as { error?: { code?: unknown; message?: unknown; reason?: unknown } } | undefined)
    ?.error;
  if (error && typeof error.message === 'string') {
    const reason = typeof error.reason === 'string' ? error.reason : undefined;
    return new ApiError(status, typeof error.code === 'string' ? error.code : 'error', error.message, reason);
  }
  return new ApiError(status, 'error', `Ward answered ${status}${text ? `: ${text.slice(0, 200)}` : ''}`);
}

let lastActivity = Date.now();

/** When the console last made a request that counts as activity for the session's idle limit. */
export const lastActivityAt = (): number => lastActivity;

/** Calls `/api/v1{path}`; resolves with the JSON body (undefined for 204), rejects with ApiError. */
export async function api<T>(method: Method, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  // No content-type without a body: Fastify refuses an empty JSON body.
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET') {
    const csrf = readCookie(CSRF_COOKIE);
    if (csrf) headers[CSRF_HEADER] = csrf;
  }
  // Asking about the session is not activity (Ward does not count it either).
  if (path !== '/auth/session') lastActivity = Date.now();
  let res: Response;
  try {
    res = await fetch(`/api/v1${path}`, {
      method,
      headers,
      credentials: 'same-origin',
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (err) {
    throw new ApiError(
      0,
      'network',
      `Ward did not answer (${(err as Error).message}); check that it is running`,
    );
  }
  const text = res.status === 204 ? '' : await res.text();
  let data: unknown;
  try {
    data = text ? JSON.parse(text) : undefined;
  } catch {
    data = undefined;
  }
  if (!res.ok) throw errorOf(res.status, data, text);
  return data as T;
}

/** The CSRF header a request that changes something (or a POST for a file) must carry. */
export function csrfHeaders(): Record<string, string> {
  const csrf = readCookie(CSRF_COOKIE);
  return csrf ? { [CSRF_HEADER]: csrf } : {};
}

/** A path segment from user-visible data (org names, ids). */
export const seg = (s: string): string => encodeURIComponent(s);
