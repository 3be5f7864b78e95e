/**
 * @module http/routes/compliance-publicity
 * An org's publicity switches (the public badge and trust page: read them, turn them on or off)
 * and the notices it was sent about changes to the subprocessor list.
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { type PublicityService, publicitySchemas, type SubprocessorService } from '../../compliance/index.js';
import { orgRef } from '../../orgs/index.js';

const tags = ['compliance'];

export function compliancePublicityRoutes(
  app: FastifyInstance,
  deps: { publicity: PublicityService; subprocessors: SubprocessorService },
) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const params = z.object({ org: orgRef });
  r.get(
    '/api/v1/orgs/:org/compliance/publicity',
    {
      config: { permission: 'compliance.read' },
      schema: {
        tags,
        summary: 'Whether the public badge and trust page are on, and their paths',
        params,
        response: { 200: publicitySchemas.publicityView },
      },
    },
    (req) => deps.publicity.get(req.ctx, req.params.org),
  );
  r.put(
    '/api/v1/orgs/:org/compliance/publicity',
    {
      config: { permission: 'compliance.manage' },
      schema: {
        tags,
        summary: 'Turn the public badge or trust page on or off (both are off until an owner turns them on)',
        params,
        body: publicitySchemas.publicityBody,
        response: { 200: publicitySchemas.publicityView },
      },
    },
    (req) => deps.publicity.set(req.ctx, req.params.org, req.body),
  );
  r.get(
    '/api/v1/orgs/:org/compliance/notices',
    {
      config: { permission: 'compliance.read' },
      schema: {
        tags,
        summary: 'Notices the org was sent about changes to the subprocessor list, newest first',
        params,
        response: { 200: z.array(publicitySchemas.noticeView) },
      },
    },
    (req) => deps.subprocessors.notices(req.ctx, req.params.org),
  );
}
