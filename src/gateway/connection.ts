/**
 * @module gateway/connection
 * A new connection, from its first byte to a running session, as the steps of startup/: negotiate
 * (TLS 1.2 or newer with Ward's certificate, or a cancel request), read the startup packet as a
 * login request, admit (find the project, the HIPAA rule that a HIPAA project takes no connection
 * without TLS, authentication, the account, the person's project role, the project's state), open
 * the server connection as the person's database role, and record `db.connect`, durable before the
 * client hears AuthenticationOk. Any refusal is one FATAL message with a reason and, once a login
 * was named, a `db.connect` event with outcome `denied` (startup/refuse.ts).
 */
import type { Socket } from 'node:net';
import type { SecureContext } from 'node:tls';
import type { SubjectPlan } from '../accounting/index.js';
import type { AuditService } from '../audit/index.js';
import type { DataPlaneProvider } from '../dataplane/index.js';
import { type DbAccessService, newSessionKey } from '../dbaccess/index.js';
import type { IdentityService } from '../identity/index.js';
import type { KeyService } from '../keys/index.js';
import type { RequestContext } from '../lib/context.js';
import { newId } from '../lib/ids.js';
import { GatewayError } from './errors.js';
import type { SessionInfo } from './events.js';
import { authOk, backendKeyData, parameterStatus, readyForQuery } from './protocol/build.js';
import { SQLSTATE } from './protocol/codes.js';
import type { Registry } from './registry.js';
import { Session, type SessionEnv } from './session.js';
import { admit, findTarget } from './startup/admit.js';
import { StartupClient } from './startup/client.js';
import { negotiate } from './startup/negotiate.js';
import { type Opened, openUpstream } from './startup/open.js';
import { recordConnect, sessionInfo } from './startup/record.js';
import { type Attempt, refuse } from './startup/refuse.js';
import { checkLoginRequest, loginRequest, protocolReply } from './startup/request.js';
import { SessionSubjects } from './subjects/session-subjects.js';

export interface ConnectionEnv extends Omit<SessionEnv, 'onEnd'> {
  audit: AuditService;
  identity: IdentityService;
  dbaccess: DbAccessService;
  keys: KeyService;
  dataplane: DataPlaneProvider;
  registry: Registry;
  secureContext: SecureContext;
  /** SHA-256 of the gateway's certificate, for SCRAM channel binding over TLS. */
  certHash: Buffer;
  /** The project's subject keys and the org's tokenizer (accounting of access); none without keys. */
  subjectPlans?: (orgId: string, projectId: string) => Promise<SubjectPlan | undefined>;
}

/** The session's subject matching; a project whose keys cannot be loaded gets no session (fail closed). */
async function subjectsOf(env: ConnectionEnv, info: SessionInfo): Promise<SessionSubjects | undefined> {
  if (!env.subjectPlans) return undefined;
  try {
    const plan = await env.subjectPlans(info.orgId, info.projectId);
    return plan ? new SessionSubjects(plan, info.projectRole) : undefined;
  } catch {
    throw new GatewayError(
      SQLSTATE.cannot_connect_now,
      "the project's subject keys could not be loaded, so its accesses could not be accounted for; try again shortly",
      undefined,
      'accounting_unavailable',
    );
  }
}

/** A client that has not logged in by then is dropped. */
const STARTUP_TIMEOUT_MS = 60_000;

export async function handleConnection(raw: Socket, env: ConnectionEnv): Promise<void> {
  raw.setNoDelay(true);
  raw.on('error', () => undefined);
  const client = new StartupClient(raw);
  const timer = setTimeout(() => client.socket.destroy(), STARTUP_TIMEOUT_MS);
  const attempt: Attempt = {};
  try {
    const hello = await negotiate(client, env.secureContext);
    if (hello.kind === 'cancel') {
      env.registry.cancel(hello.pid, hello.secret);
      client.socket.end();
      return;
    }
    const reply = protocolReply(hello);
    if (reply) client.write(reply);
    const request = loginRequest(hello.params);
    attempt.request = request;
    checkLoginRequest(request);
    attempt.target = await findTarget(env.dbaccess, request);
    const admission = await admit(client, request, attempt.target, env);
    const opened = await openUpstream(env, admission, request.params);
    const info = sessionInfo(newId('dbs'), request.login, admission, opened.dbRole, client.tls);
    const subjects = await subjectsOf(env, info).catch((err) => {
      opened.upstream.socket.destroy();
      throw err;
    });
    const textKey = newSessionKey();
    await recordConnect(env, admission, info, textKey).catch((err) => {
      opened.upstream.socket.destroy();
      throw err;
    });
    startSession(client, env, { info, ctx: admission.ctx, opened, textKey, subjects });
  } catch (err) {
    refuse(client, env, err, attempt);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Hands the connection to a Session: the client hears AuthenticationOk, the server's parameters,
 * the server's pid with the gateway's own cancel secret, and ReadyForQuery; bytes it sent early
 * are relayed at once.
 */
function startSession(
  client: StartupClient,
  env: ConnectionEnv,
  s: { info: SessionInfo; ctx: RequestContext; opened: Opened; textKey: Buffer; subjects?: SessionSubjects },
): void {
  const { upstream, path } = s.opened;
  const key = env.registry.allocate(upstream.pid);
  const session = new Session(
    { ...env, onEnd: (x) => env.registry.remove(x) },
    s.info,
    s.ctx,
    client.socket,
    upstream.socket,
    path,
    s.textKey,
    { ...key, serverPid: upstream.pid, serverSecret: upstream.secret },
    upstream.parameters,
    s.subjects,
  );
  client.write(
    Buffer.concat([
      authOk(),
      ...upstream.parameters.map(([n, v]) => parameterStatus(n, v)),
      backendKeyData(key.pid, key.secret),
      readyForQuery(upstream.txStatus),
    ]),
  );
  const early = client.inbox.detach();
  // A server parameter the relay cannot work with (an unsafe client encoding) already ended it.
  if (session.ended) return;
  env.registry.add(session);
  session.start(upstream.rest);
  for (const chunk of early) session.fromClient(chunk);
}
