import type { Socket } from 'node:net';
import { Duplex } from 'node:stream';
import { describe, expect, it, vi } from 'vitest';
import type { DataPlaneProvider } from '../../dataplane/index.js';
import type { DbAccessService, LoginTarget } from '../../dbaccess/index.js';
import type { IdentityService } from '../../identity/index.js';
import { scramClient } from '../auth/scram-client.js';
import { GatewayError } from '../errors.js';
import { message, saslInitialResponse, saslResponse } from '../protocol/build.js';
import { AUTH, BACKEND, FRONTEND } from '../protocol/codes.js';
import { type AdmitDeps, admit, findTarget } from './admit.js';
import { StartupClient } from './client.js';
import { loginRequest } from './request.js';

const TOKEN = 'ward_token_for_alice';

function target(over: Partial<LoginTarget> = {}): LoginTarget {
  return {
    user_id: 'usr_alice',
    email: 'alice@acme.test',
    kind: 'person',
    disabled: false,
    project_id: 'prj_records',
    project_name: 'records',
    status: 'running',
    audit_log_level: 'standard',
    audit_delivery: 'sync',
    allow_plaintext: false,
    org_id: 'org_acme',
    org_name: 'acme',
    hipaa_enabled: false,
    org_settings: {},
    role_name: null,
    db_project_role: null,
    scram_salt: null,
    ...over,
  };
}

/** A client whose replies are collected and whose messages are pushed in by the test. */
function client(tls: string | null, ip: string | null = '127.0.0.1') {
  const written: Buffer[] = [];
  const socket = new Duplex({
    read() {},
    write(chunk: Buffer, _enc, done) {
      written.push(chunk);
      done();
    },
  });
  const c = new StartupClient(socket as unknown as Socket);
  c.tls = tls;
  (c as { ip: string | null }).ip = ip;
  const sendPassword = (p: string) => socket.push(message(FRONTEND.Password, Buffer.from(`${p}\0`)));
  return { c, written, sendPassword, socket };
}

function deps(over: { projectRole?: string | null; state?: string } = {}): AdmitDeps {
  return {
    dbaccess: {
      credentialCandidates: vi.fn(async () => []),
      projectRole: vi.fn(async () => (over.projectRole === undefined ? 'readwrite' : over.projectRole)),
    } as unknown as DbAccessService,
    identity: {
      authenticate: vi.fn(async (secret: string) => {
        if (secret !== TOKEN) throw new Error('no such token');
        return { userId: 'usr_alice', tokenId: 'tok_alice', scopes: ['db:connect'] };
      }),
      signInGuard: {
        lockOf: vi.fn(async () => undefined),
        countFailure: vi.fn(async () => undefined),
        clearFailures: vi.fn(async () => undefined),
      },
    } as unknown as IdentityService,
    dataplane: {
      health: () => ({ state: over.state ?? 'running' }),
    } as unknown as DataPlaneProvider,
    certHash: Buffer.alloc(32, 1),
  };
}

const request = loginRequest(
  new Map([
    ['user', 'alice@acme.test'],
    ['database', 'records'],
  ]),
);

const refusal = (p: Promise<unknown>) =>
  p.then(
    () => undefined,
    (e: unknown) =>
      e instanceof GatewayError ? { sqlstate: e.sqlstate, reason: e.reason, hint: e.hint } : e,
  );

