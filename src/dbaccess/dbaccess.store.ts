/**
 * @module dbaccess/store
 * SQL for database logins: who a gateway login names, their database role and short-lived
 * passwords, and the facts re-validation needs for every live session in one statement.
 */
import { sql } from 'kysely';
import type { Db, OrgRole, ProjectRole, Tx } from '../db/index.js';

type Q = Db | Tx;

export interface LoginTarget {
  user_id: string;
  email: string;
  kind: 'person' | 'service';
  disabled: boolean;
  project_id: string;
  project_name: string;
  status: string;
  audit_log_level: 'standard' | 'hipaa';
  audit_delivery: 'sync' | 'async';
  /** Plaintext connections from a loopback address are allowed (standard projects only). */
  allow_plaintext: boolean;
  org_id: string;
  org_name: string;
  hipaa_enabled: boolean;
  org_settings: Record<string, unknown>;
  role_name: string | null;
  db_project_role: ProjectRole | null;
  scram_salt: Buffer | null;
}

/**
 * The projects `database` (an id or a name) can name for `login` (an email, or a service
 * account's name): one row per match among the orgs the account belongs to.
 */
export async function loginTargets(q: Q, login: string, database: string): Promise<LoginTarget[]> {
  const { rows } = await sql<LoginTarget>`
    SELECT u.id AS user_id, u.email, u.kind, u.disabled_at IS NOT NULL AS disabled,
           p.id AS project_id, p.name AS project_name, p.status, p.audit_log_level, p.audit_delivery,
           p.allow_plaintext,
           o.id AS org_id, o.name AS org_name, o.hipaa_enabled, o.settings AS org_settings,
           r.role_name, r.project_role AS db_project_role, r.scram_salt
      FROM users u
      JOIN org_members m ON m.user_id = u.id
      JOIN projects p ON p.org_id = m.org_id AND p.status <> 'deleted' AND (p.id = ${database} OR p.name = ${database})
      JOIN orgs o ON o.id = p.org_id
      LEFT JOIN db_roles r ON r.project_id = p.id AND r.user_id = u.id
     WHERE lower(u.email) = lower(${login}) OR (u.kind = 'service' AND u.name = ${login})
     LIMIT 10`.execute(q);
  return rows;
}

export interface RoleRow {
  project_id: string;
  user_id: string;
  role_name: string;
  project_role: ProjectRole;
  password_enc: Buffer;
  scram_salt: Buffer;
}

export async function findRole(q: Q, projectId: string, userId: string): Promise<RoleRow | undefined> {
  const { rows } = await sql<RoleRow>`
    SELECT project_id, user_id, role_name, project_role, password_enc, scram_salt
      FROM db_roles WHERE project_id = ${projectId} AND user_id = ${userId}`.execute(q);
  return rows[0];
}

export async function upsertRole(q: Q, r: RoleRow): Promise<void> {
  await sql`
    INSERT INTO db_roles (project_id, user_id, role_name, project_role, password_enc, scram_salt)
    VALUES (${r.project_id}, ${r.user_id}, ${r.role_name}, ${r.project_role}, ${r.password_enc}, ${r.scram_salt})
    ON CONFLICT (project_id, user_id) DO UPDATE
      SET project_role = EXCLUDED.project_role, password_enc = EXCLUDED.password_enc, updated_at = now()`.execute(
    q,
  );
}

export type ProjectLoginRole = Pick<RoleRow, 'project_id' | 'user_id' | 'role_name' | 'project_role'> & {
  org_id: string;
  project_name: string;
};

/** Every login role Ward made in a running project, with the project's org and name. */
export async function rolesInRunningProjects(q: Q): Promise<ProjectLoginRole[]> {
  const { rows } = await sql<ProjectLoginRole>`
    SELECT r.project_id, r.user_id, r.role_name, r.project_role, p.org_id, p.name AS project_name
      FROM db_roles r JOIN projects p ON p.id = r.project_id
     WHERE p.status = 'running'
     ORDER BY r.project_id, r.user_id`.execute(q);
  return rows;
}

export async function deleteRole(q: Q, projectId: string, userId: string, roleName: string): Promise<void> {
  await sql`DELETE FROM db_roles WHERE project_id = ${projectId} AND user_id = ${userId} AND role_name = ${roleName}`.execute(
    q,
  );
}

/** The SCRAM salt of the account's database passwords and tokens (users.db_scram_salt, ADR 0012). */
export async function accountSalt(q: Q, userId: string): Promise<Buffer> {
  const { rows } = await sql<{
    salt: Buffer;
  }>`SELECT db_scram_salt AS salt FROM users WHERE id = ${userId}`.execute(q);
  const salt = rows[0]?.salt;
  if (!salt) throw new Error(`no account ${userId}`);
  return salt;
}

/**
 * Moves a login's role to its account's salt when no password made under the old salt is still
 * live (roles made before migration 0064); true if it moved.
 */
