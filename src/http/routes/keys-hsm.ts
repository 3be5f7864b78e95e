/**
 * @module http/routes/keys-hsm
 * An org's root key in its own HSM (PKCS#11): its state, setting it up (the org keys re-wrapped
 * under the HSM key), and moving back to Ward's own root key.
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { type HsmService, hsmView, setHsmBody } from '../../keys/index.js';
import { orgRef } from '../../orgs/index.js';

const params = z.object({ org: orgRef });

export function hsmRoutes(app: FastifyInstance, hsm: HsmService) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  r.get(
    '/api/v1/orgs/:org/keys/hsm',
    {
      config: { permission: 'keys.read' },
      schema: {
        tags: ['keys'],
        summary: "Where the org's root key is (Ward's own, or its HSM) and whether it is usable",
        params,
        response: { 200: hsmView },
      },
    },
    (req) => hsm.show(req.ctx, req.params.org),
  );
  r.put(
    '/api/v1/orgs/:org/keys/hsm',
    {
      config: { permission: 'keys.hsm.manage' },
      schema: {
        tags: ['keys'],
        summary:
          "Keep the org's root key in its HSM (PKCS#11): its org keys are re-wrapped under the HSM key (enterprise plan; a module ward.yaml hsm_modules allows)",
        params,
        body: setHsmBody,
        response: { 200: hsmView },
      },
    },
    (req) => hsm.set(req.ctx, req.params.org, req.body),
  );
  r.delete(
    '/api/v1/orgs/:org/keys/hsm',
    {
      config: { permission: 'keys.hsm.manage' },
      schema: {
        tags: ['keys'],
        summary: "Move the org's root key back to Ward's own: its org keys are re-wrapped under it",
        params,
        response: { 200: hsmView },
      },
    },
    (req) => hsm.remove(req.ctx, req.params.org),
  );
}
