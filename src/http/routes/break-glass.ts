/**
 * @module http/routes/break-glass
 * Emergency project access: ask (with a reason, at most 4 hours), list, end, review.
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  type BreakGlassService,
  breakGlassBody,
  breakGlassView,
  reviewNoteBody,
} from '../../access/index.js';
import { orgRef } from '../../orgs/index.js';
import { projectId } from '../../projects/index.js';

const id = z
  .string()
  .regex(/^brk_[a-z2-7]{16}$/, 'a break-glass id looks like brk_ followed by 16 characters');

export function breakGlassRoutes(app: FastifyInstance, bg: BreakGlassService) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['access'];
  const one = z.object({ org: orgRef, id });
  r.post(
    '/api/v1/projects/:id/break-glass',
    {
      config: { permission: 'breakglass.request' },
      schema: {
        tags,
        summary: 'Emergency access now, for at most 4 hours; every owner is alerted',
        params: z.object({ id: projectId }),
        body: breakGlassBody,
        response: { 201: breakGlassView },
      },
    },
    async (req, reply) => reply.code(201).send(await bg.request(req.ctx, req.params.id, req.body)),
  );
  r.get(
    '/api/v1/orgs/:org/break-glass',
    {
      config: { permission: 'breakglass.read' },
      schema: {
        tags,
        params: z.object({ org: orgRef }),
        response: { 200: z.object({ break_glass: z.array(breakGlassView) }) },
      },
    },
    async (req) => ({ break_glass: await bg.list(req.ctx, req.params.org) }),
  );
  r.post(
    '/api/v1/orgs/:org/break-glass/:id/end',
    {
      config: { permission: 'breakglass.end' },
      schema: { tags, summary: 'End emergency access now', params: one, response: { 200: breakGlassView } },
    },
    (req) => bg.end(req.ctx, req.params.org, req.params.id),
  );
  r.post(
    '/api/v1/orgs/:org/break-glass/:id/review',
    {
      config: { permission: 'breakglass.review' },
      schema: {
        tags,
        summary: 'Review emergency access (owner): clears its flag',
        params: one,
        body: reviewNoteBody,
        response: { 200: breakGlassView },
      },
    },
    (req) => bg.review(req.ctx, req.params.org, req.params.id, req.body.note),
  );
}
