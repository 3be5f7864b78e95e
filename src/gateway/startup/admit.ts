/**
 * @module gateway/startup/admit
 * Whether a login may have a session on the project it names, checked in an order that tells a
 * stranger nothing: which project the database names (a name shared by projects of two of the
 * person's orgs is refused as ambiguous), the sign-in lockout (auth/lockout.ts: a locked login
 * or client address, the same answer whether or not the login exists), the TLS rule
 * (transport.ts: no plaintext connection but a standard project's opt-in from loopback, before
 * any password is asked for), authentication
 * (auth/authenticate.ts: an unknown login, or a database that is none of the login's projects,
 * goes through the same exchange), then, once the exchange is over, a database that names none
 * of the login's projects (3D000, whoever asked), the account, the person's project role, whether
 * the org's root key is usable (an HSM key can be revoked), and whether the project is running.
 */
import type { DataPlaneProvider } from '../../dataplane/index.js';
import type { DbAccessService, LoginTarget } from '../../dbaccess/index.js';
import type { IdentityService } from '../../identity/index.js';
import type { RequestContext } from '../../lib/context.js';
import { type Authenticated, authenticate } from '../auth/authenticate.js';
import { countIfFailed, refuseIfLocked } from '../auth/lockout.js';
import { GatewayError } from '../errors.js';
import type { SessionInfo } from '../events.js';
import { SQLSTATE } from '../protocol/codes.js';
import type { StartupClient } from './client.js';
import type { LoginRequest } from './request.js';
import { requireTls } from './transport.js';

export interface AdmitDeps {
  dbaccess: DbAccessService;
  identity: IdentityService;
  dataplane: DataPlaneProvider;
  /** SHA-256 of the gateway's certificate, for SCRAM channel binding over TLS. */
  certHash: Buffer;
  /** Whose root keys are unavailable (an org's HSM key): their projects take no new session. */
  keys?: { roots: { problemOf(orgId: string): string | undefined } };
}

/** A login let in: whom, how they proved it, their project role, and the context of their events. */
export interface Admission {
  target: LoginTarget;
  auth: Authenticated;
  projectRole: SessionInfo['projectRole'];
  /** Frozen: every event of the session reuses one actor (and its canonical text). */
  ctx: RequestContext;
}

/** The project the request's database names for its login, if any (none is not yet a refusal). */
export async function findTarget(
  dbaccess: Pick<DbAccessService, 'resolveLogin'>,
  request: LoginRequest,
): Promise<LoginTarget | undefined> {
  const targets = await dbaccess.resolveLogin(request.login, request.database);
  if (targets.length > 1)
    throw new GatewayError(
      SQLSTATE.invalid_catalog_name,
      `database "${request.database.slice(0, 100)}" names projects in more than one of your organizations; use the project's id (prj_…) as the database name`,
      undefined,
      'ambiguous_database',
    );
  return targets[0];
}

/**
 * The database names none of the login's projects (`template1`, `postgres`, a typo, another
 * org's project): said as PostgreSQL says it, 3D000, the same for every such name, so it tells
 * nothing of other orgs' projects.
 */
function noSuchDatabase(request: LoginRequest): GatewayError {
  return new GatewayError(
    SQLSTATE.invalid_catalog_name,
    `database "${request.database.slice(0, 100)}" does not exist for user "${request.login.slice(0, 100)}": each Ward project is one database; connect to yours by the project's name or id (prj_…)`,
    '`ward db credentials --project <project>` prints the settings to connect with, the database name among them.',
    'unknown_database',
  );
}

/** Authenticates the client and checks every rule a session needs; throws the refusal. */
export async function admit(
  client: StartupClient,
  request: LoginRequest,
  target: LoginTarget | undefined,
  deps: AdmitDeps,
): Promise<Admission> {
  const guard = deps.identity.signInGuard;
  await refuseIfLocked(guard, request.login, client.ip);
  requireTls(client, target);
  const auth = await authenticate({
    inbox: client.inbox,
    write: client.write,
    login: request.login,
    database: request.database,
    target,
    certHash: client.tls ? deps.certHash : undefined,
    dbaccess: deps.dbaccess,
    identity: deps.identity,
  }).catch(async (err: unknown) => {
    await countIfFailed(guard, err, { login: request.login, ip: client.ip, known: target !== undefined });
    // Without a project there is no credential to check, so the exchange fails whatever the
    // password was: the failure is the database's, not the password's.
    const passwordFailed = err instanceof GatewayError && err.sqlstate === SQLSTATE.invalid_password;
    throw !target && passwordFailed ? noSuchDatabase(request) : err;
  });
  if (!target) throw noSuchDatabase(request);
  const t = target;
  if (t.disabled)
    throw new GatewayError(
      SQLSTATE.invalid_authorization_specification,
      'this account is disabled',
      undefined,
      'disabled',
    );
  const projectRole = await deps.dbaccess.projectRole(t.project_id, t.user_id);
  if (!projectRole)
    throw new GatewayError(
      SQLSTATE.insufficient_privilege,
      `your role in '${t.org_name}' gives no access to the data of project '${t.project_name}'`,
      t.audit_log_level === 'hipaa'
        ? 'HIPAA projects need a grant from an owner or admin.'
        : 'Auditors see audit logs, never data.',
      'no_project_role',
    );
  const keyProblem = deps.keys?.roots.problemOf(t.org_id);
  if (keyProblem)
    throw new GatewayError(
      SQLSTATE.cannot_connect_now,
      `project '${t.project_name}' is not accepting connections: ${keyProblem}`,
      'Ward starts the project again once the key is usable.',
      'root_key_unavailable',
    );
  if (t.status !== 'running' || deps.dataplane.health(t.project_id)?.state !== 'running')
    throw new GatewayError(
      SQLSTATE.cannot_connect_now,
      `project '${t.project_name}' is not accepting connections right now (status: ${t.status}); try again shortly`,
      undefined,
      'not_running',
    );
  // As on the web, only a sign-in that is let in clears the login's count.
  await guard.clearFailures(request.login);
  const ctx: RequestContext = Object.freeze({
    actor: Object.freeze({
      type: 'user' as const,
      id: t.user_id,
      email: t.email,
      operator: false,
      token_id: auth.tokenId ?? auth.credentialId ?? '',
      service: t.kind === 'service',
    }),
    ip: client.ip,
  });
  return { target: t, auth, projectRole, ctx };
}
