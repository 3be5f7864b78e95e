/**
 * @module http/routes/db
 * Database access through the gateway: short-lived credentials for a project, and the
 * break-glass read of a recorded statement's raw text.
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  createCredentialsBody,
  credentialsView,
  type DbAccessService,
  statementTextBody,
  statementTextView,
} from '../../dbaccess/index.js';
import { auditEventId } from '../../evidence/index.js';
import { orgRef } from '../../orgs/index.js';
import { projectId } from '../../projects/index.js';

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
  r.post(
    '/api/v1/orgs/:org/audit-events/:id/statement-text',
    {
      config: { permission: 'db.text.read' },
      schema: {
        tags: ['database'],
        summary:
          "A db.statement event's raw text, decrypted (break-glass, owners): it may hold PHI; the read and its reason are recorded",
        params: z.object({ org: orgRef, id: auditEventId }),
        body: statementTextBody,
        response: { 200: statementTextView },
      },
    },
    async (req, reply) => {
      reply.header('cache-control', 'no-store');
      return dbaccess.readStatementText(req.ctx, req.params.org, req.params.id, req.body.reason);
    },
  );
}
