/**
 * @module gateway/server
 * The gateway's listener: PostgreSQL's wire protocol on `host:port`, TLS from Ward's CA, every
 * connection handled by connection.ts, live sessions re-validated every 500 ms. Stopping closes
 * the listener, ends every session with FATAL 57P01 and retries any audit events still owed.
 */
import { createHash, X509Certificate } from 'node:crypto';
import { createServer, type Server, type Socket } from 'node:net';
import { createSecureContext } from 'node:tls';
import type { AuditService } from '../audit/index.js';
import type { DataPlaneProvider } from '../dataplane/index.js';
import type { DbAccessService } from '../dbaccess/index.js';
import type { IdentityService } from '../identity/index.js';
import type { KeyService } from '../keys/index.js';
import type { Logger } from '../lib/logger.js';
import type { WardTls } from '../tls/index.js';
import { createAuditHealth, createRetryBacklog } from './audit-gate.js';
import { type ConnectionEnv, handleConnection } from './connection.js';
import { GatewayError } from './errors.js';
import type { GatewayMetrics } from './metrics.js';
import { SQLSTATE } from './protocol/codes.js';
import { createRegistry } from './registry.js';
import { startRevalidator } from './revalidator.js';
import type { Session } from './session.js';
import { createNormalizer, loadParser } from './statements/normalizer.js';

/** The oldest TLS version the gateway accepts from clients (the compliance center reports it). */
export const GATEWAY_TLS_MIN_VERSION = 'TLSv1.2';
export interface GatewayDeps {
  host: string;
  port: number;
  log: Logger;
  audit: AuditService;
  identity: IdentityService;
  dbaccess: DbAccessService;
  keys: KeyService;
  dataplane: DataPlaneProvider;
  tls: WardTls;
  metrics: GatewayMetrics;
  /** The project's subject keys for a new session (accounting of access). */
  subjectPlans?: ConnectionEnv['subjectPlans'];
}

export interface Gateway {
  host: string;
  port: number;
  sessions(): Session[];
  /** Statement events owed after a failed append (async delivery), being retried. */
  backlog(): number;
  stop(): Promise<void>;
}

export async function startGateway(deps: GatewayDeps): Promise<Gateway> {
  await loadParser();
  const log = deps.log.child({ component: 'gateway' });
  const registry = createRegistry();
  const env: ConnectionEnv = {
    audit: deps.audit,
    identity: deps.identity,
    dbaccess: deps.dbaccess,
    keys: deps.keys,
    dataplane: deps.dataplane,
    registry,
    log,
    health: createAuditHealth(),
    backlog: createRetryBacklog(deps.audit, (err) =>
      log.error({ err: (err as Error)?.message }, 'audit events still not written; retrying'),
    ),
    normalizer: createNormalizer(),
    metrics: deps.metrics,
    secureContext: createSecureContext({
      key: deps.tls.key,
      cert: deps.tls.cert,
      minVersion: GATEWAY_TLS_MIN_VERSION,
    }),
    certHash: createHash('sha256').update(new X509Certificate(deps.tls.cert).raw).digest(),
    subjectPlans: deps.subjectPlans,
  };
  const sockets = new Set<Socket>();
  const server: Server = createServer({ noDelay: true }, (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    handleConnection(socket, env).catch((err) => log.error({ err }, 'gateway connection failed'));
  });
  server.on('error', (err) => log.error({ err }, 'gateway listener error'));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(deps.port, deps.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : deps.port;
  const revalidator = startRevalidator({ registry, dbaccess: deps.dbaccess, log });
  log.info({ host: deps.host, port }, 'gateway listening');
  return {
    host: deps.host,
    port,
    sessions: () => registry.all(),
    backlog: () => env.backlog.size,
    async stop() {
      revalidator.stop();
      const closed = new Promise<void>((r) => server.close(() => r()));
      for (const s of registry.all())
        s.end(
          'shutdown',
          new GatewayError(SQLSTATE.admin_shutdown, 'Ward is shutting down; connect again once it is back'),
        );
      const late = setTimeout(() => {
        for (const socket of sockets) socket.destroy();
      }, 1_500);
      await closed;
      clearTimeout(late);
      await env.backlog.flush();
    },
  };
}
