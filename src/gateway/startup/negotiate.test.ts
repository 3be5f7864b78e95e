import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { type AddressInfo, connect, createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Duplex } from 'node:stream';
import { createSecureContext, type SecureContext, type TLSSocket, connect as tlsConnect } from 'node:tls';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../lib/logger.js';
import { ensureWardTls, type WardTls } from '../../tls/index.js';
import { GatewayError } from '../errors.js';
import { cancelRequest, startupMessage } from '../protocol/build.js';
import { BACKEND, STARTUP_CODE } from '../protocol/codes.js';
import { StartupClient } from './client.js';
import { negotiate } from './negotiate.js';
import { refuse } from './refuse.js';

let dir: string;
let ward: WardTls;
let secureContext: SecureContext;
const sockets: Socket[] = [];
const silent = createLogger('silent');

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ward-negotiate-'));
  ward = await ensureWardTls(dir, 'localhost');
  secureContext = createSecureContext({ key: ward.key, cert: ward.cert, minVersion: 'TLSv1.2' });
}, 30_000);
afterEach(() => {
  for (const s of sockets.splice(0)) s.destroy();
});
afterAll(() => rm(dir, { recursive: true, force: true }));

/** The gateway's end (as a StartupClient) and the client's end of one TCP connection. */
async function connection(): Promise<{ gateway: StartupClient; peer: Socket }> {
  const listener = createServer();
  await new Promise<void>((r) => listener.listen(0, '127.0.0.1', r));
  const accepted = once(listener, 'connection');
  const peer = connect((listener.address() as AddressInfo).port, '127.0.0.1');
  const [raw] = (await accepted) as [Socket];
  listener.close();
  sockets.push(peer, raw);
  return { gateway: new StartupClient(raw), peer };
}

const request = (code: number) => {
  const b = Buffer.alloc(8);
  b.writeInt32BE(8, 0);
  b.writeInt32BE(code, 4);
  return b;
};
const nextBytes = (s: Socket) => once(s, 'data').then(([b]) => b as Buffer);

async function startTls(peer: Socket): Promise<TLSSocket> {
  const secure = tlsConnect({ socket: peer, ca: ward.caCert, servername: 'localhost' });
  sockets.push(secure);
  await once(secure, 'secureConnect');
  return secure;
}

const TLS_APPLICATION_DATA = 23;

/**
 * A stream the client's TLS runs over, passing bytes to and from `peer` and noting the header
 * (content type, length) of every TLS record the gateway sends.
 */
function recordingWire(peer: Socket) {
  const records: { type: number; length: number }[] = [];
  let pending = Buffer.alloc(0);
  const wire = new Duplex({
    read() {},
    write(chunk: Buffer, _enc, done) {
      peer.write(chunk, () => done());
    },
  });
  peer.on('data', (b: Buffer) => {
    pending = Buffer.concat([pending, b]);
    while (pending.length >= 5 && pending.length >= 5 + pending.readUInt16BE(3)) {
      records.push({ type: pending[0] as number, length: pending.readUInt16BE(3) });
      pending = pending.subarray(5 + pending.readUInt16BE(3));
    }
    wire.push(b);
  });
  peer.on('end', () => wire.push(null));
  return { wire, records };
}

