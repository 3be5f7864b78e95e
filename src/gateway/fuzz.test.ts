/**
 * The gateway's parsers and session relay under a fast-check fuzzer, in-process (no sockets),
 * 100,000 cases in all: arbitrary and mutated startup packets, SCRAM messages, and streams of
 * client and server messages with bad lengths, missing fields, unknown types and oversized
 * bodies, cut into random chunks. Nothing may throw out of the gateway's code (a bad input ends
 * that session with a protocol error), sessions must not leak, and a bystander session in the
 * same process must not change.
 */
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import fc from 'fast-check';
import { pino } from 'pino';
import { beforeAll, describe, expect, it } from 'vitest';
import type { AuditService } from '../audit/index.js';
import { createAuditHealth, createRetryBacklog } from './audit-gate.js';
import { ScramError, scramExchange } from './auth/scram-server.js';
import type { SessionInfo } from './events.js';
import { message, startupMessage } from './protocol/build.js';
import { type Frame, Framer, ProtocolError, StartupFramer } from './protocol/framing.js';
import {
  parseBind,
  parseCommandTag,
  parseFields,
  parseParse,
  parseSaslInitial,
  parseStartupPacket,
  parseTarget,
} from './protocol/parse.js';
import { Session, type SessionEnv } from './session.js';
import { createNormalizer, loadParser } from './statements/normalizer.js';

beforeAll(() => loadParser());

const audit = { append: () => Promise.resolve() } as unknown as AuditService;
const live = new Set<Session>();
const env: SessionEnv = {
  audit,
  health: createAuditHealth(),
  backlog: createRetryBacklog(audit, () => undefined),
  normalizer: createNormalizer(),
  log: pino({ level: 'silent' }),
  onEnd: (s) => live.delete(s),
};

/** A socket end that takes bytes and drops them (the fuzzer looks at the session, not the bytes). */
function sink(): Duplex {
  const s = {
    destroyed: false,
    writableEnded: false,
    written: 0,
    write(b: Buffer) {
      if (s.writableEnded) throw new Error('write after end');
      s.written += b.length;
      return true;
    },
    end(b?: Buffer) {
      if (b) s.write(b);
      s.writableEnded = true;
    },
    destroy() {
      s.destroyed = true;
    },
    on: () => s,
    pause: () => s,
    resume: () => s,
  };
  return s as unknown as Duplex;
}

function newSession(hipaa = false): Session {
  const info: SessionInfo = {
    sid: 'dbs_fuzzfuzzfuzzfuzz',
    projectId: 'prj_aaaaaaaaaaaaaaaa',
    projectName: 'fuzz',
    orgId: 'org_aaaaaaaaaaaaaaaa',
    orgName: 'fuzz',
    userId: 'usr_aaaaaaaaaaaaaaaa',
    login: 'fuzz@fuzz.test',
    dbRole: 'fuzz@fuzz.test',
    projectRole: 'owner',
    tls: 'TLSv1.3',
    hipaa,
    delivery: 'sync',
    method: 'scram',
    credentialId: 'dbc_aaaaaaaaaaaaaaaa',
    tokenId: null,
    startedAt: Date.now(),
  };
  const s = new Session(
    env,
    info,
    { actor: { type: 'anonymous' }, ip: null },
    sink(),
    sink() as unknown as Socket,
    '/nonexistent',
    Buffer.alloc(32, 7),
    { pid: 1, secret: 2, serverPid: 0, serverSecret: 0 },
    [],
  );
  live.add(s);
  return s;
}

const CLIENT_TYPES = 'QPBEDCSHFdcfXp?'.split('').map((c) => c.charCodeAt(0));
const SERVER_TYPES = 'CIsE1234ntTZVSGHWdcNADK?'.split('').map((c) => c.charCodeAt(0));

/** A message of a known (or unknown) type with a body that may be empty, short or malformed. */
const messageOf = (types: number[]) =>
  fc
    .tuple(
      fc.constantFrom(...types),
      fc.oneof(
        fc.uint8Array({ maxLength: 40 }),
        fc.string({ maxLength: 30 }).map((s) => new TextEncoder().encode(`${s}\0`)),
        fc.constantFrom(
          new TextEncoder().encode("SELECT 'x' FROM t WHERE a = 1\0"),
          new TextEncoder().encode('CREATE TABLE john_smith_123_45_6789 (id int)\0'),
          new TextEncoder().encode('SELECT 1\0\0\0'),
          new TextEncoder().encode('SELECT 1\0'),
          new TextEncoder().encode('INSERT 0 1\0'),
          new Uint8Array([0x49]),
          new Uint8Array([0x53, 0]),
        ),
      ),
      fc.oneof(
        { weight: 9, arbitrary: fc.constant(0) },
        { weight: 1, arbitrary: fc.integer({ min: -10, max: 1 << 30 }) },
      ),
    )
    .map(([type, body, lengthDelta]) => {
      const m = message(type, Buffer.from(body));
      if (lengthDelta !== 0) m.writeInt32BE(lengthDelta, 1);
      return m;
    });

