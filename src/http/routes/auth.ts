/**
 * @module http/routes/auth
 * Sign-in, sign-out, and who am I. The console signs in with `cookie: true` and receives an
 * httpOnly session cookie instead of a token in the body.
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { type IdentityService, loginBody, sessionView, userView } from '../../identity/index.js';
import { clearSessionCookies, setSessionCookies } from '../plugins/auth.js';

export function authRoutes(
  app: FastifyInstance,
  identity: IdentityService,
  opts: { secureCookies: boolean },
) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  r.post(
    '/api/v1/auth/login',
    {
      config: { public: true, rateLimit: { max: 30, timeWindow: '1 minute' } },
      schema: {
        tags: ['auth'],
        summary: 'Sign in with email and password (and totp, with two-step verification)',
        body: loginBody.extend({ cookie: z.boolean().optional() }),
        response: {
          200: z.object({
            token: z.string().optional(),
            expires_at: z.string(),
            idle_minutes: z.number(),
            user: userView.pick({ id: true, email: true, name: true, operator: true }),
            csrf_token: z.string().optional(),
          }),
        },
      },
    },
    async (req, reply) => {
      const { cookie, ...creds } = req.body;
      const session = await identity.login(req.ctx, creds);
      if (!cookie) return session;
      const csrf = setSessionCookies(reply, session.token, new Date(session.expires_at), opts.secureCookies);
      return {
        expires_at: session.expires_at,
        idle_minutes: session.idle_minutes,
        user: session.user,
        csrf_token: csrf,
      };
    },
  );
  r.post(
    '/api/v1/auth/logout',
    {
      config: { permission: 'session.end' },
      schema: { tags: ['auth'], summary: 'Sign out: revoke this session' },
    },
    async (req, reply) => {
      await identity.logout(req.ctx);
      clearSessionCookies(reply);
      return reply.code(204).send();
    },
  );
  r.get(
    '/api/v1/me',
    { config: { permission: 'session.read' }, schema: { tags: ['auth'], response: { 200: userView } } },
    (req) => identity.me(req.ctx),
  );
  r.get(
    '/api/v1/auth/session',
    {
      config: { permission: 'session.read', activity: false },
      schema: {
        tags: ['auth'],
        summary:
          'This session: when it ends, its idle limit, and whether MFA is still to enroll (not counted as activity)',
        response: { 200: sessionView },
      },
    },
    (req) => identity.session(req.ctx),
  );
}
