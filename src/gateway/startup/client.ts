/**
 * @module gateway/startup/client
 * The client's end of a connection during the startup phase: the socket (the plain one, then
 * the TLS socket once negotiated) and the reader of its packets. Every step writes through it,
 * so a reply always goes to whichever socket is current.
 */
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { TLSSocket } from 'node:tls';
import { Inbox } from '../inbox.js';

export class StartupClient {
  socket: Duplex;
  inbox: Inbox;
  /** The negotiated TLS version ('TLSv1.3'), or null while the connection is plaintext. */
  tls: string | null = null;
  readonly ip: string | null;

  constructor(readonly raw: Socket) {
    this.socket = raw;
    this.inbox = new Inbox(raw);
    this.ip = raw.remoteAddress ?? null;
  }

  /** Writes to the current socket unless it is already gone. */
  readonly write = (b: Buffer): void => {
    if (!this.socket.destroyed) this.socket.write(b);
  };

  /** From now on the client speaks through `secure` (the caller detached the plain inbox). */
  secured(secure: TLSSocket): void {
    secure.on('error', () => undefined);
    this.socket = secure;
    this.tls = secure.getProtocol() ?? 'TLS';
    this.inbox = new Inbox(secure);
  }
}
