/**
 * @module http/routes/users
 * Accounts (operator only) and personal API tokens (each person their own).
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  createdToken,
  createdUserView,
  createTokenBody,
  createUserBody,
  type IdentityService,
  tokenView,
  userView,
} from '../../identity/index.js';

const tokenId = z.object({
  id: z.string().regex(/^tok_[a-z2-7]{16}$/, 'a token id looks like tok_ followed by 16 characters'),
});

export function userRoutes(app: FastifyInstance, identity: IdentityService) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  r.post(
    '/api/v1/users',
    {
      config: { permission: 'user.create' },
      schema: {
        tags: ['users'],
        summary: 'Create an account (operator); without a password, Ward generates one, returned once',
        body: createUserBody,
        response: { 201: createdUserView },
      },
    },
    async (req, reply) => reply.code(201).send(await identity.createUser(req.ctx, req.body)),
  );
  r.get(
    '/api/v1/users',
    {
      config: { permission: 'user.admin' },
      schema: {
        tags: ['users'],
        summary: 'List accounts (operator)',
        response: { 200: z.object({ users: z.array(userView) }) },
      },
    },
    async (req) => ({
      users: await identity.listUsers(req.ctx),
    }),
  );
  r.post(
    '/api/v1/tokens',
    {
      config: { permission: 'token.manage' },
      schema: {
        tags: ['tokens'],
        summary: 'Create a personal API token; the secret is shown once',
        body: createTokenBody,
        response: { 201: createdToken },
      },
    },
    async (req, reply) => reply.code(201).send(await identity.createToken(req.ctx, req.body)),
  );
  r.get(
    '/api/v1/tokens',
    {
      config: { permission: 'token.manage' },
      schema: { tags: ['tokens'], response: { 200: z.object({ tokens: z.array(tokenView) }) } },
    },
    async (req) => ({
      tokens: await identity.listTokens(req.ctx),
    }),
  );
  r.delete(
    '/api/v1/tokens/:id',
    {
      config: { permission: 'token.manage' },
      schema: {
        tags: ['tokens'],
        summary: 'Revoke a personal API token',
        params: tokenId,
        response: { 200: tokenView },
      },
    },
    (req) => identity.revokeToken(req.ctx, req.params.id),
  );
}
