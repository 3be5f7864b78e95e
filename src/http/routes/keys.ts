/**
 * @module http/routes/keys
 * An org's encryption keys, and rotation of its org key.
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { type OrgKeys, orgKeysView, rotationView } from '../../keys/index.js';
import { orgRef } from '../../orgs/index.js';

const params = z.object({ org: orgRef });

export function keyRoutes(app: FastifyInstance, keys: OrgKeys) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  r.get(
    '/api/v1/orgs/:org/keys',
    {
      config: { permission: 'keys.read' },
      schema: {
        tags: ['keys'],
        summary: "The org's key and its projects' keys",
        params,
        response: { 200: orgKeysView },
      },
    },
    (req) => keys.list(req.ctx, req.params.org),
  );
  r.post(
    '/api/v1/orgs/:org/keys/rotate',
    {
      config: { permission: 'keys.rotate' },
      schema: {
        tags: ['keys'],
        summary: "Rotate the org's key: its project keys are re-wrapped, no data is re-encrypted",
        params,
        response: { 200: rotationView },
      },
    },
    (req) => keys.rotate(req.ctx, req.params.org),
  );
}
