/**
 * @module http/routes/members
 * Changing a member's role and removing a member (which revokes their sessions, tokens, grants
 * and database access at once). Adding and listing members live with the org routes.
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { accountId, type MemberService, updateMemberBody } from '../../access/index.js';
import { memberView, orgRef } from '../../orgs/index.js';

export function memberRoutes(app: FastifyInstance, members: MemberService) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const params = z.object({ org: orgRef, user: accountId });
  const config = { permission: 'member.manage' as const };
  r.patch(
    '/api/v1/orgs/:org/members/:user',
    {
      config,
      schema: {
        tags: ['orgs'],
        summary: "Change a member's role (owner, admin; only owners touch the owner role)",
        params,
        body: updateMemberBody,
        response: { 200: memberView },
      },
    },
    (req) => members.update(req.ctx, req.params.org, req.params.user, req.body.role),
  );
  r.delete(
    '/api/v1/orgs/:org/members/:user',
    {
      config,
      schema: {
        tags: ['orgs'],
        summary: 'Remove a member: their sessions, tokens and grants are revoked at once',
        params,
      },
    },
    async (req, reply) => {
      await members.remove(req.ctx, req.params.org, req.params.user);
      return reply.code(204).send();
    },
  );
}
