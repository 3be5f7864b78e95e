/**
 * @module lib/context
 * Who is acting, and from where. Every service method that changes something takes a context;
 * the audit event for the change is written from it.
 */

export type Actor =
  | {
      type: 'user';
      id: string;
      email: string;
      operator: boolean;
      token_id: string;
      scopes?: string[];
      /** A service account rather than a person. */
      service?: boolean;
      /** The session (or the session that made this token) passed a second factor. */
      mfa?: boolean;
    }
  | { type: 'system'; id: 'ward' }
  | { type: 'anonymous' };

export interface RequestContext {
  actor: Actor;
  /** The client's address as the edge saw it (null for work Ward starts itself). */
  ip: string | null;
  requestId?: string;
}

export const SYSTEM: RequestContext = { actor: { type: 'system', id: 'ward' }, ip: null };

export function anonymous(ip: string | null, requestId?: string): RequestContext {
  return { actor: { type: 'anonymous' }, ip, requestId };
}
