/**
 * Sign-in lockout at the gateway, against a real Ward: wrong database passwords lock the login
 * (and the web sign-in of the same account: one policy, one set of counters), failures across
 * logins lock the client address, a lock refuses even the right password with a message saying
 * until when, the operator's unlock lets the person in again, and every refusal is audited.
 */
import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call } from './support/access.js';
import { type Creds, credentials, dbEvents, pgConfig, projectWithPeople } from './support/gateway.js';
import { PASSWORD, startTestWard, type TestWard } from './support/ward.js';

const MAX = 3;
const ADDRESS_MAX = 5;
let w: TestWard;
let project: Awaited<ReturnType<typeof projectWithPeople>>;

/** Connects and runs SELECT 1; says 'ok' or the refusal's SQLSTATE and message. */
async function attempt(c: Creds, over: { user?: string; password?: string } = {}) {
  const client = new pg.Client(pgConfig(c, over));
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('SELECT 1');
    return { code: 'ok', message: '' };
  } catch (err) {
    const e = err as Error & { code?: string };
    return { code: e.code ?? 'none', message: e.message };
  } finally {
    await client.end().catch(() => undefined);
  }
}

const reasons = async (login: string) =>
  (await dbEvents(w, 'db.connect', project.projectId))
    .filter((e) => e.outcome === 'denied' && e.details.login === login)
    .map((e) => e.details.reason);

beforeAll(async () => {
  w = await startTestWard({ lockout: { max_failures: MAX, minutes: 15, address_max_failures: ADDRESS_MAX } });
  project = await projectWithPeople(w, 'lockco', 'records');
  await w.adminToken();
}, 120_000);

afterAll(async () => {
  await w?.stop();
});

describe('gateway lockout', () => {
  it('locks a login after the configured wrong passwords, for the web sign-in too, until unlocked', async () => {
    const dev = await credentials(w, project.tokens.developer as string, project.projectId);
    for (let i = 0; i < MAX; i++) {
      const r = await attempt(dev, { password: 'not-the-password' });
      expect(r.code).toBe('28P01');
    }
    const locked = await attempt(dev);
    expect(locked.code).toBe('28000');
    expect(locked.message).toMatch(/too many failed sign-ins for this login; try again after \S+Z/);

    const web = await call(w, 'POST', '/api/v1/auth/login', {
      body: { email: dev.user, password: PASSWORD },
      ip: '10.0.0.7',
    });
    expect(web.status).toBe(429);
    expect(web.body.error.message).toMatch(/too many failed sign-ins for this address/);

    expect(await reasons(dev.user)).toEqual([...Array(MAX).fill('bad_password'), 'locked']);

    const unlock = await call(w, 'POST', `/api/v1/users/${project.ids.developer}/unlock`, {
      token: await w.adminToken(),
    });
    expect(unlock.status).toBe(200);
    expect((await attempt(dev)).code).toBe('ok');
  }, 60_000);

  it('says the same of a locked login whether or not the account exists', async () => {
    const dev = await credentials(w, project.tokens.developer as string, project.projectId);
    const ghost = 'ghost@lockco.test';
    for (let i = 0; i < MAX; i++)
      await call(w, 'POST', '/api/v1/auth/login', { body: { email: ghost, password: 'x' }, ip: '10.0.0.8' });
    const r = await attempt(dev, { user: ghost });
    expect(r.code).toBe('28000');
    expect(r.message).toMatch(/too many failed sign-ins for this login; try again after \S+Z/);
  }, 60_000);

  it('locks the client address after wrong passwords across logins', async () => {
    await sql`DELETE FROM ward.sign_in_address_failures`.execute(w.ward.services.db);
    const admin = await credentials(w, project.tokens.admin as string, project.projectId);
    const owner = await credentials(w, project.tokens.owner as string, project.projectId);
    // 2 + 2 + 1 failures, none of the logins reaching its own limit of 3.
    for (const c of [admin, admin, owner, owner])
      expect((await attempt(c, { password: 'wrong-password' })).code).toBe('28P01');
    expect((await attempt(admin, { user: 'nobody@lockco.test', password: 'wrong' })).code).toBe('3D000');

    const locked = await attempt(admin);
    expect(locked.code).toBe('28000');
    expect(locked.message).toMatch(
      /too many failed sign-ins from your network address; try again after \S+Z/,
    );
    const stranger = await attempt(admin, { user: 'nobody@lockco.test' });
    expect(stranger).toEqual(locked);

    const { rows } = await sql<{ address: string }>`
      SELECT address FROM ward.sign_in_address_failures WHERE locked_until > now()`.execute(
      w.ward.services.db,
    );
    expect(rows).toHaveLength(1);
    const web = await call(w, 'POST', '/api/v1/auth/login', {
      body: { email: admin.user, password: PASSWORD },
      ip: rows[0]?.address,
    });
    expect(web.status).toBe(429);

    expect(await reasons(admin.user)).toEqual(['bad_password', 'bad_password', 'address_locked']);
    expect(await reasons(owner.user)).toEqual(['bad_password', 'bad_password']);
  }, 60_000);
});
