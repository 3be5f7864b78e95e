/**
 * @module http/plugins/auth
 * Works out who is calling. A bearer token (CLI, scripts) or the console's session cookie; with
 * the cookie, a request that changes something must also echo the CSRF cookie in the
 * `x-csrf-token` header (double submit; the session cookie is SameSite=Strict as well). Every
 * route needs a signed-in caller unless it is declared `config: { public: true }` (or
 * `publicOnLoopback`: public to this machine only), and every other API route must name its
 * permission (`config: { permission }`, see src/policy), which the policy's gate checks for every
 * request: fail closed. Refusals here are audit events (`access.denied`).
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { IdentityService } from '../../identity/index.js';
import { anonymous, type RequestContext } from '../../lib/context.js';
import { forbidden, isWardError, unauthenticated } from '../../lib/errors.js';
import { isLoopback } from '../../lib/loopback.js';
import { randomSecret, safeEqual } from '../../lib/secrets.js';
import { gate, type Permission } from '../../policy/index.js';

declare module 'fastify' {
  interface FastifyRequest {
    ctx: RequestContext;
    /** Set while the onRequest checks run, so a refusal there is told apart from one later. */
    deniedAtDoor: boolean;
  }
  interface FastifyContextConfig {
    public?: boolean;
    /**
     * Public to callers on this machine (a loopback socket address); anyone else needs a token
     * and the route's permission, like any other route.
     */
    publicOnLoopback?: boolean;
    /** What the route does, in the policy's terms (src/policy/permissions.ts). */
    permission?: Permission;
    /** False for routes that only look at the session: they do not count as activity. */
    activity?: boolean;
  }
  interface FastifyInstance {
    /** Every API route with its permission, for the policy test that walks them all. */
    wardRoutes: { method: string; url: string; permission?: Permission; public: boolean }[];
  }
}

export const SESSION_COOKIE = 'ward_session';
export const CSRF_COOKIE = 'ward_csrf';
export const CSRF_HEADER = 'x-csrf-token';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
/** A request with no credentials at all is not worth an audit event (a signed-out console asks /me). */
const NO_CREDENTIALS = 'no_credentials';

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
  app.decorateRequest('deniedAtDoor', false);
  app.decorate('wardRoutes', []);
  app.addHook('onRoute', (route) => {
    if (!route.url.startsWith('/api/') || route.schema?.hide) return;
    const isPublic = route.config?.public === true;
    for (const method of [route.method].flat())
      if (method !== 'HEAD')
        app.wardRoutes.push({
          method,
          url: route.url,
          permission: route.config?.permission,
          public: isPublic,
        });
  });
  app.addHook('onError', async (req, _reply, err) => {
    // Refusals at the door (bad or ended token, CSRF, scope, MFA) and refused reads leave a
    // trace; refused changes are recorded by the service that refused them (audit.mutate).
    if (!isWardError(err) || (err.code !== 'unauthenticated' && err.code !== 'forbidden')) return;
    if (err.reason === NO_CREDENTIALS || (!req.deniedAtDoor && !SAFE_METHODS.has(req.method))) return;
    await identity
      .recordDenied(req.ctx ?? anonymous(req.ip, req.id), {
        method: req.method,
        route: req.routeOptions.url ?? 'unmatched',
        status: err.status,
        reason: err.reason ?? err.code,
        message: err.message,
      })
      .catch((e) => req.log.error({ err: e }, 'could not record a refused request'));
  });
  app.addHook('onRequest', async (req, reply) => {
    req.deniedAtDoor = true;
    req.ctx = anonymous(req.ip, req.id);
    const config = req.routeOptions.config;
    const isPublic =
      config?.public === true ||
      req.routeOptions.url === undefined ||
      (config?.publicOnLoopback === true && isLoopback(req.ip));
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
            'csrf',
          );
        }
      }
    }
    if (token) {
      let p: Awaited<ReturnType<IdentityService['authenticate']>>;
      try {
        p = await identity.authenticate(token, { activity: config?.activity !== false });
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
          mfa: p.mfa,
          ...(p.service ? { service: true } : {}),
        },
        ip: req.ip,
        requestId: req.id,
      };
      if (!isPublic) gate(p, config?.permission);
    } else if (!isPublic) {
      throw unauthenticated(
        'sign in first: send "Authorization: Bearer <token>" (ward login prints one)',
        NO_CREDENTIALS,
      );
    }
    req.deniedAtDoor = false;
  });
}
