import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { scramVerifier } from '../../lib/scram.js';
import { scramClient } from './scram-client.js';
import { SCRAM, SCRAM_PLUS, ScramError, scramExchange } from './scram-server.js';

describe('SCRAM-SHA-256', () => {
  it('accepts any of the login’s live passwords and proves the server knows it', async () => {
    const salt = randomBytes(16);
    const a = await scramVerifier('first password', salt);
    const b = await scramVerifier('second password', salt);
    const server = scramExchange({
      salt,
      iterations: a.iterations,
      candidates: [
        { storedKey: a.storedKey, serverKey: a.serverKey, value: 'a' },
        { storedKey: b.storedKey, serverKey: b.serverKey, value: 'b' },
      ],
    });
    const client = scramClient('second password');
    const serverFirst = server.first(SCRAM, client.first());
    const { value, serverFinal } = server.final(await client.final(serverFirst));
    expect(value).toBe('b');
    expect(() => client.verify(serverFinal)).not.toThrow();
  });

  it('refuses a wrong password as a proof failure, and malformed messages as malformed', async () => {
    const salt = randomBytes(16);
    const v = await scramVerifier('right', salt);
    const setup = {
      salt,
      iterations: v.iterations,
      candidates: [{ storedKey: v.storedKey, serverKey: v.serverKey, value: 1 }],
    };
    const server = scramExchange(setup);
    const client = scramClient('wrong');
    const first = server.first(SCRAM, client.first());
    const err = (() => {
      try {
        return server.final(`${first.length > 0 ? '' : ''}c=biws,r=x,p=AAAA`);
      } catch (e) {
        return e as ScramError;
      }
    })();
    expect(err).toBeInstanceOf(ScramError);
    const proof = scramExchange(setup);
    const c2 = scramClient('wrong');
    const sf = proof.first(SCRAM, c2.first());
    expect(() => proof.final('c=biws')).toThrow(/no proof/);
    const wrong = scramExchange(setup);
    const c3 = scramClient('wrong');
    try {
      wrong.final(await c3.final(wrong.first(SCRAM, c3.first())));
    } catch (e) {
      expect((e as ScramError).malformed).toBe(false);
    }
    expect(sf).toMatch(/^r=/);
  });

  it('binds the exchange to the TLS certificate with SCRAM-SHA-256-PLUS and refuses a downgrade', async () => {
    const salt = randomBytes(16);
    const v = await scramVerifier('pw', salt);
    const certHash = randomBytes(32);
    const setup = {
      salt,
      iterations: v.iterations,
      candidates: [{ storedKey: v.storedKey, serverKey: v.serverKey, value: 1 }],
      certHash,
    };
    expect(() => scramExchange(setup).first(SCRAM, 'y,,n=,r=abc')).toThrow(
      /does not support channel binding, but it does/,
    );
    const server = scramExchange(setup);
    server.first(SCRAM_PLUS, 'p=tls-server-end-point,,n=,r=abc');
    expect(() => server.final('c=biws,r=abc,p=AAAA')).toThrow(/channel binding does not match/);
  });
});
