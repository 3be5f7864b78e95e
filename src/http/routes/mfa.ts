/**
 * @module http/routes/mfa
 * Two-step verification for the signed-in person: state, enroll (secret and QR code), confirm
 * (turns it on, returns recovery codes once), remove; and the operator's reset for someone who
 * lost their device and codes.
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  type IdentityService,
  mfaStatus,
  totpCodeBody,
  totpEnrollment,
  userId,
  userView as userViewSchema,
} from '../../identity/index.js';

export function mfaRoutes(app: FastifyInstance, identity: IdentityService) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['auth'];
  const mfa = { permission: 'mfa.manage' as const };
  r.get(
    '/api/v1/auth/mfa',
    {
      config: mfa,
      schema: { tags, summary: 'Your two-step verification state', response: { 200: mfaStatus } },
    },
    (req) => identity.mfa.status(req.ctx),
  );
  r.post(
    '/api/v1/auth/mfa/totp',
    {
      config: mfa,
      schema: {
        tags,
        summary: 'Start enrolling an authenticator app: its secret and QR code',
        response: { 201: totpEnrollment },
      },
    },
    async (req, reply) => reply.code(201).send(await identity.mfa.enroll(req.ctx)),
  );
  r.post(
    '/api/v1/auth/mfa/totp/verify',
    {
      config: mfa,
      schema: {
        tags,
        summary: 'Confirm with a first code: turns two-step verification on; recovery codes are shown once',
        body: totpCodeBody,
        response: { 200: z.object({ recovery_codes: z.array(z.string()) }) },
      },
    },
    (req) => identity.mfa.confirm(req.ctx, req.body.code),
  );
  r.delete(
    '/api/v1/auth/mfa/totp',
    {
      config: mfa,
      schema: { tags, summary: 'Turn two-step verification off (needs a current code)', body: totpCodeBody },
    },
    async (req, reply) => {
      await identity.mfa.remove(req.ctx, req.body.code);
      return reply.code(204).send();
    },
  );
  r.post(
    '/api/v1/users/:id/mfa/reset',
    {
      config: { permission: 'user.admin' },
      schema: {
        tags: ['users'],
        summary: "Remove a person's two-step verification and sign them out (operator)",
        params: userId,
      },
    },
    async (req, reply) => {
      await identity.mfa.reset(req.ctx, req.params.id);
      return reply.code(204).send();
    },
  );
  for (const [verb, run] of [
    ['disable', identity.disableUser],
    ['enable', identity.enableUser],
    ['unlock', identity.unlock],
  ] as const) {
    r.post(
      `/api/v1/users/:id/${verb}`,
      {
        config: { permission: 'user.admin' },
        schema: {
          tags: ['users'],
          summary: `${verb[0]?.toUpperCase()}${verb.slice(1)} an account (operator)`,
          params: userId,
          response: { 200: userViewSchema },
        },
      },
      (req) => run(req.ctx, req.params.id),
    );
  }
}
