/**
 * @module http/routes/subprocessors
 * The operator's subprocessor list: anyone signed in reads it; the operator announces a new
 * subprocessor, a change or a removal, each taking effect at its `effective_at` (at least the
 * notice period ahead).
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { type SubprocessorService, publicitySchemas as s } from '../../compliance/index.js';

const tags = ['subprocessors'];

export function subprocessorRoutes(app: FastifyInstance, subprocessors: SubprocessorService) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const byId = z.object({ id: s.subprocessorId });
  r.get(
    '/api/v1/subprocessors',
    {
      config: { permission: 'subprocessor.read' },
      schema: {
        tags,
        summary: 'Every subprocessor: its details in effect, what is announced, and removals',
        response: { 200: z.array(s.subprocessorView) },
      },
    },
    (req) => subprocessors.list(req.ctx),
  );
  r.post(
    '/api/v1/subprocessors',
    {
      config: { permission: 'subprocessor.manage' },
      schema: {
        tags,
        summary:
          'Announce a new subprocessor; every HIPAA org is told at once, and it takes effect at effective_at',
        body: s.createSubprocessorBody,
        response: { 201: s.subprocessorView },
      },
    },
    async (req, reply) => reply.code(201).send(await subprocessors.create(req.ctx, req.body)),
  );
  r.patch(
    '/api/v1/subprocessors/:id',
    {
      config: { permission: 'subprocessor.manage' },
      schema: {
        tags,
        summary: "Announce a change to a subprocessor's details, taking effect at effective_at",
        params: byId,
        body: s.updateSubprocessorBody,
        response: { 200: s.subprocessorView },
      },
    },
    (req) => subprocessors.update(req.ctx, req.params.id, req.body),
  );
  r.delete(
    '/api/v1/subprocessors/:id',
    {
      config: { permission: 'subprocessor.manage' },
      schema: {
        tags,
        summary: 'Announce that a subprocessor will no longer be used from effective_at',
        params: byId,
        body: s.removeSubprocessorBody,
        response: { 200: s.subprocessorView },
      },
    },
    (req) => subprocessors.remove(req.ctx, req.params.id, req.body),
  );
}
