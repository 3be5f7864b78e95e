/**
 * @module dbaccess/service
 * Database access for people and applications: the login a gateway connection names, their
 * database role in the project's cluster (made and re-granted from their project role), their
 * short-lived passwords (ward db credentials), and the checks that keep live sessions honest.
 * The gateway is the edge that calls this; the rule for who may have which role stays in
 * projects/access.ts.
 */
import { randomBytes } from 'node:crypto';
import type { AuditService } from '../audit/index.js';
import type { DataPlaneProvider } from '../dataplane/index.js';
import type { Db, ProjectRole } from '../db/index.js';
import type { KeyService } from '../keys/index.js';
import { type RequestContext, SYSTEM } from '../lib/context.js';
import { conflict, forbidden, notFound, unavailable } from '../lib/errors.js';
import { newId } from '../lib/ids.js';
import { pgVerifierString, SCRAM_ITERATIONS, scramVerifier } from '../lib/scram.js';
import { randomSecret } from '../lib/secrets.js';
import type { OrgService } from '../orgs/index.js';
import { authorize, principalOf } from '../policy/index.js';
import { findProjectById, resolveProjectRole } from '../projects/index.js';
import { applyRole, disableRole, upgradeOwnerRoles } from './cluster-roles.js';
import { CREDENTIAL_TTL, type CreateCredentialsBody, type CredentialsView } from './dbaccess.schemas.js';
import * as store from './dbaccess.store.js';
import { type SessionState, type Verdict, verdictFor } from './session-verdict.js';
import { createStatementTextReader } from './statement-text.reader.js';

export type { CredentialRow, LiveSessionRef, LoginTarget } from './dbaccess.store.js';

/** Where the gateway listens and how clients verify it. */
export interface GatewayAddress {
  host: string;
  port: number;
  caCert: string;
  caCertPath: string;
}

const MAX_ROLE_NAME = 63;

/** The login role's name: the account's email (a service account's handle), or its id if too long. */
export const roleNameOf = (email: string, userId: string): string =>
  Buffer.byteLength(email.toLowerCase()) <= MAX_ROLE_NAME ? email.toLowerCase() : `u_${userId}`;

const passwordAad = (projectId: string, role: string) => `ward-db-role:${projectId}:${role}`;

