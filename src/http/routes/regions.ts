/**
 * @module http/routes/regions
 * Where projects can run: each region with its type and declared storage encryption, and what
 * Ward found about that encryption under the data directory (verified, declared or none).
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { regionSchema } from '../../config/index.js';
import type { RegionCatalog, StorageChecker } from '../../regions/index.js';

export const regionView = regionSchema.extend({
  storage_encryption_status: z.object({
    state: z.enum(['verified', 'declared', 'none']),
    detail: z.string(),
    checked_at: z.string(),
  }),
});

export function regionRoutes(app: FastifyInstance, regions: RegionCatalog, storage: StorageChecker) {
  app.withTypeProvider<ZodTypeProvider>().get(
    '/api/v1/regions',
    {
      config: { permission: 'org.list' },
      schema: { tags: ['regions'], response: { 200: z.object({ regions: z.array(regionView) }) } },
    },
    async () => ({
      regions: await Promise.all(
        regions.list().map(async (r) => ({ ...r, storage_encryption_status: await storage.check(r) })),
      ),
    }),
  );
}
