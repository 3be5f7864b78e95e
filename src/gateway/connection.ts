/**
 * @module gateway/connection
 * A new connection, from its first byte to a running session: SSL negotiation (TLS 1.2 or newer
 * with Ward's certificate; plaintext sent ahead of the handshake is refused), the startup packet,
 * the HIPAA rule that a HIPAA project takes no connection without TLS, authentication, the
 * person's project role, their database role, the server login, and the `db.connect` event,
 * durable before the client hears AuthenticationOk. Any refusal is one FATAL message with a
 * reason and, once a login was named, a `db.connect` event with outcome `denied`.
 */
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { type SecureContext, TLSSocket } from 'node:tls';
import type { AuditService } from '../audit/audit.service.js';
import { OPERATOR_CHAIN } from '../audit/chain.js';
import type { DataPlaneProvider } from '../dataplane/provider.js';
import { APP_DATABASE } from '../dataplane/provider.js';
import type { DbAccessService, LoginTarget } from '../dbaccess/index.js';
import { newSessionKey, sessionKeyAad } from '../dbaccess/statement-text.js';
import type { IdentityService } from '../identity/identity.service.js';
import type { KeyService } from '../keys/keys.service.js';
import type { RequestContext } from '../lib/context.js';
import { newId } from '../lib/ids.js';
import { authenticate } from './auth/authenticate.js';
import { errorMessage, GatewayError, toGatewayError } from './errors.js';
import { connectEvent, refusedConnectEvent, type SessionInfo } from './events.js';
import { Inbox } from './inbox.js';
import {
  authOk,
  backendKeyData,
  negotiateProtocolVersion,
  parameterStatus,
  readyForQuery,
} from './protocol/build.js';
import { SQLSTATE } from './protocol/codes.js';
import { ProtocolError } from './protocol/framing.js';
import { parseStartupPacket } from './protocol/parse.js';
import type { Registry } from './registry.js';
import { Session, type SessionEnv } from './session.js';
import { connectUpstream, socketPath } from './upstream.js';

export interface ConnectionEnv extends Omit<SessionEnv, 'onEnd'> {
  audit: AuditService;
  identity: IdentityService;
  dbaccess: DbAccessService;
  keys: KeyService;
  dataplane: DataPlaneProvider;
  registry: Registry;
  secureContext: SecureContext;
  certHash: Buffer;
}

const STARTUP_TIMEOUT_MS = 60_000;
/** Startup parameters passed on to the server; user, database and protocol options are not. */
const NOT_FORWARDED = new Set(['user', 'database', 'replication']);

function startTls(raw: Socket, secureContext: SecureContext): Promise<TLSSocket> {
  return new Promise((resolve, reject) => {
    const t = new TLSSocket(raw, { isServer: true, secureContext });
    t.once('secure', () => resolve(t));
    t.once('error', reject);
    t.once('close', () => reject(new Error('closed during the TLS handshake')));
  });
}

function pickTarget(targets: LoginTarget[], database: string): LoginTarget | undefined {
  if (targets.length > 1)
    throw new GatewayError(
      SQLSTATE.invalid_catalog_name,
      `database "${database.slice(0, 100)}" names projects in more than one of your organizations; use the project's id (prj_…) as the database name`,
      undefined,
      'ambiguous_database',
    );
  return targets[0];
}

