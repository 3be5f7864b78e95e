/**
 * @module gateway/startup/refuse
 * How a connection that will not become a session ends: one FATAL message saying why (none when
 * the client is already gone), the socket closed, and, once a login was named, a `db.connect`
 * event with outcome `denied` whose reason is a closed word, never the message.
 */
import type { AuditService } from '../../audit/index.js';
import type { LoginTarget } from '../../dbaccess/index.js';
import { OPERATOR_CHAIN } from '../../evidence/index.js';
import type { Logger } from '../../lib/logger.js';
import { errorMessage, GatewayError, toGatewayError } from '../errors.js';
import { refusedConnectEvent } from '../events.js';
import { SQLSTATE } from '../protocol/codes.js';
import { ProtocolError } from '../protocol/framing.js';
import type { StartupClient } from './client.js';
import type { LoginRequest } from './request.js';

export interface RefuseDeps {
  audit: Pick<AuditService, 'append'>;
  log: Logger;
}

/** What was known of the attempt when it failed. */
export interface Attempt {
  request?: LoginRequest;
  target?: LoginTarget;
}

/** Any failure of the startup phase as the refusal the client hears. */
export function refusal(err: unknown): GatewayError {
  if (err instanceof ProtocolError)
    return new GatewayError(
      SQLSTATE.protocol_violation,
      `protocol violation: ${err.message}`,
      undefined,
      'protocol_violation',
    );
  return toGatewayError(err);
}

export function refuse(client: StartupClient, deps: RefuseDeps, err: unknown, attempt: Attempt): void {
  const e = refusal(err);
  if (e.reason === 'internal' && !(err instanceof GatewayError))
    deps.log.error({ err }, 'gateway connection failed');
  // connection_failure: the client went away (or broke the TLS handshake); nobody to tell.
  const heard = e.sqlstate !== SQLSTATE.connection_failure;
  if (heard) client.write(errorMessage('FATAL', e));
  const socket = client.socket;
  socket.end();
  setTimeout(() => socket.destroy(), 1_000).unref();
  const { request, target } = attempt;
  if (request?.login && heard)
    deps.audit
      .append({ actor: { type: 'anonymous' }, ip: client.ip }, [
        refusedConnectEvent(target?.org_id ?? OPERATOR_CHAIN, target?.project_id ?? null, {
          login: request.login.slice(0, 320),
          database: request.database.slice(0, 100),
          reason: e.reason,
          tls: client.tls,
        }),
      ])
      .catch(() => undefined);
}
