/**
 * @module http/app
 * The Fastify application: plugins, error mapping, routes, console. Built without listening, so
 * tests can drive it with inject() or listen on a port of their own.
 */
import fastifyCookie from '@fastify/cookie';
import fastifyRateLimit from '@fastify/rate-limit';
import fastifySwagger from '@fastify/swagger';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from 'fastify';
import { jsonSchemaTransform, validatorCompiler } from 'fastify-type-provider-zod';
import type { IdentityService } from '../identity/identity.service.js';
import { newId } from '../lib/ids.js';
import type { Logger } from '../lib/logger.js';
import type { OrgService } from '../orgs/orgs.service.js';
import type { ProjectService } from '../projects/projects.service.js';
import type { RegionCatalog } from '../regions/regions.js';
import { installErrorHandling, installNotFound } from './errors.js';
import { installAuth } from './plugins/auth.js';
import { installConsole } from './plugins/console.js';
import { installMetrics } from './plugins/metrics.js';
import { installSecurityHeaders } from './plugins/security-headers.js';
import { authRoutes } from './routes/auth.js';
import { healthRoutes } from './routes/health.js';
import { orgRoutes } from './routes/orgs.js';
import { projectRoutes } from './routes/projects.js';
import { userRoutes } from './routes/users.js';
import { serializerCompiler } from './serializer.js';

export interface AppDeps {
  log: Logger;
  identity: IdentityService;
  orgs: OrgService;
  projects: ProjectService;
  regions: RegionCatalog;
  health: () => Promise<void>;
  clusterStates: () => Record<string, number>;
  consoleDir?: string;
  secureCookies?: boolean;
  version: string;
}

/** Request ids: a random prefix per process and a counter, unique without a random draw each. */
function requestIds(): () => string {
  const prefix = newId('op').slice(3, 11);
  let n = 0;
  return () => `req_${prefix}${(++n).toString(36)}`;
}

export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const app: FastifyInstance = Fastify({
    loggerInstance: deps.log.child({ component: 'http' }) as FastifyBaseLogger,
    // Ward writes its own one-line request log (route pattern, never the URL) in onResponse.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: 1 << 20,
    genReqId: requestIds(),
    trustProxy: false,
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  installErrorHandling(app);

  installSecurityHeaders(app, deps.secureCookies ?? false);
  await app.register(fastifyCookie);
  await app.register(fastifyRateLimit, { global: false });
  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Ward API',
        version: deps.version,
        description: 'Self-hosted HIPAA-ready PostgreSQL platform',
      },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearer: [] }],
    },
    transform: jsonSchemaTransform,
  });

  installAuth(app, deps.identity);
  installMetrics(app, deps.clusterStates);
  app.get('/api/openapi.json', { config: { public: true }, schema: { hide: true } }, async () =>
    app.swagger(),
  );
  app.addHook('onResponse', async (req, reply) => {
    // Route pattern, never the URL: paths and query strings can carry names.
    req.log.info(
      {
        method: req.method,
        route: req.routeOptions.url ?? 'unmatched',
        status: reply.statusCode,
        ms: Math.round(reply.elapsedTime),
      },
      'request',
    );
  });

  healthRoutes(app, deps.health);
  authRoutes(app, deps.identity, { secureCookies: deps.secureCookies ?? false });
  userRoutes(app, deps.identity);
  orgRoutes(app, deps.orgs);
  projectRoutes(app, deps.projects, deps.regions);
  installNotFound(app, deps.consoleDir ? await installConsole(app, deps.consoleDir) : false);
  return app;
}
