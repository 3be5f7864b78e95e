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
import type { Registry } from 'prom-client';
import type { AccessServices } from '../access/index.js';
import type { AccessAccounting, SubjectService } from '../accounting/index.js';
import type { AlertService } from '../alerting/index.js';
import type { AuditAccess, AuditReader, SinkService, WitnessService } from '../audit/index.js';
import type { BackupsEdge } from '../backups/index.js';
import type {
  ComplianceService,
  PublicityService,
  ReportService,
  SubprocessorService,
} from '../compliance/index.js';
import type { DbAccessService } from '../dbaccess/index.js';
import type { IdentityService } from '../identity/index.js';
import type { IncidentParts } from '../incidents/index.js';
import { unavailable } from '../lib/errors.js';
import { newId } from '../lib/ids.js';
import type { Logger } from '../lib/logger.js';
import type { Signer } from '../lib/signing.js';
import type { OrgService } from '../orgs/index.js';
import type { ProjectService } from '../projects/index.js';
import type { RegionCatalog } from '../regions/index.js';
import { installErrorHandling, installNotFound } from './errors.js';
import { installAuth } from './plugins/auth.js';
import { installConsole } from './plugins/console.js';
import { installMetrics } from './plugins/metrics.js';
import { installSecurityHeaders } from './plugins/security-headers.js';
import { accessRoutes } from './routes/access.js';
import { accountingRoutes } from './routes/accounting.js';
import { alertRuleRoutes } from './routes/alert-rules.js';
import { auditRoutes } from './routes/audit.js';
import { auditSinkRoutes } from './routes/audit-sinks.js';
import { auditWitnessRoutes } from './routes/audit-witnesses.js';
import { authRoutes } from './routes/auth.js';
import { backupRoutes } from './routes/backups.js';
import { complianceRoutes } from './routes/compliance.js';
import { compliancePublicityRoutes } from './routes/compliance-publicity.js';
import { complianceReportRoutes } from './routes/compliance-reports.js';
import { dbRoutes } from './routes/db.js';
import { healthRoutes } from './routes/health.js';
import { type HipaaEdge, installHipaaRoutes } from './routes/hipaa-edge.js';
import { incidentNoticeRoutes } from './routes/incident-notices.js';
import { incidentRoutes } from './routes/incidents.js';
import { orgAlertRoutes } from './routes/org-alerts.js';
import { orgRoutes } from './routes/orgs.js';
import { projectRoutes } from './routes/projects.js';
import { publicTrustRoutes } from './routes/public-trust.js';
import { subprocessorRoutes } from './routes/subprocessors.js';
import { userRoutes } from './routes/users.js';
import { serializerCompiler } from './serializer.js';

export interface AppDeps {
  log: Logger;
  audit: {
    reader: AuditReader;
    access: AuditAccess;
    signer: Signer;
    sinks: SinkService;
    witnesses: WitnessService;
  };
  identity: IdentityService;
  access: AccessServices;
  orgs: OrgService;
  projects: ProjectService;
  dbaccess: DbAccessService;
  regions: RegionCatalog;
  /** HIPAA enablement: BAA, keys, certificates, storage-encryption checks. */
  hipaa: HipaaEdge;
  compliance: ComplianceService;
  /** Signed compliance reports (PDF and JSON). */
  complianceReports: ReportService;
  /** The opt-in public badge and trust page. */
  publicity: PublicityService;
  /** The operator's subprocessor list and the notices orgs are sent about it. */
  subprocessors: SubprocessorService;
  /** Subject keys and the accounting of access. */
  accounting: { subjects: SubjectService; accesses: AccessAccounting };
  /** Backups, restores, drills, operations and backup policies. */
  backups: BackupsEdge;
  /** Security incidents, their notices and evidence packets. */
  incidents: IncidentParts;
  /** Alerts raised by the rules over the audit log, and the rules' settings. */
  alerts: AlertService;
  health: () => Promise<void>;
  /** Whether the control database answers now; while it does not, API requests get 503 at once. */
  controlAvailable?: () => boolean;
  clusterStates: () => Record<string, number>;
  /** Registries of other parts (the gateway) served at /metrics. */
  metrics?: Registry[];
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

/** How the app's server listens, apart from the services it is built on. */
export interface ServerOptions {
  /** Serve HTTPS (TLS 1.2 and later) with this certificate; cookies are then Secure. */
  https?: { cert: string; key: string };
}

export async function buildApp(deps: AppDeps, server: ServerOptions = {}): Promise<FastifyInstance> {
  const options = {
    loggerInstance: deps.log.child({ component: 'http' }) as FastifyBaseLogger,
    // Ward writes its own one-line request log (route pattern, never the URL) in onResponse.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: 1 << 20,
    genReqId: requestIds(),
    // The socket's address is the client's (no proxy headers): /metrics opens to loopback on it.
    trustProxy: false,
  };
  // Routes are written against the plain instance type; only the server under them differs.
  const app = (server.https
    ? Fastify({
        ...options,
        https: { cert: server.https.cert, key: server.https.key, minVersion: 'TLSv1.2' },
      })
    : Fastify(options)) as unknown as FastifyInstance;
  const secureCookies = server.https !== undefined || (deps.secureCookies ?? false);
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  installErrorHandling(app);

  installSecurityHeaders(app, secureCookies);
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

  // Before authentication, which reads the database: a request that would wait on a stalled
  // control database is refused at once, and nothing is changed.
  const available = deps.controlAvailable;
  if (available)
    app.addHook('onRequest', async (req) => {
      if (!available() && (req.url.startsWith('/api/') || req.url.startsWith('/healthz')))
        throw unavailable('the control database does not answer, so nothing was done; try again shortly');
    });
  installAuth(app, deps.identity);
  installMetrics(app, deps.clusterStates, deps.metrics);
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
  authRoutes(app, deps.identity, { secureCookies });
  userRoutes(app, deps.identity);
  accessRoutes(app, {
    access: deps.access,
    identity: deps.identity,
    secureCookies,
  });
  orgRoutes(app, deps.orgs);
  projectRoutes(app, deps.projects);
  dbRoutes(app, deps.dbaccess);
  installHipaaRoutes(app, deps.hipaa, deps.regions);
  complianceRoutes(app, deps.compliance);
  accountingRoutes(app, deps.accounting);
  complianceReportRoutes(app, deps.complianceReports);
  compliancePublicityRoutes(app, deps);
  subprocessorRoutes(app, deps.subprocessors);
  publicTrustRoutes(app, deps.publicity);
  backupRoutes(app, deps.backups);
  incidentRoutes(app, deps.incidents);
  incidentNoticeRoutes(app, deps.incidents);
  orgAlertRoutes(app, deps.alerts, deps.incidents.incidents);
  alertRuleRoutes(app, deps.alerts);
  auditRoutes(app, deps.audit);
  auditSinkRoutes(app, deps.audit);
  auditWitnessRoutes(app, deps.audit);
  installNotFound(app, deps.consoleDir ? await installConsole(app, deps.consoleDir) : false);
  return app;
}
