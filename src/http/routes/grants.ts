/**
 * @module http/routes/grants
 * Who can reach a project's data and why, and explicit per-project roles.
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { accountId, type GrantService, grantBody, projectAccessView } from '../../access/index.js';
import { projectId } from '../../projects/index.js';

export function grantRoutes(app: FastifyInstance, grants: GrantService) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['access'];
  const byId = z.object({ id: projectId });
  const answer = async (id: string, access: ReturnType<GrantService['list']>) => ({
    project_id: id,
    access: await access,
  });
  r.get(
    '/api/v1/projects/:id/access',
    {
      config: { permission: 'grant.read' },
      schema: {
        tags,
        summary: "Every member's role on the project, and where it comes from",
        params: byId,
        response: { 200: projectAccessView },
      },
    },
    (req) => answer(req.params.id, grants.list(req.ctx, req.params.id)),
  );
  r.put(
    '/api/v1/projects/:id/grants',
    {
      config: { permission: 'grant.manage' },
      schema: {
        tags,
        summary: 'Grant a member a project role (owner, readwrite, readonly)',
        params: byId,
        body: grantBody,
        response: { 200: projectAccessView },
      },
    },
    (req) => answer(req.params.id, grants.set(req.ctx, req.params.id, req.body)),
  );
  r.delete(
    '/api/v1/projects/:id/grants/:user',
    {
      config: { permission: 'grant.manage' },
      schema: {
        tags,
        summary: 'Revoke a project grant',
        params: z.object({ id: projectId, user: accountId }),
        response: { 200: projectAccessView },
      },
    },
    (req) => answer(req.params.id, grants.remove(req.ctx, req.params.id, req.params.user)),
  );
}
