/**
 * People's own sessions and owners' objects, through the real gateway into a real cluster. Every
 * session runs as the person's own role, so each person sees the full rows of their own backends
 * in pg_stat_activity and may cancel or terminate them, and sees `<insufficient privilege>` for
 * everyone else's (another owner's too) and may signal none of them. What one owner creates still
 * belongs to `project_owner`: a second owner can change and drop it, and readwrite and readonly
 * people get their privileges on it.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { upgradeOwnerRoles } from '../src/dbaccess/cluster-roles.js';
import { credentials, pgConfig, projectWithPeople } from './support/gateway.js';
import { eventually, startTestWard, type TestWard } from './support/ward.js';

/** Org roles whose people are, on a standard project, two owners and a readonly person. */
const PEOPLE = ['owner', 'admin', 'member'] as const;
type Person = (typeof PEOPLE)[number] | 'developer';

let w: TestWard;
let project: Awaited<ReturnType<typeof projectWithPeople>>;
const opened: pg.Client[] = [];
/** One idle session per person, which also looks at pg_stat_activity for them. */
const idle = new Map<Person, { client: pg.Client; pid: number }>();

async function connect(person: Person): Promise<{ client: pg.Client; pid: number }> {
  const creds = await credentials(w, project.tokens[person] ?? '', project.projectId);
  const client = new pg.Client(pgConfig(creds));
  client.on('error', () => undefined); // a terminated session reports here
  await client.connect();
  opened.push(client);
  const pid = (await client.query('SELECT pg_backend_pid() AS pid')).rows[0].pid as number;
  return { client, pid };
}

const errorOf = (p: Promise<unknown>): Promise<{ code?: string; message: string }> =>
  p.then(
    () => ({ message: 'no error' }),
    (e) => e,
  );

async function activity(observer: pg.Client, pid: number) {
  const { rows } = await observer.query('SELECT pid, state, query FROM pg_stat_activity WHERE pid = $1', [
    pid,
  ]);
  return rows[0] as { pid: number; state: string | null; query: string } | undefined;
}

/** The admin's view: who owns the relation `name` in the app database. */
async function ownerOf(name: string): Promise<string | undefined> {
  const c = new pg.Client(w.ward.services.dataplane.adminConnection(project.projectId));
  await c.connect();
  try {
    const { rows } = await c.query(
      'SELECT pg_get_userbyid(relowner) AS owner FROM pg_class WHERE oid = to_regclass($1)',
      [name],
    );
    return rows[0]?.owner;
  } finally {
    await c.end();
  }
}

beforeAll(async () => {
  w = await startTestWard();
  project = await projectWithPeople(w, 'acme-own-sessions', 'sessions');
  for (const person of PEOPLE) {
    const session = await connect(person);
    await session.client.query(`SELECT 'idle session of ${person}' AS marker`);
    idle.set(person, session);
  }
});
afterAll(async () => {
  await Promise.all(opened.map((c) => c.end().catch(() => undefined)));
  await w?.stop();
});

