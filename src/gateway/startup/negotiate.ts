/**
 * @module gateway/startup/negotiate
 * The first packets of a connection. An SSLRequest is answered 'S' and TLS (1.2 or newer, with
 * Ward's certificate) starts on the same socket; a GSSENCRequest is answered 'N' (the gateway has
 * no GSSAPI), after which the client goes on in plaintext or asks for SSL. Bytes sent after an
 * encryption request, before its answer, are refused as PostgreSQL refuses them: the request is
 * answered first, then the connection ends with FATAL 08P01 ("received unencrypted data after SSL
 * request"), since those bytes were sent in the clear but would be read as if encrypted
 * (CVE-2021-23214). So is a second encryption request. What follows is a StartupMessage or a
 * CancelRequest, which negotiate returns.
 * https://www.postgresql.org/docs/current/protocol-flow.html#PROTOCOL-FLOW-SSL
 */
import type { Socket } from 'node:net';
import { type SecureContext, TLSSocket } from 'node:tls';
import { GatewayError } from '../errors.js';
import { SQLSTATE } from '../protocol/codes.js';
import { ProtocolError } from '../protocol/framing.js';
import { parseStartupPacket, type StartupPacket } from '../protocol/parse.js';
import type { StartupClient } from './client.js';

/** The packet after any encryption negotiation: a login, or a cancel request. */
export type Hello = Extract<StartupPacket, { kind: 'startup' | 'cancel' }>;

/** The one-byte answers to an encryption request. */
const WILL_ENCRYPT = Buffer.from('S');
const WILL_NOT_ENCRYPT = Buffer.from('N');

/**
 * The most data in one TLS record, as PostgreSQL sends. libpq reads with about 8 KB of buffer
 * free: of a 16 KB record the rest stays inside OpenSSL, the socket never becomes readable again,
 * and a client that waits on the socket sleeps forever.
 */
const MAX_TLS_RECORD = 8192;

const DETAIL =
  'This could be either a client-software bug or evidence of an attempted man-in-the-middle attack.';

/** Bytes that came with an encryption request, before its answer: refused after answering it. */
function unencryptedData(request: 'SSL' | 'GSSAPI encryption'): GatewayError {
  return new GatewayError(
    SQLSTATE.protocol_violation,
    `received unencrypted data after ${request} request`,
    DETAIL,
    'protocol_violation',
  );
}

function startTls(raw: Socket, secureContext: SecureContext): Promise<TLSSocket> {
  return new Promise((resolve, reject) => {
    const t = new TLSSocket(raw, { isServer: true, secureContext });
    t.setMaxSendFragment(MAX_TLS_RECORD);
    t.once('secure', () => resolve(t));
    t.once('error', reject);
    t.once('close', () => reject(new Error('closed during the TLS handshake')));
  });
}

/** Answers encryption requests (upgrading `client` to TLS) and returns the packet that follows. */
export async function negotiate(client: StartupClient, secureContext: SecureContext): Promise<Hello> {
  for (;;) {
    const packet = parseStartupPacket(await client.inbox.nextStartup());
    if (packet.kind === 'startup' || packet.kind === 'cancel') return packet;
    if (client.tls) throw new ProtocolError('a second encryption request');
    const early = client.inbox.startup.buffered > 0;
    if (packet.kind === 'gssenc') {
      client.write(WILL_NOT_ENCRYPT);
      if (early) throw unencryptedData('GSSAPI encryption');
      continue;
    }
    client.write(WILL_ENCRYPT);
    // The refusal goes out in the clear: no TLS was started, and none will be.
    if (early) throw unencryptedData('SSL');
    client.inbox.detach();
    const secure = await startTls(client.raw, secureContext).catch(() => {
      throw new GatewayError(
        SQLSTATE.connection_failure,
        'the TLS handshake failed',
        undefined,
        'tls_handshake',
      );
    });
    client.secured(secure);
  }
}
