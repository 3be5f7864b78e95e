/**
 * @module http/routes/db
 * Database access through the gateway: short-lived credentials for a project.
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { createCredentialsBody, credentialsView } from '../../dbaccess/dbaccess.schemas.js';
import type { DbAccessService } from '../../dbaccess/index.js';
import { projectId } from '../../projects/projects.schemas.js';

export function dbRoutes(app: FastifyInstance, dbaccess: DbAccessService) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  r.post(
    '/api/v1/projects/:id/credentials',
    {
      config: { permission: 'db.credentials' },
      schema: {
        tags: ['database'],
        summary:
          'A short-lived database password (15 minutes unless ttl_minutes says otherwise, at most 60) and how to connect through the gateway',
        params: z.object({ id: projectId }),
        body: createCredentialsBody,
        response: { 201: credentialsView },
      },
    },
    async (req, reply) =>
      reply.code(201).send(await dbaccess.issueCredentials(req.ctx, req.params.id, req.body)),
  );
}
