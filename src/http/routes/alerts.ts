/**
 * @module http/routes/alerts
 * The org's security alert webhook (break-glass use): set (the HMAC secret is shown once), read,
 * remove.
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { type Alerts, webhookBody, webhookView } from '../../access/index.js';
import { orgRef } from '../../orgs/index.js';

export function alertRoutes(app: FastifyInstance, alerts: Alerts) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['access'];
  const params = z.object({ org: orgRef });
  const config = { permission: 'alerts.manage' as const };
  const path = '/api/v1/orgs/:org/alert-webhook';
  r.put(
    path,
    {
      config,
      schema: {
        tags,
        summary: 'Send security alerts to this URL, signed with HMAC-SHA-256',
        params,
        body: webhookBody,
        response: { 200: webhookView },
      },
    },
    (req) => alerts.set(req.ctx, req.params.org, req.body.url),
  );
  r.get(path, { config, schema: { tags, params, response: { 200: webhookView } } }, (req) =>
    alerts.get(req.ctx, req.params.org),
  );
  r.delete(path, { config, schema: { tags, params } }, async (req, reply) => {
    await alerts.remove(req.ctx, req.params.org);
    return reply.code(204).send();
  });
}
