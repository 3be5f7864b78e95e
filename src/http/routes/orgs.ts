/**
 * @module http/routes/orgs
 * Organizations and members. `{org}` is the org's id or name.
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  addMemberBody,
  createOrgBody,
  memberView,
  type OrgService,
  orgRef,
  orgView,
  updateOrgBody,
} from '../../orgs/index.js';

const params = z.object({ org: orgRef });

export function orgRoutes(app: FastifyInstance, orgs: OrgService) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  r.post(
    '/api/v1/orgs',
    {
      config: { permission: 'org.create' },
      schema: {
        tags: ['orgs'],
        summary: 'Create an organization; you become its owner',
        body: createOrgBody,
        response: { 201: orgView },
      },
    },
    async (req, reply) => reply.code(201).send(await orgs.create(req.ctx, req.body.name)),
  );
  r.get(
    '/api/v1/orgs',
    {
      config: { permission: 'org.list' },
      schema: { tags: ['orgs'], response: { 200: z.object({ orgs: z.array(orgView) }) } },
    },
    async (req) => ({ orgs: await orgs.list(req.ctx) }),
  );
  r.get(
    '/api/v1/orgs/:org',
    { config: { permission: 'org.read' }, schema: { tags: ['orgs'], params, response: { 200: orgView } } },
    (req) => orgs.get(req.ctx, req.params.org),
  );
  r.patch(
    '/api/v1/orgs/:org',
    {
      config: { permission: 'org.update' },
      schema: {
        tags: ['orgs'],
        summary: 'Change the plan (operator) or settings (owner, admin)',
        params,
        body: updateOrgBody,
        response: { 200: orgView },
      },
    },
    (req) => orgs.update(req.ctx, req.params.org, req.body),
  );
  r.get(
    '/api/v1/orgs/:org/members',
    {
      config: { permission: 'member.list' },
      schema: { tags: ['orgs'], params, response: { 200: z.object({ members: z.array(memberView) }) } },
    },
    async (req) => ({
      members: await orgs.listMembers(req.ctx, req.params.org),
    }),
  );
  r.post(
    '/api/v1/orgs/:org/members',
    {
      config: { permission: 'member.manage' },
      schema: {
        tags: ['orgs'],
        summary: 'Add an existing account with a role (owner)',
        params,
        body: addMemberBody,
        response: { 201: memberView },
      },
    },
    async (req, reply) => reply.code(201).send(await orgs.addMember(req.ctx, req.params.org, req.body)),
  );
}
