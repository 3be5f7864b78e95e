/**
 * @module dbaccess/cluster-roles
 * The database roles Ward keeps inside a project's cluster. Three group roles carry the project
 * roles' privileges; each person (or service account) gets a login role that is a member of
 * exactly one of them, never a superuser and never able to create roles or databases:
 *
 *   project_owner      all privileges on the app database and schema public; owners' sessions
 *                      run as project_owner (ALTER ROLE … SET role), so what they create belongs
 *                      to the group and every owner can change it
 *   project_readwrite  read and write every table and sequence project_owner creates
 *   project_readonly   read them
 *
 * Passwords are given to PostgreSQL as SCRAM verifiers, so no plaintext reaches the server.
 */
import pg from 'pg';
import type { ProjectRole } from '../db/index.js';

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
ALTER DEFAULT PRIVILEGES FOR ROLE project_owner GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO project_readwrite;
ALTER DEFAULT PRIVILEGES FOR ROLE project_owner GRANT SELECT ON TABLES TO project_readonly;
ALTER DEFAULT PRIVILEGES FOR ROLE project_owner GRANT USAGE, SELECT, UPDATE ON SEQUENCES TO project_readwrite;
ALTER DEFAULT PRIVILEGES FOR ROLE project_owner GRANT SELECT ON SEQUENCES TO project_readonly;
ALTER DEFAULT PRIVILEGES FOR ROLE project_owner GRANT USAGE ON SCHEMAS TO project_readwrite, project_readonly;
`;

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
    await client.query(GROUPS_SQL);
    const exists = await client.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [role]);
    const attributes = 'LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS INHERIT';
    if (exists.rowCount === 0) await client.query(`CREATE ROLE ${id} ${attributes} PASSWORD ${password}`);
    else await client.query(`ALTER ROLE ${id} ${attributes} PASSWORD ${password}`);
    for (const [r, group] of Object.entries(GROUP_ROLES)) {
      if (r === projectRole) await client.query(`GRANT ${group} TO ${id}`);
      else await client.query(`REVOKE ${group} FROM ${id}`);
    }
    if (projectRole === 'owner') await client.query(`ALTER ROLE ${id} SET role = 'project_owner'`);
    else await client.query(`ALTER ROLE ${id} RESET role`);
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
