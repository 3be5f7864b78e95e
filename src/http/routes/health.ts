/**
 * @module http/routes/health
 * GET /healthz: 200 when the control database answers, 503 otherwise.
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { unavailable } from '../../lib/errors.js';

export function healthRoutes(app: FastifyInstance, check: () => Promise<void>) {
  app.withTypeProvider<ZodTypeProvider>().get(
    '/healthz',
    {
      config: { public: true },
      schema: { tags: ['health'], response: { 200: z.object({ status: z.literal('ok') }) } },
    },
    async (req) => {
      try {
        await check();
      } catch (err) {
        req.log.error({ err }, 'health check failed');
        throw unavailable('the control database does not answer');
      }
      return { status: 'ok' as const };
    },
  );
}