describe('admitting a login', () => {
  it('refuses plaintext before asking for any password, with one answer whoever asks', async () => {
    const cases: [LoginTarget | undefined, string | null, string][] = [
      [target({ audit_log_level: 'hipaa' }), '127.0.0.1', 'tls_required'],
      // A HIPAA project never allows plaintext (the database refuses the flag too).
      [target({ audit_log_level: 'hipaa', allow_plaintext: true }), '127.0.0.1', 'tls_required'],
      [target(), '127.0.0.1', 'tls_required'],
      [undefined, '127.0.0.1', 'tls_required'],
      [target({ allow_plaintext: true }), '10.1.2.3', 'plaintext_not_loopback'],
      [target({ allow_plaintext: true }), '::ffff:192.168.1.9', 'plaintext_not_loopback'],
      [target({ allow_plaintext: true }), null, 'plaintext_not_loopback'],
    ];
    for (const [t, ip, reason] of cases) {
      const { c, written } = client(null, ip);
      const d = deps();
      const r = await refusal(admit(c, request, t, d));
      expect(r, `${t?.audit_log_level} ${t?.allow_plaintext} ${ip}`).toMatchObject({
        sqlstate: '28000',
        reason,
        hint: expect.stringContaining('sslmode=verify-full'),
      });
      expect(written).toEqual([]);
      expect(d.dbaccess.credentialCandidates).not.toHaveBeenCalled();
    }
  }, 5_000);

  it("lets a standard project's plaintext opt-in through from loopback, to the SCRAM exchange", async () => {
    for (const ip of ['127.0.0.1', '::1', '::ffff:127.0.0.1']) {
      const { c, written, socket } = client(null, ip);
      const admitted = refusal(admit(c, request, target({ allow_plaintext: true }), deps()));
      await vi.waitFor(() => expect(written.length).toBe(1));
      expect(written[0]?.readInt32BE(5)).toBe(AUTH.SASL);
      socket.push(null);
      expect(await admitted).toMatchObject({ sqlstate: '08006' });
    }
  });

  it('over TLS takes an API token as the password and returns the session context, frozen', async () => {
    const { c, written, sendPassword } = client('TLSv1.3');
    const admitted = admit(c, request, target(), deps());
    sendPassword(TOKEN);
    const a = await admitted;
    expect(written[0]?.[0]).toBe(BACKEND.Authentication);
    expect(written[0]?.readInt32BE(5)).toBe(AUTH.CleartextPassword);
    expect(a.projectRole).toBe('readwrite');
    expect(a.auth).toEqual({ method: 'token', credentialId: null, tokenId: 'tok_alice' });
    expect(a.ctx.actor).toMatchObject({
      type: 'user',
      id: 'usr_alice',
      token_id: 'tok_alice',
      service: false,
    });
    expect(Object.isFrozen(a.ctx) && Object.isFrozen(a.ctx.actor)).toBe(true);
  });

  it('asks an unknown login for a SCRAM exchange, as it would a known one', async () => {
    const { c, written, socket } = client('TLSv1.3');
    const admitted = refusal(admit(c, request, undefined, deps()));
    await vi.waitFor(() => expect(written.length).toBe(1));
    expect(written[0]?.readInt32BE(5)).toBe(AUTH.SASL);
    socket.push(null);
    expect(await admitted).toMatchObject({ sqlstate: '08006' });
  });

  it('refuses a database that is none of the login’s projects as 3D000 once the exchange is over, not as a bad password', async () => {
    const { c, written, socket } = client('TLSv1.3');
    const other = loginRequest(
      new Map([
        ['user', 'alice@acme.test'],
        ['database', 'template1'],
      ]),
    );
    const admitted = admit(c, other, undefined, deps()).catch((e: unknown) => e);
    const scram = scramClient('the right password');
    await vi.waitFor(() => expect(written.length).toBe(1));
    socket.push(saslInitialResponse('SCRAM-SHA-256', scram.first()));
    await vi.waitFor(() => expect(written.length).toBe(2));
    const serverFirst = (written[1] as Buffer).subarray(9).toString('utf8');
    socket.push(saslResponse(await scram.final(serverFirst)));
    const err = await admitted;
    expect(err).toBeInstanceOf(GatewayError);
    expect(err).toMatchObject({ sqlstate: '3D000', reason: 'unknown_database' });
    expect((err as Error).message).toMatch(
      /^database "template1" does not exist for user "alice@acme\.test"/,
    );
  });

  it('refuses a person without a project role, saying who can grant one on a HIPAA project', async () => {
    const { c, sendPassword } = client('TLSv1.3');
    const admitted = refusal(
      admit(c, request, target({ audit_log_level: 'hipaa' }), deps({ projectRole: null })),
    );
    sendPassword(TOKEN);
    expect(await admitted).toMatchObject({
      sqlstate: '42501',
      reason: 'no_project_role',
      hint: 'HIPAA projects need a grant from an owner or admin.',
    });
  });

  it('refuses while the project is not running, asking to try again', async () => {
    const { c, sendPassword } = client('TLSv1.3');
    const admitted = refusal(admit(c, request, target(), deps({ state: 'starting' })));
    sendPassword(TOKEN);
    expect(await admitted).toMatchObject({ sqlstate: '57P03', reason: 'not_running' });
  });

  it('refuses a database name that names projects in two of the person’s orgs', async () => {
    const twice = { resolveLogin: async () => [target(), target({ org_id: 'org_other' })] };
    expect(await refusal(findTarget(twice, request))).toMatchObject({
      sqlstate: '3D000',
      reason: 'ambiguous_database',
    });
    expect(await findTarget({ resolveLogin: async () => [] }, request)).toBeUndefined();
  });
});
