/**
 * @module http/plugins/auth
 * Works out who is calling. A bearer token (CLI, scripts) or the console's session cookie; with
 * the cookie, a request that changes something must also echo the CSRF cookie in the
 * `x-csrf-token` header (double submit; the session cookie is SameSite=Strict as well). Every
 * route needs a signed-in person unless it is declared `config: { public: true }`: fail closed.
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { IdentityService } from '../../identity/identity.service.js';
import { anonymous, type RequestContext } from '../../lib/context.js';
import { forbidden, unauthenticated } from '../../lib/errors.js';
import { randomSecret, safeEqual } from '../../lib/secrets.js';

declare module 'fastify' {
  interface FastifyRequest {
    ctx: RequestContext;
  }
  interface FastifyContextConfig {
    public?: boolean;
  }
}

export const SESSION_COOKIE = 'ward_session';
export const CSRF_COOKIE = 'ward_csrf';
export const CSRF_HEADER = 'x-csrf-token';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export function setSessionCookies(
  reply: FastifyReply,
  token: string,
  expires: Date,
  secure: boolean,
): string {
  const csrf = randomSecret(24);
  const common = { path: '/', sameSite: 'strict' as const, secure, expires };
  reply.setCookie(SESSION_COOKIE, token, { ...common, httpOnly: true });
  reply.setCookie(CSRF_COOKIE, csrf, { ...common, httpOnly: false });
  return csrf;
}

export function clearSessionCookies(reply: FastifyReply): void {
  reply.clearCookie(SESSION_COOKIE, { path: '/' });
  reply.clearCookie(CSRF_COOKIE, { path: '/' });
}

function bearerOf(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const m = /^Bearer\s+(\S+)$/i.exec(header);
  if (!m?.[1]) throw unauthenticated('the Authorization header must be "Bearer <token>"');
  return m[1];
}

export function installAuth(app: FastifyInstance, identity: IdentityService): void {
  app.decorateRequest('ctx', null as unknown as RequestContext);
  app.addHook('onRequest', async (req, reply) => {
    req.ctx = anonymous(req.ip, req.id);
    const isPublic = req.routeOptions.config?.public === true || req.routeOptions.url === undefined;
    let token = bearerOf(req.headers.authorization);
    // Public routes (sign-in, the console's files) never act on the cookie's authority.
    const fromCookie = !token && !isPublic && req.cookies[SESSION_COOKIE] !== undefined;
    if (fromCookie) {
      token = req.cookies[SESSION_COOKIE];
      if (!SAFE_METHODS.has(req.method)) {
        const sent = req.headers[CSRF_HEADER];
        const expected = req.cookies[CSRF_COOKIE];
        if (typeof sent !== 'string' || !expected || !safeEqual(Buffer.from(sent), Buffer.from(expected))) {
          throw forbidden(
            `this request changes something and carries the session cookie but not the matching ${CSRF_HEADER} header`,
          );
        }
      }
    }
    if (token) {
      let p: Awaited<ReturnType<IdentityService['authenticate']>>;
      try {
        p = await identity.authenticate(token);
      } catch (err) {
        // A session that ended (signed out elsewhere, expired, revoked) must not lock the browser
        // out: its cookies are dropped with the 401, and the console shows sign-in.
        if (fromCookie) clearSessionCookies(reply);
        throw err;
      }
      req.ctx = {
        actor: {
          type: 'user',
          id: p.userId,
          email: p.email,
          operator: p.operator,
          token_id: p.tokenId,
          scopes: p.scopes,
        },
        ip: req.ip,
        requestId: req.id,
      };
    } else if (!isPublic) {
      throw unauthenticated('sign in first: send "Authorization: Bearer <token>" (ward login prints one)');
    }
  });
}
