/**
 * @module dbaccess/cluster-roles
 * The database roles Ward keeps inside a project's cluster. Three group roles carry the project
 * roles' privileges; each person (or service account) gets a login role that is a member of
 * exactly one of them, never a superuser and never able to create roles or databases:
 *
 *   project_owner      all privileges on the app database and schema public, and owner of
 *                      everything owners create (the event trigger of ./group-ownership.ts
 *                      gives it each new object), so every owner can change it
 *   project_readwrite  read and write every table and sequence an owner creates
 *   project_readonly   read them
 *
 * Everyone's sessions run as their own login role (`current_user` is the person; owners are
 * INHERIT members of project_owner and hold its privileges), so PostgreSQL shows each person the
 * full rows of their own backends in pg_stat_activity and lets them cancel or terminate those
 * backends, and no one else's. Default privileges are set for project_owner and for each owner,
 * because they apply to what a role creates, before the trigger hands the object to the group.
 *
 * Passwords are given to PostgreSQL as SCRAM verifiers, so no plaintext reaches the server.
 */
import pg from 'pg';
import type { ProjectRole } from '../db/index.js';
import { GROUP_OWNERSHIP_SQL } from './group-ownership.js';

export const GROUP_ROLES: Record<ProjectRole, string> = {
  owner: 'project_owner',
  readwrite: 'project_readwrite',
  readonly: 'project_readonly',
};

const GROUPS_SQL = `
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'project_owner') THEN
    CREATE ROLE project_owner NOLOGIN;
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'project_readwrite') THEN
    CREATE ROLE project_readwrite NOLOGIN;
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'project_readonly') THEN
    CREATE ROLE project_readonly NOLOGIN;
  END IF;
END $$;
GRANT CONNECT, TEMPORARY ON DATABASE app TO project_owner, project_readwrite, project_readonly;
GRANT CREATE ON DATABASE app TO project_owner;
GRANT USAGE, CREATE ON SCHEMA public TO project_owner;
GRANT USAGE ON SCHEMA public TO project_readwrite, project_readonly;
`;

/** What readwrite and readonly get on each new object: [privileges ON kind, grantees]. */
const DEFAULT_PRIVILEGES = [
  ['SELECT, INSERT, UPDATE, DELETE ON TABLES', 'project_readwrite'],
  ['SELECT ON TABLES', 'project_readonly'],
  ['USAGE, SELECT, UPDATE ON SEQUENCES', 'project_readwrite'],
  ['SELECT ON SEQUENCES', 'project_readonly'],
  ['USAGE ON SCHEMAS', 'project_readwrite, project_readonly'],
] as const;

/** Grants (or takes back) DEFAULT_PRIVILEGES on what `creator` (an escaped identifier) creates. */
const defaultPrivileges = (creator: string, grant: boolean): string =>
  DEFAULT_PRIVILEGES.map(
    ([what, to]) =>
      `ALTER DEFAULT PRIVILEGES FOR ROLE ${creator} ${grant ? `GRANT ${what} TO` : `REVOKE ${what} FROM`} ${to};`,
  ).join('\n');

/** Serializes applyRole per cluster: concurrent catalog updates fail ("tuple concurrently updated"). */
const APPLY_LOCK = 'SELECT pg_advisory_xact_lock(hashtext($1))';

/** Creates or updates `role` with `verifier` as its password and membership in one group only. */
export async function applyRole(
  conn: pg.ClientConfig,
  role: string,
  projectRole: ProjectRole,
  verifier: string,
): Promise<void> {
  const client = new pg.Client(conn);
  await client.connect();
  try {
    const id = client.escapeIdentifier(role);
    const password = client.escapeLiteral(verifier);
    await client.query('BEGIN');
    await client.query(APPLY_LOCK, ['ward.dbaccess.applyRole']);
    await client.query(GROUPS_SQL);
    await client.query(defaultPrivileges('project_owner', true));
    await client.query(GROUP_OWNERSHIP_SQL);
    const exists = await client.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [role]);
    const attributes = 'LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS INHERIT';
    if (exists.rowCount === 0) await client.query(`CREATE ROLE ${id} ${attributes} PASSWORD ${password}`);
    else await client.query(`ALTER ROLE ${id} ${attributes} PASSWORD ${password}`);
    for (const [r, group] of Object.entries(GROUP_ROLES)) {
      if (r === projectRole) await client.query(`GRANT ${group} TO ${id}`);
      else await client.query(`REVOKE ${group} FROM ${id}`);
    }
    // Owners' roles made when their sessions ran as project_owner still say SET role.
    await client.query(`ALTER ROLE ${id} RESET role`);
    await client.query(defaultPrivileges(id, projectRole === 'owner'));
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    await client.end();
  }
}

/**
 * Takes `role`'s login and group memberships away (the person no longer has access). The role
 * stays, so nothing it owns is orphaned; `applyRole` gives both back if access returns.
 */
export async function disableRole(conn: pg.ClientConfig, role: string): Promise<void> {
  const client = new pg.Client(conn);
  await client.connect();
  try {
    const exists = await client.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [role]);
    if (exists.rowCount === 0) return;
    const id = client.escapeIdentifier(role);
    await client.query(`ALTER ROLE ${id} NOLOGIN PASSWORD NULL`);
    for (const group of Object.values(GROUP_ROLES)) await client.query(`REVOKE ${group} FROM ${id}`);
    await client.query(`ALTER ROLE ${id} RESET role`);
  } finally {
    await client.end();
  }
}

/**
 * Brings a cluster set up before owners ran as themselves (2026-12-06) to today's shape: the
 * ownership trigger installed, and owners' roles without `SET role` and with their default
 * privileges. Idempotent; returns the roles it changed.
 */
export async function upgradeOwnerRoles(conn: pg.ClientConfig): Promise<string[]> {
  const client = new pg.Client(conn);
  await client.connect();
  try {
    const { rows } = await client.query<{ rolname: string }>(
      `SELECT r.rolname FROM pg_db_role_setting s JOIN pg_roles r ON r.oid = s.setrole
        WHERE s.setconfig @> ARRAY['role=project_owner']`,
    );
    const trigger = await client.query(`SELECT 1 FROM pg_event_trigger WHERE evtname = $1`, [
      'ward_owners_objects_to_group',
    ]);
    if (rows.length === 0 && trigger.rowCount === 1) return [];
    await client.query('BEGIN');
    await client.query(APPLY_LOCK, ['ward.dbaccess.applyRole']);
    await client.query(GROUPS_SQL);
    await client.query(defaultPrivileges('project_owner', true));
    await client.query(GROUP_OWNERSHIP_SQL);
    for (const { rolname } of rows) {
      const id = client.escapeIdentifier(rolname);
      await client.query(`ALTER ROLE ${id} RESET role`);
      await client.query(defaultPrivileges(id, true));
    }
    await client.query('COMMIT');
    return rows.map((r) => r.rolname);
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    await client.end();
  }
}
