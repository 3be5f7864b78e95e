import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { type AddressInfo, connect, createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSecureContext, type SecureContext, type TLSSocket, connect as tlsConnect } from 'node:tls';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ensureWardTls, type WardTls } from '../../tls/index.js';
import { GatewayError } from '../errors.js';
import { cancelRequest, startupMessage } from '../protocol/build.js';
import { STARTUP_CODE } from '../protocol/codes.js';
import { ProtocolError } from '../protocol/framing.js';
import { StartupClient } from './client.js';
import { negotiate } from './negotiate.js';

let dir: string;
let ward: WardTls;
let secureContext: SecureContext;
const sockets: Socket[] = [];

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

  it('refuses bytes sent after an SSLRequest before its answer, and never answers it', async () => {
    const { gateway, peer } = await connection();
    const hello = negotiate(gateway, secureContext);
    peer.write(Buffer.concat([request(STARTUP_CODE.SSLRequest), startupMessage({ user: 'mallory@x.test' })]));
    await expect(hello).rejects.toThrow(ProtocolError);
    await expect(hello).rejects.toThrow(/bytes sent after the encryption request/);
    expect(gateway.raw.bytesWritten).toBe(0);
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
