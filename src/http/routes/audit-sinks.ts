/**
 * @module http/routes/audit-sinks
 * Where an org's audit log is copied: file, syslog over TLS, HTTPS webhook; with delivery status.
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  type AuditAccess,
  createdSink,
  createSinkBody,
  type SinkService,
  sinkView,
  updateSinkBody,
} from '../../audit/index.js';
import { orgRef } from '../../orgs/index.js';

const sinkId = z.string().regex(/^snk_[a-z2-7]{16}$/, 'a sink id looks like snk_ followed by 16 characters');

export function auditSinkRoutes(app: FastifyInstance, deps: { sinks: SinkService; access: AuditAccess }) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const { sinks, access } = deps;
  const params = z.object({ org: orgRef });
  const withId = z.object({ org: orgRef, id: sinkId });
  const tags = ['audit'];
  r.get(
    '/api/v1/orgs/:org/audit-sinks',
    {
      config: { permission: 'audit.sinks.read' },
      schema: {
        tags,
        summary: 'Audit sinks and their delivery status',
        params,
        response: { 200: z.object({ sinks: z.array(sinkView) }) },
      },
    },
    async (req) => ({
      sinks: await sinks.list(await access.chainFor(req.ctx, req.params.org, 'read')),
    }),
  );
  r.post(
    '/api/v1/orgs/:org/audit-sinks',
    {
      config: { permission: 'audit.configure' },
      schema: {
        tags,
        summary: 'Add a sink; a webhook’s HMAC secret is shown once',
        params,
        body: createSinkBody,
        response: { 201: createdSink },
      },
    },
    async (req, reply) =>
      reply
        .code(201)
        .send(await sinks.create(req.ctx, await access.chainFor(req.ctx, req.params.org, 'admin'), req.body)),
  );
  r.patch(
    '/api/v1/orgs/:org/audit-sinks/:id',
    {
      config: { permission: 'audit.configure' },
      schema: {
        tags,
        summary: 'Switch a sink on or off',
        params: withId,
        body: updateSinkBody,
        response: { 200: sinkView },
      },
    },
    async (req) =>
      sinks.update(
        req.ctx,
        await access.chainFor(req.ctx, req.params.org, 'admin'),
        req.params.id,
        req.body.enabled,
      ),
  );
  r.delete(
    '/api/v1/orgs/:org/audit-sinks/:id',
    { config: { permission: 'audit.configure' }, schema: { tags, summary: 'Remove a sink', params: withId } },
    async (req, reply) => {
      await sinks.remove(req.ctx, await access.chainFor(req.ctx, req.params.org, 'admin'), req.params.id);
      return reply.code(204).send();
    },
  );
}
