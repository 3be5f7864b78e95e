/**
 * @module policy/principals
 * The signed-in caller as services see it, from the request context.
 */
import type { RequestContext } from '../lib/context.js';
import { forbidden, unauthenticated } from '../lib/errors.js';

export type UserActor = Extract<RequestContext['actor'], { type: 'user' }>;

export function principalOf(ctx: RequestContext): UserActor {
  if (ctx.actor.type !== 'user') throw unauthenticated('sign in first: this needs a bearer token');
  return ctx.actor;
}

export function requireOperator(ctx: RequestContext, what: string): void {
  if (!principalOf(ctx).operator) throw forbidden(`only the operator can ${what}`);
}