export async function handleConnection(raw: Socket, env: ConnectionEnv): Promise<void> {
  raw.setNoDelay(true);
  raw.on('error', () => undefined);
  const ip = raw.remoteAddress ?? null;
  let socket: Duplex = raw;
  let tls: string | null = null;
  let inbox = new Inbox(raw);
  let login = '';
  let database = '';
  let target: LoginTarget | undefined;
  const timer = setTimeout(() => socket.destroy(), STARTUP_TIMEOUT_MS);
  const write = (b: Buffer) => {
    if (!socket.destroyed) socket.write(b);
  };
  try {
    let params: Map<string, string>;
    for (;;) {
      const packet = parseStartupPacket(await inbox.nextStartup());
      if (packet.kind === 'ssl' || packet.kind === 'gssenc') {
        if (tls) throw new ProtocolError('a second encryption request');
        if (inbox.startup.buffered > 0)
          throw new ProtocolError('bytes sent after the encryption request, before its answer');
        if (packet.kind === 'gssenc') {
          write(Buffer.from('N'));
          continue;
        }
        inbox.detach();
        write(Buffer.from('S'));
        const secure = await startTls(raw, env.secureContext).catch(() => {
          throw new GatewayError(
            SQLSTATE.connection_failure,
            'the TLS handshake failed',
            undefined,
            'tls_handshake',
          );
        });
        secure.on('error', () => undefined);
        socket = secure;
        tls = secure.getProtocol() ?? 'TLS';
        inbox = new Inbox(secure);
        continue;
      }
      if (packet.kind === 'cancel') {
        env.registry.cancel(packet.pid, packet.secret);
        socket.end();
        clearTimeout(timer);
        return;
      }
      params = packet.params;
      const unsupported = [...params.keys()].filter((k) => k.startsWith('_pq_.'));
      if (packet.minor > 0 || unsupported.length > 0) write(negotiateProtocolVersion(0, unsupported));
      break;
    }
    login = params.get('user') ?? '';
    database = params.get('database') || login;
    if (!login || login.length > 320 || database.length > 100)
      throw new GatewayError(
        SQLSTATE.invalid_authorization_specification,
        'give a user name (your email, or a service account name) of at most 320 characters and a database name (a project name or id) of at most 100',
      );
    if ((params.get('replication') ?? 'false') !== 'false')
      throw new GatewayError(
        SQLSTATE.feature_not_supported,
        'replication connections are not available through the gateway',
      );
    target = pickTarget(await env.dbaccess.resolveLogin(login, database), database);
    if (target?.audit_log_level === 'hipaa' && !tls)
      throw new GatewayError(
        SQLSTATE.invalid_authorization_specification,
        'this project requires TLS (sslmode=require or stronger)',
        `Connect with sslmode=verify-full and sslrootcert pointing at Ward's CA certificate.`,
        'tls_required',
      );
    const auth = await authenticate({
      inbox,
      write,
      login,
      database,
      target,
      certHash: tls ? env.certHash : undefined,
      dbaccess: env.dbaccess,
      identity: env.identity,
    });
    if (!target)
      throw new GatewayError(
        SQLSTATE.invalid_password,
        `password authentication failed for user "${login}"`,
        undefined,
        'unknown',
      );
    const t = target;
    if (t.disabled)
      throw new GatewayError(
        SQLSTATE.invalid_authorization_specification,
        'this account is disabled',
        undefined,
        'disabled',
      );
    const projectRole = await env.dbaccess.projectRole(t.project_id, t.user_id);
    if (!projectRole)
      throw new GatewayError(
        SQLSTATE.insufficient_privilege,
        `your role in '${t.org_name}' gives no access to the data of project '${t.project_name}'`,
        t.audit_log_level === 'hipaa'
          ? 'HIPAA projects need a grant from an owner or admin.'
          : 'Auditors see audit logs, never data.',
        'no_project_role',
      );
    if (t.status !== 'running' || env.dataplane.health(t.project_id)?.state !== 'running')
      throw new GatewayError(
        SQLSTATE.cannot_connect_now,
        `project '${t.project_name}' is not accepting connections right now (status: ${t.status}); try again shortly`,
        undefined,
        'not_running',
      );
    const sid = newId('dbs');
    // Frozen: every event of the session reuses one actor (and its canonical text).
    const ctx: RequestContext = Object.freeze({
      actor: Object.freeze({
        type: 'user' as const,
        id: t.user_id,
        email: t.email,
        operator: false,
        token_id: auth.tokenId ?? auth.credentialId ?? '',
        service: t.kind === 'service',
      }),
      ip,
    });
    const role = await env.dbaccess.ensureRole(
      ctx,
      {
        projectId: t.project_id,
        projectName: t.project_name,
        orgId: t.org_id,
        userId: t.user_id,
        email: t.email,
      },
      projectRole,
    );
    const conn = env.dataplane.adminConnection(t.project_id);
    const path = socketPath(String(conn.host), Number(conn.port));
    const forwarded = Object.fromEntries(
      [...params].filter(([k]) => !NOT_FORWARDED.has(k) && !k.startsWith('_pq_.')),
    );
    const upstream = await connectUpstream({
      path,
      user: role.roleName,
      password: role.password,
      database: APP_DATABASE,
      params: forwarded,
    });
    const textKey = newSessionKey();
    const info: SessionInfo = {
      sid,
      projectId: t.project_id,
      projectName: t.project_name,
      orgId: t.org_id,
      orgName: t.org_name,
      userId: t.user_id,
      login,
      dbRole: role.roleName,
      projectRole,
      tls,
      hipaa: t.audit_log_level === 'hipaa',
      delivery: t.audit_log_level === 'hipaa' ? 'sync' : t.audit_delivery,
      method: auth.method,
      credentialId: auth.credentialId,
      tokenId: auth.tokenId,
      startedAt: Date.now(),
    };
    try {
      const wrapped = await env.keys.encrypt(
        { type: 'project', projectId: t.project_id, orgId: t.org_id },
        textKey,
        sessionKeyAad(sid),
      );
      await env.audit.append(ctx, [connectEvent(info, wrapped)]);
      env.health.success();
    } catch {
      env.health.failure();
      upstream.socket.destroy();
      throw new GatewayError(
        SQLSTATE.cannot_connect_now,
        'the audit log is unavailable, so no session can start; try again shortly',
        undefined,
        'audit_unavailable',
      );
    }
    const key = env.registry.allocate();
    const session = new Session(
      { ...env, onEnd: (s) => env.registry.remove(s) },
      info,
      ctx,
      socket,
      upstream.socket,
      path,
      textKey,
      { ...key, serverPid: upstream.pid, serverSecret: upstream.secret },
      upstream.parameters,
    );
    write(
      Buffer.concat([
        authOk(),
        ...upstream.parameters.map(([n, v]) => parameterStatus(n, v)),
        backendKeyData(key.pid, key.secret),
        readyForQuery(upstream.txStatus),
      ]),
    );
    const early = inbox.detach();
    clearTimeout(timer);
    // A server parameter the relay cannot work with (an unsafe client encoding) already ended it.
    if (session.ended) return;
    env.registry.add(session);
    session.start(upstream.rest);
    for (const chunk of early) session.fromClient(chunk);
  } catch (err) {
    clearTimeout(timer);
    const e =
      err instanceof ProtocolError
        ? new GatewayError(
            SQLSTATE.protocol_violation,
            `protocol violation: ${err.message}`,
            undefined,
            'protocol_violation',
          )
        : toGatewayError(err);
    if (e.reason === 'internal' && !(err instanceof GatewayError))
      env.log.error({ err }, 'gateway connection failed');
    if (e.sqlstate !== SQLSTATE.connection_failure) write(errorMessage('FATAL', e));
    socket.end();
    setTimeout(() => socket.destroy(), 1_000).unref();
    if (login && e.sqlstate !== SQLSTATE.connection_failure)
      env.audit
        .append({ actor: { type: 'anonymous' }, ip }, [
          refusedConnectEvent(target?.org_id ?? OPERATOR_CHAIN, target?.project_id ?? null, {
            login: login.slice(0, 320),
            database: database.slice(0, 100),
            reason: e.reason,
            tls,
          }),
        ])
        .catch(() => undefined);
  }
}
