/**
 * @module http/routes/projects
 * Projects, and the regions they can run in.
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { regionSchema } from '../../config/config.schema.js';
import { orgRef } from '../../orgs/orgs.schemas.js';
import {
  createProjectBody,
  listProjectsQuery,
  projectId,
  projectList,
  projectView,
  updateProjectBody,
} from '../../projects/projects.schemas.js';
import type { ProjectService } from '../../projects/projects.service.js';
import type { RegionCatalog } from '../../regions/regions.js';

export function projectRoutes(app: FastifyInstance, projects: ProjectService, regions: RegionCatalog) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const byOrg = z.object({ org: orgRef });
  const byId = z.object({ id: projectId });
  r.get(
    '/api/v1/regions',
    { schema: { tags: ['regions'], response: { 200: z.object({ regions: z.array(regionSchema) }) } } },
    async () => ({ regions: regions.list() }),
  );
  r.post(
    '/api/v1/orgs/:org/projects',
    {
      schema: {
        tags: ['projects'],
        summary: 'Create a project: a dedicated PostgreSQL cluster',
        params: byOrg,
        body: createProjectBody,
        response: { 201: projectView },
      },
    },
    async (req, reply) => reply.code(201).send(await projects.create(req.ctx, req.params.org, req.body)),
  );
  r.get(
    '/api/v1/orgs/:org/projects',
    {
      schema: {
        tags: ['projects'],
        params: byOrg,
        querystring: listProjectsQuery,
        response: { 200: projectList },
      },
    },
    (req) => projects.list(req.ctx, req.params.org, req.query),
  );
  r.get(
    '/api/v1/projects/:id',
    { schema: { tags: ['projects'], params: byId, response: { 200: projectView } } },
    (req) => projects.get(req.ctx, req.params.id),
  );
  r.patch(
    '/api/v1/projects/:id',
    { schema: { tags: ['projects'], params: byId, body: updateProjectBody, response: { 200: projectView } } },
    (req) => projects.update(req.ctx, req.params.id, req.body),
  );
  r.delete(
    '/api/v1/projects/:id',
    {
      schema: {
        tags: ['projects'],
        summary: 'Delete a project: stop and remove its cluster',
        params: byId,
        response: { 200: projectView },
      },
    },
    (req) => projects.remove(req.ctx, req.params.id),
  );
}
