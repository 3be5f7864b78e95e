/**
 * The database roles of people who lose access, against a real Ward and a real project cluster:
 * once a developer is removed from the org, Ward takes their role's login and group away (and
 * records it), leaves everyone else's role alone, and gives both back when the person is added
 * again and connects.
 */
import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, events, signIn } from './support/access.js';
import { credentials, pgConfig, projectWithPeople } from './support/gateway.js';
import { startTestWard, type TestWard } from './support/ward.js';

const ORG = 'acme-roles';
let w: TestWard;
let project: Awaited<ReturnType<typeof projectWithPeople>>;
const token = (role: string) => project.tokens[role] ?? '';

/** A login role's state in the project's cluster, as its administrator sees it. */
async function roleInCluster(name: string) {
  const c = new pg.Client(w.ward.services.dataplane.adminConnection(project.projectId));
  await c.connect();
  try {
    const { rows } = await c.query(
      `SELECT r.rolcanlogin, r.rolpassword IS NOT NULL AS has_password,
              (SELECT s.setconfig FROM pg_db_role_setting s WHERE s.setrole = r.oid AND s.setdatabase = 0) AS config,
              array(SELECT g.rolname::text FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid
                     WHERE m.member = r.oid ORDER BY 1) AS groups
         FROM pg_authid r WHERE r.rolname = $1`,
      [name],
    );
    return rows[0] as
      | { rolcanlogin: boolean; has_password: boolean; config: string[] | null; groups: string[] }
      | undefined;
  } finally {
    await c.end();
  }
}

/** The role Ward made for `role`'s person in the project (undefined once revoked). */
async function roleOf(role: string): Promise<string | undefined> {
  const { rows } = await sql<{ role_name: string }>`
    SELECT role_name FROM ward.db_roles
     WHERE project_id = ${project.projectId} AND user_id = ${project.ids[role] ?? ''}`.execute(
    w.ward.services.db,
  );
  return rows[0]?.role_name;
}

const orgChain = async () =>
  (await w.ward.services.db.selectFrom('orgs').select('id').where('name', '=', ORG).executeTakeFirstOrThrow())
    .id;

async function connectAndQuery(role: string): Promise<unknown> {
  const c = new pg.Client(pgConfig(await credentials(w, token(role), project.projectId)));
  await c.connect();
  try {
    return (await c.query('SELECT current_user AS me, 1 AS one')).rows[0].one;
  } finally {
    await c.end();
  }
}

beforeAll(async () => {
  w = await startTestWard();
  project = await projectWithPeople(w, ORG, 'records');
});
afterAll(() => w?.stop());

describe('database roles of people who lost access', () => {
  it('are revoked and recorded; everyone else keeps theirs; access regained gives it back', async () => {
    const { dbaccess } = w.ward.services.gateway;
    expect(await connectAndQuery('developer')).toBe(1);
    expect(await connectAndQuery('owner')).toBe(1);
    const devRole = (await roleOf('developer')) as string;
    const ownerRole = (await roleOf('owner')) as string;
    expect(await roleInCluster(devRole)).toMatchObject({
      rolcanlogin: true,
      has_password: true,
      groups: ['project_readwrite'],
    });
    // Owners' sessions run as themselves (no SET role), like everyone's.
    expect(await roleInCluster(ownerRole)).toMatchObject({ groups: ['project_owner'], config: null });
    // Nobody has lost access yet: nothing to do.
    expect(await dbaccess.revokeStaleRoles()).toBe(0);

    const removed = await call(w, 'DELETE', `/api/v1/orgs/${ORG}/members/${project.ids.developer}`, {
      token: token('owner'),
    });
    expect(removed.status).toBe(204);
    expect(await dbaccess.revokeStaleRoles()).toBe(1);
    expect(await roleOf('developer')).toBeUndefined();
    expect(await roleInCluster(devRole)).toMatchObject({
      rolcanlogin: false,
      has_password: false,
      groups: [],
    });
    expect(await roleInCluster(ownerRole)).toMatchObject({ rolcanlogin: true, groups: ['project_owner'] });
    const [revoke] = await events(w, 'db.role.revoke', await orgChain());
    expect(revoke?.details).toEqual({
      user_id: project.ids.developer,
      db_role: devRole,
      previous_role: 'readwrite',
    });
    expect(revoke?.target).toMatchObject({ type: 'project', id: project.projectId });
    expect(await dbaccess.revokeStaleRoles()).toBe(0);

    const back = await call(w, 'POST', `/api/v1/orgs/${ORG}/members`, {
      token: token('owner'),
      body: { email: `developer@${ORG}.test`, role: 'developer' },
    });
    expect(back.status).toBe(201);
    // Removal ended the developer's sign-in; they sign in again.
    project.tokens.developer = await signIn(w, `developer@${ORG}.test`);
    expect(await connectAndQuery('developer')).toBe(1);
    expect(await roleOf('developer')).toBe(devRole);
    expect(await roleInCluster(devRole)).toMatchObject({ rolcanlogin: true, groups: ['project_readwrite'] });
  });
});
