import { describe, expect, it, vi } from 'vitest';
import type { IdentityService } from '../../identity/index.js';
import { GatewayError } from '../errors.js';
import { SQLSTATE } from '../protocol/codes.js';
import { authFailed } from './authenticate.js';
import { countIfFailed, refuseIfLocked } from './lockout.js';

type Guard = IdentityService['signInGuard'];

function guard(lock?: Awaited<ReturnType<Guard['lockOf']>>): Guard {
  return {
    lockOf: vi.fn(async () => lock),
    countFailure: vi.fn(async () => undefined),
    clearFailures: vi.fn(async () => undefined),
  };
}

const refusalOf = (p: Promise<unknown>) =>
  p.then(
    () => undefined,
    (e: unknown) => e as GatewayError,
  );
const until = new Date('2026-03-01T14:05:30Z');

describe('gateway lockout', () => {
  it('refuses a locked login, a locked address and a hard lock as 28000 with the reason', async () => {
    const soft = await refusalOf(
      refuseIfLocked(guard({ reason: 'locked', until, hard: false }), 'a@x.test', null),
    );
    expect(soft).toMatchObject({ sqlstate: '28000', reason: 'locked' });
    expect(soft?.message).toBe('too many failed sign-ins for this login; try again after 2026-03-01T14:05Z');
    const address = await refusalOf(
      refuseIfLocked(guard({ reason: 'address_locked', until, hard: false }), 'a@x.test', '10.0.0.1'),
    );
    expect(address).toMatchObject({ sqlstate: '28000', reason: 'address_locked' });
    expect(address?.message).toMatch(/from your network address; try again after 2026-03-01T14:05Z$/);
    const hard = await refusalOf(
      refuseIfLocked(
        guard({ reason: 'locked', until: new Date('9999-12-31T00:00:00Z'), hard: true }),
        'a',
        null,
      ),
    );
    expect(hard?.message).toMatch(/locked after 100 consecutive failed sign-ins; the operator can unlock it/);
    expect(await refusalOf(refuseIfLocked(guard(), 'a@x.test', '10.0.0.1'))).toBeUndefined();
  });

  it('counts a wrong password for the login and the address, an unknown login for the address only', async () => {
    const g = guard();
    await countIfFailed(g, authFailed('a@x.test', 'bad_password'), {
      login: 'a@x.test',
      ip: '10.0.0.1',
      known: true,
    });
    expect(g.countFailure).toHaveBeenLastCalledWith('a@x.test', '10.0.0.1');
    await countIfFailed(g, authFailed('b@x.test', 'bad_password'), {
      login: 'b@x.test',
      ip: '10.0.0.1',
      known: false,
    });
    expect(g.countFailure).toHaveBeenLastCalledWith(undefined, '10.0.0.1');
    const other = new GatewayError(SQLSTATE.invalid_password, 'expired', undefined, 'expired_credential');
    await countIfFailed(g, other, { login: 'a@x.test', ip: '10.0.0.1', known: true });
    await countIfFailed(g, new Error('socket closed'), { login: 'a@x.test', ip: null, known: true });
    expect(g.countFailure).toHaveBeenCalledTimes(2);
  });
});