export function createDbAccessService(deps: {
  db: Db;
  audit: AuditService;
  keys: KeyService;
  dataplane: DataPlaneProvider;
  orgs: OrgService;
  gateway: () => GatewayAddress | undefined;
}) {
  const { db, audit, keys, dataplane, orgs } = deps;
  const syncing = new Map<string, Promise<{ roleName: string; password: string; salt: Buffer }>>();

  /** The role and password the gateway logs in with, made or re-granted to match `role`. */
  async function syncRole(
    ctx: RequestContext,
    t: { projectId: string; projectName: string; orgId: string; userId: string; email: string },
    role: ProjectRole,
  ): Promise<{ roleName: string; password: string; salt: Buffer }> {
    const existing = await store.findRole(db, t.projectId, t.userId);
    if (existing && existing.project_role === role) {
      const password = await keys.decrypt(
        existing.password_enc,
        passwordAad(t.projectId, existing.role_name),
      );
      return { roleName: existing.role_name, password: password.toString('utf8'), salt: existing.scram_salt };
    }
    const roleName = existing?.role_name ?? roleNameOf(t.email, t.userId);
    const password = randomSecret(32);
    // New roles take the account's salt, which its API tokens' verifiers use too (ADR 0012).
    const salt = existing?.scram_salt ?? (await store.accountSalt(db, t.userId));
    await applyRole(
      dataplane.adminConnection(t.projectId),
      roleName,
      role,
      pgVerifierString(await scramVerifier(password, randomBytes(16))),
    );
    const scope = { type: 'project' as const, projectId: t.projectId, orgId: t.orgId };
    await audit.mutate(
      ctx,
      {
        action: 'db.role.sync',
        chain: t.orgId,
        target: { type: 'project', id: t.projectId, name: t.projectName },
        details: {
          user_id: t.userId,
          db_role: roleName,
          project_role: role,
          previous_role: existing?.project_role ?? null,
        },
      },
      async (tx) => {
        const password_enc = await keys.encrypt(scope, password, passwordAad(t.projectId, roleName), tx);
        await store.upsertRole(tx, {
          project_id: t.projectId,
          user_id: t.userId,
          role_name: roleName,
          project_role: role,
          password_enc,
          scram_salt: salt,
        });
      },
    );
    return { roleName, password, salt };
  }

  /** One sync per login at a time, so two first connections do not race to create the role. */
  function ensureRole(
    ctx: RequestContext,
    t: { projectId: string; projectName: string; orgId: string; userId: string; email: string },
    role: ProjectRole,
  ): Promise<{ roleName: string; password: string; salt: Buffer }> {
    const key = `${t.projectId}/${t.userId}`;
    const running = syncing.get(key);
    if (running) return running.then(() => ensureRole(ctx, t, role));
    const p = syncRole(ctx, t, role).finally(() => syncing.delete(key));
    syncing.set(key, p);
    return p;
  }

  async function issueCredentials(
    ctx: RequestContext,
    projectId: string,
    body: CreateCredentialsBody,
  ): Promise<CredentialsView> {
    const me = principalOf(ctx);
    const project = await findProjectById(db, projectId);
    if (!project) throw notFound(`no project '${projectId}'`);
    const org = await orgs.access(ctx, project.org_id).catch(() => {
      throw notFound(`no project '${projectId}'`);
    });
    if (!org.role) throw notFound(`no project '${projectId}'`);
    authorize(ctx, org, 'db.credentials');
    const gateway = deps.gateway();
    if (!gateway)
      throw unavailable('the gateway is not running in this Ward process; try again once Ward is up');
    const role = await resolveProjectRole(db, project.id, me.id);
    if (!role) {
      throw forbidden(
        `your role in '${org.org.name}' (${org.role}) gives no access to the data of project '${project.name}'` +
          (project.audit_log_level === 'hipaa' ? '; HIPAA projects need a grant from an owner or admin' : ''),
      );
    }
    if (project.status !== 'running')
      throw conflict(
        `project '${project.name}' is ${project.status}; credentials are issued for running projects`,
      );
    const t = {
      projectId: project.id,
      projectName: project.name,
      orgId: project.org_id,
      userId: me.id,
      email: me.email,
    };
    const ensured = await ensureRole(ctx, t, role);
    const { roleName } = ensured;
    let { salt } = ensured;
    const ownSalt = await store.accountSalt(db, me.id);
    if (!salt.equals(ownSalt) && (await store.adoptAccountSalt(db, project.id, me.id, ownSalt)))
      salt = ownSalt;
    const password = randomSecret(24);
    const verifier = await scramVerifier(password, salt, SCRAM_ITERATIONS);
    const ttl = body?.ttl_minutes ?? CREDENTIAL_TTL.defaultMinutes;
    const expires = new Date(Date.now() + ttl * 60_000);
    const id = newId('dbc');
    await audit.mutate(
      ctx,
      {
        action: 'db.credentials.create',
        chain: project.org_id,
        target: { type: 'project', id: project.id, name: project.name },
        details: {
          credential_id: id,
          expires_at: expires.toISOString(),
          db_role: roleName,
          project_role: role,
        },
      },
      (tx) =>
        store.insertCredential(tx, {
          id,
          project_id: project.id,
          user_id: me.id,
          iterations: verifier.iterations,
          stored_key: verifier.storedKey,
          server_key: verifier.serverKey,
          expires_at: expires,
        }),
    );
    const user = me.service ? (me.email.split('@')[0] ?? me.email) : me.email;
    const uri =
      `postgresql://${encodeURIComponent(user)}@${gateway.host}:${gateway.port}/${encodeURIComponent(project.name)}` +
      `?sslmode=verify-full&sslrootcert=${encodeURIComponent(gateway.caCertPath)}`;
    return {
      id,
      project_id: project.id,
      user,
      password,
      expires_at: expires.toISOString(),
      host: gateway.host,
      port: gateway.port,
      database: project.name,
      sslmode: 'verify-full',
      ca_cert: gateway.caCert,
      ca_cert_path: gateway.caCertPath,
      uri,
      project_role: role,
      db_role: roleName,
    };
  }

  /**
   * Takes the database role away from everyone who no longer has access to its project (removed
   * from the org, grant revoked, account disabled, break-glass over): no login, no group. Their
   * gateway sessions already ended (the revalidator); this leaves nothing behind in the cluster.
   * A project that cannot be reached now is tried again next time. Returns how many were revoked.
   */
  async function revokeStaleRoles(): Promise<number> {
    let revoked = 0;
    for (const r of await store.rolesInRunningProjects(db)) {
      if ((await resolveProjectRole(db, r.project_id, r.user_id)) !== null) continue;
      try {
        await disableRole(dataplane.adminConnection(r.project_id), r.role_name);
      } catch {
        continue;
      }
      await audit.mutate(
        SYSTEM,
        {
          action: 'db.role.revoke',
          chain: r.org_id,
          target: { type: 'project', id: r.project_id, name: r.project_name },
          details: { user_id: r.user_id, db_role: r.role_name, previous_role: r.project_role },
        },
        (tx) => store.deleteRole(tx, r.project_id, r.user_id, r.role_name),
      );
      revoked += 1;
    }
    return revoked;
  }

  /** Running projects whose cluster upgradeRoles has brought up to date in this process. */
  const upgraded = new Set<string>();

  /**
   * Brings the clusters of running projects made before owners ran as themselves up to date
   * (cluster-roles `upgradeOwnerRoles`), each once per process; a cluster that cannot be reached
   * is tried again on the next call. Returns the number of roles changed.
   */
  async function upgradeRoles(): Promise<number> {
    let changed = 0;
    for (const r of await store.rolesInRunningProjects(db)) {
      if (upgraded.has(r.project_id)) continue;
      try {
        changed += (await upgradeOwnerRoles(dataplane.adminConnection(r.project_id))).length;
        upgraded.add(r.project_id);
      } catch {
        // Not reachable now (starting, restoring): the next sweep tries again.
      }
    }
    return changed;
  }

  /** Verdicts for every live session whose authority ended, from one query. */
  async function revalidate(
    sessions: (store.LiveSessionRef & { state: SessionState })[],
    now = Date.now(),
  ): Promise<Map<string, Verdict>> {
    const out = new Map<string, Verdict>();
    if (sessions.length === 0) return out;
    const facts = new Map((await store.sessionFacts(db, sessions)).map((f) => [f.sid, f]));
    for (const s of sessions) {
      const v = verdictFor(s.state, facts.get(s.sid), now);
      if (v) out.set(s.sid, v);
    }
    return out;
  }

  return {
    resolveLogin: (login: string, database: string) => store.loginTargets(db, login, database),
    credentialCandidates: (userId: string, projectId: string) =>
      store.credentialCandidates(db, userId, projectId),
    projectRole: (projectId: string, userId: string) => resolveProjectRole(db, projectId, userId),
    ensureRole,
    issueCredentials,
    revalidate,
    revokeStaleRoles,
    upgradeRoles,
    readStatementText: createStatementTextReader({ audit, keys, orgs }).read,
  };
}

export type DbAccessService = ReturnType<typeof createDbAccessService>;
