/**
 * @module http/plugins/console
 * Serves the built web console (console/dist) at `/`; see installNotFound for the fallback of
 * the console's own routes to index.html.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';

export const DEFAULT_CONSOLE_DIR = fileURLToPath(new URL('../../../console/dist', import.meta.url));

export async function installConsole(app: FastifyInstance, dir: string): Promise<boolean> {
  if (!existsSync(join(dir, 'index.html'))) return false;
  // The bundle's files hold no data, and the sign-in page must load before anyone signs in:
  // every route registered in this scope (the static files, nothing else) is public.
  await app.register(async (scope) => {
    scope.addHook('onRoute', (route) => {
      route.config = { ...(route.config ?? {}), public: true };
    });
    await scope.register(fastifyStatic, {
      root: dir,
      prefix: '/',
      wildcard: false,
      index: ['index.html'],
      decorateReply: false,
    });
  });
  // The not-found fallback (installNotFound) runs in the root context, which cannot see a scope's
  // decorators: give it reply.sendFile there, serving no routes of its own.
  await app.register(fastifyStatic, { root: dir, serve: false });
  return true;
}