/** Concatenates messages (or raw garbage) and cuts the result into random chunks. */
const chunked = (types: number[]) =>
  fc
    .tuple(
      fc.array(
        fc.oneof(
          { weight: 5, arbitrary: messageOf(types) },
          { weight: 1, arbitrary: fc.uint8Array({ maxLength: 20 }).map((a) => Buffer.from(a)) },
        ),
        { maxLength: 8 },
      ),
      fc.array(fc.nat(200), { maxLength: 6 }),
    )
    .map(([parts, cuts]) => {
      const all = Buffer.concat(parts);
      const points = [...new Set(cuts.map((c) => c % (all.length + 1)))].sort((a, b) => a - b);
      const out: Buffer[] = [];
      let from = 0;
      for (const p of points) {
        out.push(all.subarray(from, p));
        from = p;
      }
      out.push(all.subarray(from));
      return out.filter((b) => b.length > 0);
    });

describe('the gateway under a fuzzer', () => {
  it('relays arbitrary client and server streams without throwing, leaking, or touching another session', () => {
    const bystander = newSession();
    bystander.fromClient(message(0x51, Buffer.from('SELECT 1\0')));
    const before = { seq: bystander.seq, pending: bystander.exp.size, ended: bystander.ended };
    fc.assert(
      fc.property(
        fc.boolean(),
        chunked(CLIENT_TYPES),
        chunked(SERVER_TYPES),
        fc.array(fc.boolean(), { maxLength: 20 }),
        (hipaa, client, server, order) => {
          const s = newSession(hipaa);
          const feedServer = (chunk: Buffer) =>
            (s as unknown as { onServerData(c: Buffer): void }).onServerData(chunk);
          let ci = 0;
          let si = 0;
          for (const fromClient of order) {
            if (fromClient && ci < client.length) s.fromClient(client[ci++] as Buffer);
            else if (si < server.length) feedServer(server[si++] as Buffer);
          }
          while (ci < client.length) s.fromClient(client[ci++] as Buffer);
          while (si < server.length) feedServer(server[si++] as Buffer);
          s.end('client');
        },
      ),
      { numRuns: 60_000 },
    );
    expect({ seq: bystander.seq, pending: bystander.exp.size, ended: bystander.ended }).toEqual(before);
    bystander.end('client');
    expect(live.size).toBe(0);
  }, 120_000);

  it('parses arbitrary and mutated startup packets and message bodies, failing only with ProtocolError', () => {
    const valid = startupMessage({ user: 'alice@acme.test', database: 'records', application_name: 'psql' });
    const packet = fc.oneof(
      fc.uint8Array({ maxLength: 64 }).map((a) => Buffer.from(a)),
      fc.tuple(fc.nat(valid.length - 1), fc.integer({ min: 0, max: 255 })).map(([i, b]) => {
        const m = Buffer.from(valid);
        m[i] = b;
        return m;
      }),
      fc.integer({ min: -1, max: 20_000 }).map((n) => {
        const m = Buffer.alloc(12);
        m.writeInt32BE(n, 0);
        m.writeInt32BE(196608, 4);
        return m;
      }),
    );
    const onlyProtocolErrors = (fn: () => unknown) => {
      try {
        fn();
      } catch (err) {
        if (!(err instanceof ProtocolError)) throw err;
      }
    };
    fc.assert(
      fc.property(packet, fc.uint8Array({ maxLength: 48 }), (bytes, body) => {
        const f = new StartupFramer();
        onlyProtocolErrors(() => {
          f.push(bytes);
          const p = f.next();
          if (p) parseStartupPacket(p);
        });
        const b = Buffer.from(body);
        for (const parse of [parseSaslInitial, parseParse, parseBind, (x: Buffer) => parseTarget(x, 'x')])
          onlyProtocolErrors(() => parse(b));
        parseFields(b);
        parseCommandTag(b);
        const frames: Frame[] = [];
        onlyProtocolErrors(() => new Framer(() => 1000).push(b, frames));
      }),
      { numRuns: 30_000 },
    );
  });

  it('answers arbitrary SCRAM messages only with ScramError', () => {
    const setup = {
      salt: Buffer.alloc(16, 1),
      iterations: 4096,
      candidates: [{ storedKey: Buffer.alloc(32, 2), serverKey: Buffer.alloc(32, 3), value: 1 }],
      certHash: Buffer.alloc(32, 4),
    };
    const first = fc.oneof(
      fc.string({ maxLength: 60 }),
      fc.string({ maxLength: 20 }).map((s) => `n,,n=,r=${s}`),
      fc.constant('p=tls-server-end-point,,n=,r=abc'),
    );
    fc.assert(
      fc.property(
        fc.constantFrom('SCRAM-SHA-256', 'SCRAM-SHA-256-PLUS', 'PLAIN', ''),
        first,
        fc.string({ maxLength: 120 }),
        (mech, a, b) => {
          const ex = scramExchange(setup);
          try {
            ex.first(mech, a);
            ex.final(b);
          } catch (err) {
            if (!(err instanceof ScramError)) throw err;
          }
        },
      ),
      { numRuns: 10_000 },
    );
  });
});