describe('a person and their own sessions', () => {
  it('runs as the person, owners too, not as the group', async () => {
    for (const person of PEOPLE) {
      const { client } = idle.get(person) as { client: pg.Client };
      const { rows } = await client.query('SELECT current_user = session_user AS same');
      expect(rows[0].same, person).toBe(true);
    }
  });

  for (const person of PEOPLE) {
    it(`${person}: sees and signals their own backends, and no one else's`, async () => {
      const me = idle.get(person) as { client: pg.Client; pid: number };
      const sleeper = await connect(person);
      const sleeping = errorOf(sleeper.client.query(`SELECT pg_sleep(30) AS "sleep of ${person}"`));
      const row = await eventually(async () => {
        const r = await activity(me.client, sleeper.pid);
        return r?.state === 'active' ? r : undefined;
      }, 10_000);
      expect(row).toMatchObject({ pid: sleeper.pid, query: `SELECT pg_sleep(30) AS "sleep of ${person}"` });

      expect((await me.client.query('SELECT pg_cancel_backend($1) AS ok', [sleeper.pid])).rows[0].ok).toBe(
        true,
      );
      expect((await sleeping).code).toBe('57014');

      expect((await me.client.query('SELECT pg_terminate_backend($1) AS ok', [sleeper.pid])).rows[0].ok).toBe(
        true,
      );
      await eventually(async () => ((await activity(me.client, sleeper.pid)) ? undefined : true), 10_000);
      expect((await errorOf(sleeper.client.query('SELECT 1'))).message).not.toBe('no error');

      for (const other of PEOPLE.filter((p) => p !== person)) {
        const theirs = idle.get(other) as { client: pg.Client; pid: number };
        expect(await activity(me.client, theirs.pid)).toEqual({
          pid: theirs.pid,
          state: null,
          query: '<insufficient privilege>',
        });
        for (const signal of ['pg_cancel_backend', 'pg_terminate_backend']) {
          const refused = await errorOf(me.client.query(`SELECT ${signal}($1)`, [theirs.pid]));
          expect(refused.code, `${person} → ${other}: ${signal}`).toBe('42501');
        }
      }
    });
  }

  it('leaves everyone else’s sessions running', async () => {
    for (const person of PEOPLE) {
      const { client } = idle.get(person) as { client: pg.Client };
      expect((await client.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
    }
  });
});

describe('what an owner creates', () => {
  it('belongs to project_owner: readwrite writes it, readonly reads it, another owner changes and drops it', async () => {
    const owner = idle.get('owner') as { client: pg.Client };
    await owner.client.query('CREATE TABLE visits (id serial PRIMARY KEY, note text)');
    await owner.client.query('CREATE VIEW visit_notes AS SELECT note FROM visits');
    await owner.client.query(
      'CREATE SCHEMA clinic CREATE TABLE rooms (id int GENERATED ALWAYS AS IDENTITY, name text)',
    );
    await owner.client.query(
      "CREATE FUNCTION visit_count() RETURNS bigint LANGUAGE sql AS 'SELECT count(*) FROM visits'",
    );
    for (const name of ['visits', 'visits_id_seq', 'visit_notes', 'clinic.rooms']) {
      expect(await ownerOf(name), name).toBe('project_owner');
    }

    const developer = await connect('developer');
    await developer.client.query("INSERT INTO visits (note) VALUES ('first')");
    await developer.client.query("INSERT INTO clinic.rooms (name) VALUES ('A')");

    const member = idle.get('member') as { client: pg.Client };
    expect((await member.client.query('SELECT note FROM visit_notes')).rows).toEqual([{ note: 'first' }]);
    expect((await member.client.query('SELECT name FROM clinic.rooms')).rows).toEqual([{ name: 'A' }]);
    expect((await errorOf(member.client.query("INSERT INTO visits (note) VALUES ('no')"))).code).toBe(
      '42501',
    );

    const second = idle.get('admin') as { client: pg.Client };
    await second.client.query('ALTER TABLE visits ADD COLUMN seen_at timestamptz');
    await second.client.query(
      "CREATE OR REPLACE FUNCTION visit_count() RETURNS bigint LANGUAGE sql AS 'SELECT 0::bigint'",
    );
    await second.client.query('DROP VIEW visit_notes');
    await second.client.query('DROP FUNCTION visit_count()');
    await second.client.query('DROP TABLE visits');
    await second.client.query('DROP SCHEMA clinic CASCADE');
    expect(await ownerOf('visits')).toBeUndefined();
  });

  it('stays the group’s when an owner tries to take it, and Ward’s own objects are left alone', async () => {
    const owner = idle.get('owner') as { client: pg.Client };
    const [role] = (await owner.client.query('SELECT current_user AS me')).rows.map((r) => r.me as string);
    await owner.client.query('CREATE TABLE kept (id int)');
    await owner.client.query(`ALTER TABLE kept OWNER TO ${owner.client.escapeIdentifier(role ?? '')}`);
    expect(await ownerOf('kept')).toBe('project_owner');

    const admin = new pg.Client(w.ward.services.dataplane.adminConnection(project.projectId));
    await admin.connect();
    try {
      await admin.query('CREATE TABLE wards_own (id int)');
      const { rows } = await admin.query('SELECT current_user AS me');
      expect(await ownerOf('wards_own')).toBe(rows[0].me);
      await admin.query('DROP TABLE wards_own, kept');
    } finally {
      await admin.end();
    }
  });
});

describe('a project made before owners ran as themselves', () => {
  it('is brought up to date: the owner’s role loses SET role, the trigger is back, and nothing else changes', async () => {
    const admin = new pg.Client(w.ward.services.dataplane.adminConnection(project.projectId));
    await admin.connect();
    const role = admin.escapeIdentifier('owner@acme-own-sessions.test');
    try {
      // As cluster-roles left a project before 2026-12-06.
      await admin.query(`ALTER ROLE ${role} SET role = 'project_owner'`);
      await admin.query('DROP EVENT TRIGGER ward_owners_objects_to_group');
      expect(await upgradeOwnerRoles(w.ward.services.dataplane.adminConnection(project.projectId))).toEqual([
        'owner@acme-own-sessions.test',
      ]);
      // Idempotent: a second pass finds nothing to do.
      expect(await upgradeOwnerRoles(w.ward.services.dataplane.adminConnection(project.projectId))).toEqual(
        [],
      );
    } finally {
      await admin.end();
    }
    const fresh = await connect('owner');
    const { rows } = await fresh.client.query('SELECT current_user = session_user AS same');
    expect(rows[0].same).toBe(true);
    await fresh.client.query('CREATE TABLE upgraded (id int)');
    expect(await ownerOf('upgraded')).toBe('project_owner');
    await fresh.client.query('DROP TABLE upgraded');
  });
});
