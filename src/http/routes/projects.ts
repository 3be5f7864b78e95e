/**
 * @module http/routes/projects
 * Projects (regions are in routes/regions.ts).
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { orgRef } from '../../orgs/index.js';
import {
  createProjectBody,
  deleteProjectBody,
  listProjectsQuery,
  type ProjectService,
  projectId,
  projectList,
  projectView,
  setPlaintextBody,
  updateProjectBody,
} from '../../projects/index.js';

export function projectRoutes(app: FastifyInstance, projects: ProjectService) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const byOrg = z.object({ org: orgRef });
  const byId = z.object({ id: projectId });
  r.post(
    '/api/v1/orgs/:org/projects',
    {
      config: { permission: 'project.create' },
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
      config: { permission: 'project.read' },
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
    {
      config: { permission: 'project.read' },
      schema: { tags: ['projects'], params: byId, response: { 200: projectView } },
    },
    (req) => projects.get(req.ctx, req.params.id),
  );
  r.patch(
    '/api/v1/projects/:id',
    {
      config: { permission: 'project.manage' },
      schema: { tags: ['projects'], params: byId, body: updateProjectBody, response: { 200: projectView } },
    },
    (req) => projects.update(req.ctx, req.params.id, req.body),
  );
  r.put(
    '/api/v1/projects/:id/plaintext',
    {
      config: { permission: 'project.manage' },
      schema: {
        tags: ['projects'],
        summary:
          "Allow or refuse plaintext connections to a standard project from the gateway's own machine (loopback); every other connection needs TLS. Refused for HIPAA projects",
        params: byId,
        body: setPlaintextBody,
        response: { 200: projectView },
      },
    },
    (req) => projects.setPlaintext(req.ctx, req.params.id, req.body.allowed),
  );
  r.delete(
    '/api/v1/projects/:id',
    {
      config: { permission: 'project.manage' },
      schema: {
        tags: ['projects'],
        summary:
          'Delete a project: stop and remove its cluster. A HIPAA project needs {"audit_log_exported": true} and is destroyed after a grace period',
        params: byId,
        body: deleteProjectBody,
        response: { 200: projectView },
      },
    },
    (req) => projects.remove(req.ctx, req.params.id, req.body ?? {}),
  );
  r.post(
    '/api/v1/projects/:id/undelete',
    {
      config: { permission: 'project.undelete' },
      schema: {
        tags: ['projects'],
        summary: 'Keep a deleted HIPAA project during its grace period: it runs again',
        params: byId,
        response: { 200: projectView },
      },
    },
    (req) => projects.undelete(req.ctx, req.params.id),
  );
}
