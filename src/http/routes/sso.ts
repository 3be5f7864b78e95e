/**
 * @module http/routes/sso
 * Single sign-on: the browser's round trip through the org's identity provider (start and
 * callback are top-level navigations, so their failures come back to the console's sign-in page
 * as `?sso_error=`), and the org's configuration (owner).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { type SsoService, ssoBody, ssoView } from '../../access/index.js';
import { emailSchema } from '../../identity/index.js';
import { isWardError } from '../../lib/errors.js';
import { orgRef } from '../../orgs/index.js';
import { setSessionCookies } from '../plugins/auth.js';

const FLOW_COOKIE = 'ward_sso';
const FLOW_PATH = '/api/v1/auth/sso';

/** Ward's own address as the browser reached it: the provider sends the browser back here. */
export const baseUrlOf = (req: FastifyRequest): string => `${req.protocol}://${req.host}`;

function backToSignIn(reply: FastifyReply, err: unknown) {
  if (!isWardError(err)) throw err;
  reply.clearCookie(FLOW_COOKIE, { path: FLOW_PATH });
  return reply.redirect(`/?sso_error=${encodeURIComponent(err.message)}`, 303);
}

export function ssoRoutes(app: FastifyInstance, sso: SsoService, opts: { secureCookies: boolean }) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['auth'];
  r.get(
    `${FLOW_PATH}/start`,
    {
      config: { public: true, rateLimit: { max: 30, timeWindow: '1 minute' } },
      schema: {
        tags,
        summary: 'Sign in through your organization’s identity provider (redirects)',
        querystring: z.object({ email: emailSchema }),
      },
    },
    async (req, reply) => {
      try {
        const { url, verifier } = await sso.start(req.query.email, baseUrlOf(req));
        // Lax, not Strict: the provider's redirect back is a cross-site navigation.
        reply.setCookie(FLOW_COOKIE, verifier, {
          path: FLOW_PATH,
          httpOnly: true,
          sameSite: 'lax',
          secure: opts.secureCookies,
          maxAge: 600,
        });
        return reply.redirect(url, 303);
      } catch (err) {
        return backToSignIn(reply, err);
      }
    },
  );
  r.get(
    `${FLOW_PATH}/callback`,
    {
      config: { public: true, rateLimit: { max: 30, timeWindow: '1 minute' } },
      schema: {
        tags,
        summary: 'Where the identity provider sends the browser back',
        // What an OpenID provider sends back (RFC 6749 4.1.2, RFC 9207's iss); others pass through.
        querystring: z.looseObject(
          Object.fromEntries(
            ['code', 'state', 'iss', 'error', 'error_description', 'session_state'].map((k) => [
              k,
              z.string().max(4000).optional(),
            ]),
          ),
        ),
      },
    },
    async (req, reply) => {
      try {
        const current = new URL(req.url, baseUrlOf(req));
        const session = await sso.finish(req.ctx, current, req.cookies[FLOW_COOKIE]);
        reply.clearCookie(FLOW_COOKIE, { path: FLOW_PATH });
        setSessionCookies(reply, session.token, new Date(session.expires_at), opts.secureCookies);
        return reply.redirect('/', 303);
      } catch (err) {
        return backToSignIn(reply, err);
      }
    },
  );

  const params = z.object({ org: orgRef });
  const path = '/api/v1/orgs/:org/sso';
  r.get(
    path,
    { config: { permission: 'sso.read' }, schema: { tags: ['sso'], params, response: { 200: ssoView } } },
    (req) => sso.get(req.ctx, req.params.org, baseUrlOf(req)),
  );
  r.put(
    path,
    {
      config: { permission: 'sso.manage' },
      schema: {
        tags: ['sso'],
        summary: 'Configure OpenID Connect single sign-on (owner)',
        params,
        body: ssoBody,
        response: { 200: ssoView },
      },
    },
    (req) => sso.set(req.ctx, req.params.org, req.body, baseUrlOf(req)),
  );
  r.delete(
    path,
    { config: { permission: 'sso.manage' }, schema: { tags: ['sso'], params } },
    async (req, reply) => {
      await sso.remove(req.ctx, req.params.org);
      return reply.code(204).send();
    },
  );
}