describe('negotiating encryption', () => {
  it("answers an SSLRequest with 'S', then reads the startup packet over TLS with Ward's certificate", async () => {
    const { gateway, peer } = await connection();
    const hello = negotiate(gateway, secureContext);
    peer.write(request(STARTUP_CODE.SSLRequest));
    expect((await nextBytes(peer)).toString()).toBe('S');
    const secure = await startTls(peer);
    secure.write(startupMessage({ user: 'alice@acme.test', database: 'records' }));
    const packet = await hello;
    expect(packet.kind).toBe('startup');
    expect(packet.kind === 'startup' && Object.fromEntries(packet.params)).toEqual({
      user: 'alice@acme.test',
      database: 'records',
    });
    expect(gateway.tls).toBe(secure.getProtocol());
    expect(gateway.tls).toMatch(/^TLSv1\.[23]$/);
    expect(gateway.socket).not.toBe(gateway.raw);
  });

  // libpq reads a record with about 8 KB of buffer free: a 16 KB record leaves the rest inside
  // OpenSSL and a client waiting on its socket waits forever. PostgreSQL's records are 8 KB at most.
  it('sends TLS records of at most 8 KB of data, as PostgreSQL does', async () => {
    const { gateway, peer } = await connection();
    const hello = negotiate(gateway, secureContext);
    peer.write(request(STARTUP_CODE.SSLRequest));
    expect((await nextBytes(peer)).toString()).toBe('S');
    const { wire, records } = recordingWire(peer);
    const secure = tlsConnect({ socket: wire, ca: ward.caCert, servername: 'localhost' });
    sockets.push(secure);
    await once(secure, 'secureConnect');
    secure.write(startupMessage({ user: 'alice@acme.test' }));
    await hello;
    const sent = Buffer.alloc(100_000, 'x');
    gateway.write(sent);
    let received = 0;
    for await (const chunk of secure) {
      received += (chunk as Buffer).length;
      if (received >= sent.length) break;
    }
    const data = records.filter((r) => r.type === TLS_APPLICATION_DATA).map((r) => r.length);
    expect(data.reduce((a, b) => a + b, 0)).toBeGreaterThan(sent.length);
    // 8192 bytes of data, plus the record's own type byte and AEAD tag (TLS 1.3) or nonce and tag (1.2).
    expect(Math.max(...data)).toBeGreaterThan(8192);
    expect(Math.max(...data)).toBeLessThanOrEqual(8192 + 64);
  });

  it("answers a GSSENCRequest with 'N' and goes on in plaintext", async () => {
    const { gateway, peer } = await connection();
    const hello = negotiate(gateway, secureContext);
    peer.write(request(STARTUP_CODE.GSSENCRequest));
    expect((await nextBytes(peer)).toString()).toBe('N');
    peer.write(startupMessage({ user: 'alice@acme.test' }));
    expect((await hello).kind).toBe('startup');
    expect(gateway.tls).toBeNull();
    expect(gateway.socket).toBe(gateway.raw);
  });

  // As PostgreSQL does: the request is answered first, then the unencrypted bytes are refused
  // (FATAL 08P01) and the connection closes without a TLS handshake.
  it("answers 'S' to an SSLRequest with bytes after it, then refuses those bytes and starts no TLS", async () => {
    const { gateway, peer } = await connection();
    const hello = negotiate(gateway, secureContext);
    const heard: Buffer[] = [];
    peer.on('data', (b: Buffer) => heard.push(b));
    const closed = once(peer, 'close');
    peer.write(Buffer.concat([request(STARTUP_CODE.SSLRequest), startupMessage({ user: 'mallory@x.test' })]));
    const err = await hello.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GatewayError);
    expect(err).toMatchObject({
      sqlstate: '08P01',
      message: 'received unencrypted data after SSL request',
      reason: 'protocol_violation',
    });
    expect(gateway.tls).toBeNull();
    refuse(gateway, { audit: { append: async () => undefined }, log: silent }, err, {});
    await closed;
    const bytes = Buffer.concat(heard);
    expect(bytes.subarray(0, 1).toString()).toBe('S');
    expect(bytes[1]).toBe(BACKEND.ErrorResponse);
    const fields = bytes.subarray(6).toString('utf8');
    expect(fields).toContain('SFATAL\0');
    expect(fields).toContain('C08P01\0');
    expect(fields).toContain('Mreceived unencrypted data after SSL request\0');
  }, 5_000);

  it("answers 'N' to a GSSENCRequest with bytes after it, then refuses those bytes", async () => {
    const { gateway, peer } = await connection();
    const failed = negotiate(gateway, secureContext).catch((e: unknown) => e);
    peer.write(
      Buffer.concat([request(STARTUP_CODE.GSSENCRequest), startupMessage({ user: 'mallory@x.test' })]),
    );
    expect((await nextBytes(peer)).toString()).toBe('N');
    expect(await failed).toMatchObject({
      sqlstate: '08P01',
      message: 'received unencrypted data after GSSAPI encryption request',
    });
  }, 5_000);

  it('refuses a second encryption request inside TLS', async () => {
    const { gateway, peer } = await connection();
    const hello = negotiate(gateway, secureContext);
    peer.write(request(STARTUP_CODE.SSLRequest));
    await nextBytes(peer);
    const secure = await startTls(peer);
    secure.write(request(STARTUP_CODE.SSLRequest));
    await expect(hello).rejects.toThrow(/a second encryption request/);
  });

  it('fails a broken TLS handshake as a lost connection (nobody to send a FATAL to)', async () => {
    const { gateway, peer } = await connection();
    const hello = negotiate(gateway, secureContext);
    peer.write(request(STARTUP_CODE.SSLRequest));
    await nextBytes(peer);
    peer.write(startupMessage({ user: 'alice@acme.test' }));
    const err = await hello.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GatewayError);
    expect(err).toMatchObject({ sqlstate: '08006', reason: 'tls_handshake' });
  });

  it('returns a CancelRequest with its key', async () => {
    const { gateway, peer } = await connection();
    const hello = negotiate(gateway, secureContext);
    peer.write(cancelRequest(1234, -5678));
    expect(await hello).toEqual({ kind: 'cancel', pid: 1234, secret: -5678 });
  });
});
