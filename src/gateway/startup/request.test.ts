import { describe, expect, it } from 'vitest';
import { BACKEND } from '../protocol/codes.js';
import { checkLoginRequest, loginRequest, protocolReply } from './request.js';

const params = (o: Record<string, string>) => new Map(Object.entries(o));

describe('the startup packet as a login request', () => {
  it('says nothing to a 3.0 client without options', () => {
    expect(protocolReply({ minor: 0, params: params({ user: 'a@b.test' }) })).toBeUndefined();
  });

  it('answers a newer minor version or _pq_ options with NegotiateProtocolVersion: 3.0, options listed', () => {
    const reply = protocolReply({ minor: 2, params: params({ user: 'a@b.test', '_pq_.compression': 'on' }) });
    expect(reply?.[0]).toBe(BACKEND.NegotiateProtocolVersion);
    expect(reply?.readInt32BE(1)).toBe((reply?.length ?? 0) - 1);
    expect(reply?.readInt32BE(5)).toBe(0x0003_0000);
    expect(reply?.readInt32BE(9)).toBe(1);
    expect(reply?.subarray(13).toString()).toBe('_pq_.compression\0');
    expect(protocolReply({ minor: 2, params: params({ user: 'a@b.test' }) })?.readInt32BE(9)).toBe(0);
  });

  it('names the database after the user when none is given, and passes on only the session parameters', () => {
    const r = loginRequest(
      params({ user: 'alice@acme.test', application_name: 'psql', '_pq_.x': '1', replication: 'false' }),
    );
    expect(r).toEqual({
      login: 'alice@acme.test',
      database: 'alice@acme.test',
      replication: 'false',
      params: { application_name: 'psql' },
    });
    expect(loginRequest(params({ user: 'a@b.test', database: 'records' })).database).toBe('records');
  });

  it('refuses a request without a user, with names too long, or for replication', () => {
    const refused = (o: Record<string, string>) => {
      try {
        checkLoginRequest(loginRequest(params(o)));
        return undefined;
      } catch (err) {
        return (err as { sqlstate: string }).sqlstate;
      }
    };
    expect(refused({ user: 'alice@acme.test', database: 'records' })).toBeUndefined();
    expect(refused({ user: 'alice@acme.test', replication: 'false' })).toBeUndefined();
    expect(refused({ database: 'records' })).toBe('28000');
    expect(refused({ user: 'a'.repeat(321), database: 'records' })).toBe('28000');
    expect(refused({ user: 'alice@acme.test', database: 'r'.repeat(101) })).toBe('28000');
    expect(refused({ user: 'alice@acme.test', replication: 'database' })).toBe('0A000');
  });
});
