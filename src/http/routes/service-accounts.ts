/**
 * @module http/routes/service-accounts
 * An org's service accounts and their scoped, expiring tokens (shown once).
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  accountId,
  createServiceAccountBody,
  createServiceTokenBody,
  type ServiceAccountService,
  serviceAccountView,
} from '../../access/index.js';
import { createdToken, tokenView } from '../../identity/index.js';
import { orgRef } from '../../orgs/index.js';

const tokenId = z
  .string()
  .regex(/^tok_[a-z2-7]{16}$/, 'a token id looks like tok_ followed by 16 characters');

export function serviceAccountRoutes(app: FastifyInstance, sas: ServiceAccountService) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['service accounts'];
  const base = '/api/v1/orgs/:org/service-accounts';
  const byOrg = z.object({ org: orgRef });
  const bySa = z.object({ org: orgRef, sa: accountId });
  const read = { permission: 'serviceaccount.read' as const };
  const manage = { permission: 'serviceaccount.manage' as const };
  r.post(
    base,
    {
      config: manage,
      schema: {
        tags,
        summary: 'Create a service account with an org role (never owner)',
        params: byOrg,
        body: createServiceAccountBody,
        response: { 201: serviceAccountView },
      },
    },
    async (req, reply) => reply.code(201).send(await sas.create(req.ctx, req.params.org, req.body)),
  );
  r.get(
    base,
    {
      config: read,
      schema: {
        tags,
        params: byOrg,
        response: { 200: z.object({ service_accounts: z.array(serviceAccountView) }) },
      },
    },
    async (req) => ({
      service_accounts: await sas.list(req.ctx, req.params.org),
    }),
  );
  r.delete(
    `${base}/:sa`,
    {
      config: manage,
      schema: { tags, summary: 'Delete a service account: its tokens and grants are revoked', params: bySa },
    },
    async (req, reply) => {
      await sas.remove(req.ctx, req.params.org, req.params.sa);
      return reply.code(204).send();
    },
  );
  r.post(
    `${base}/:sa/tokens`,
    {
      config: manage,
      schema: {
        tags,
        summary: 'Create a scoped, expiring token (90 days at most in a HIPAA org); shown once',
        params: bySa,
        body: createServiceTokenBody,
        response: { 201: createdToken },
      },
    },
    async (req, reply) =>
      reply.code(201).send(await sas.createToken(req.ctx, req.params.org, req.params.sa, req.body)),
  );
  r.get(
    `${base}/:sa/tokens`,
    {
      config: read,
      schema: { tags, params: bySa, response: { 200: z.object({ tokens: z.array(tokenView) }) } },
    },
    async (req) => ({
      tokens: await sas.listTokens(req.ctx, req.params.org, req.params.sa),
    }),
  );
  r.delete(
    `${base}/:sa/tokens/:token`,
    {
      config: manage,
      schema: {
        tags,
        summary: 'Revoke a service account token',
        params: bySa.extend({ token: tokenId }),
        response: { 200: tokenView },
      },
    },
    (req) => sas.revokeToken(req.ctx, req.params.org, req.params.sa, req.params.token),
  );
}