export async function adoptAccountSalt(
  q: Q,
  projectId: string,
  userId: string,
  salt: Buffer,
): Promise<boolean> {
  const { numAffectedRows } = await sql`
    UPDATE db_roles r SET scram_salt = ${salt}
     WHERE r.project_id = ${projectId} AND r.user_id = ${userId} AND r.scram_salt <> ${salt}
       AND NOT EXISTS (SELECT 1 FROM db_credentials c
                        WHERE c.user_id = r.user_id AND c.project_id = r.project_id
                          AND c.revoked_at IS NULL AND c.expires_at > now())`.execute(q);
  return Number(numAffectedRows ?? 0) > 0;
}

export interface CredentialRow {
  id: string;
  iterations: number;
  stored_key: Buffer;
  server_key: Buffer;
  expires_at: Date;
}

/** Live credentials, and those that expired within a day (to say so rather than "wrong password"). */
export async function credentialCandidates(
  q: Q,
  userId: string,
  projectId: string,
): Promise<CredentialRow[]> {
  const { rows } = await sql<CredentialRow>`
    SELECT id, iterations, stored_key, server_key, expires_at FROM db_credentials
     WHERE user_id = ${userId} AND project_id = ${projectId} AND revoked_at IS NULL
       AND expires_at > now() - interval '1 day'
     ORDER BY created_at DESC LIMIT 20`.execute(q);
  return rows;
}

export async function insertCredential(
  q: Q,
  c: CredentialRow & { project_id: string; user_id: string },
): Promise<void> {
  await sql`
    INSERT INTO db_credentials (id, project_id, user_id, iterations, stored_key, server_key, expires_at)
    VALUES (${c.id}, ${c.project_id}, ${c.user_id}, ${c.iterations}, ${c.stored_key}, ${c.server_key}, ${c.expires_at})`.execute(
    q,
  );
}

export interface LiveSessionRef {
  sid: string;
  project_id: string;
  user_id: string;
  token_id: string | null;
  credential_id: string | null;
}

export interface SessionFacts {
  sid: string;
  project_status: string | null;
  audit_log_level: string | null;
  allow_plaintext: boolean | null;
  hipaa_enabled: boolean | null;
  settings: Record<string, unknown> | null;
  org_role: OrgRole | null;
  grant_role: ProjectRole | null;
  break_glass_role: ProjectRole | null;
  kind: 'person' | 'service' | null;
  disabled: boolean | null;
  totp: boolean;
  sso_required: boolean;
  token_ended: boolean;
  credential_revoked: boolean;
}

/**
 * The facts behind every live session's authority, in one statement: the same facts as
 * projects/access.ts projectAccessFacts (which the rule in effectiveProjectRole reads), for many
 * sessions at once, plus the state of the token or credential each signed in with.
 */
export async function sessionFacts(q: Q, sessions: LiveSessionRef[]): Promise<SessionFacts[]> {
  const col = <K extends keyof LiveSessionRef>(k: K) => sessions.map((s) => s[k]);
  const { rows } = await sql<SessionFacts>`
    SELECT s.sid, p.status AS project_status, p.audit_log_level, p.allow_plaintext, o.hipaa_enabled, o.settings,
           m.role AS org_role, g.role AS grant_role,
           (SELECT b.role FROM break_glass b
             WHERE b.project_id = p.id AND b.user_id = u.id AND b.ended_at IS NULL AND b.expires_at > now()
             ORDER BY CASE b.role WHEN 'owner' THEN 3 WHEN 'readwrite' THEN 2 ELSE 1 END DESC
             LIMIT 1) AS break_glass_role,
           u.kind, u.disabled_at IS NOT NULL AS disabled,
           coalesce(t.confirmed_at IS NOT NULL, false) AS totp, coalesce(sso.require_sso, false) AS sso_required,
           coalesce(tok.revoked_at IS NOT NULL OR tok.expires_at <= now(), false) AS token_ended,
           coalesce(c.revoked_at IS NOT NULL, false) AS credential_revoked
      FROM unnest(${col('sid')}::text[], ${col('project_id')}::text[], ${col('user_id')}::text[],
                  ${col('token_id')}::text[], ${col('credential_id')}::text[])
           AS s(sid, project_id, user_id, token_id, credential_id)
      LEFT JOIN projects p ON p.id = s.project_id
      LEFT JOIN orgs o ON o.id = p.org_id
      LEFT JOIN users u ON u.id = s.user_id
      LEFT JOIN org_members m ON m.org_id = o.id AND m.user_id = u.id
      LEFT JOIN project_grants g ON g.project_id = p.id AND g.user_id = u.id
      LEFT JOIN user_totp t ON t.user_id = u.id
      LEFT JOIN org_sso sso ON sso.org_id = o.id
      LEFT JOIN tokens tok ON tok.id = s.token_id
      LEFT JOIN db_credentials c ON c.id = s.credential_id`.execute(q);
  return rows;
}
