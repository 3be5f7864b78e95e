/**
 * @module gateway/inbox
 * Pull-style reading for the startup phase, when the gateway awaits one packet at a time:
 * untyped startup packets, then typed authentication messages. Detaching hands whatever
 * arrived beyond the last packet to the next reader (the TLS layer must find nothing there).
 */
import type { Duplex } from 'node:stream';
import { GatewayError } from './errors.js';
import { SQLSTATE } from './protocol/codes.js';
import { type Frame, Framer, ProtocolError, StartupFramer } from './protocol/framing.js';

const AUTH_MESSAGE_LIMIT = 16_384;

export class Inbox {
  readonly startup = new StartupFramer();
  private readonly typed = new Framer(() => AUTH_MESSAGE_LIMIT);
  private readonly ready: Frame[] = [];
  private readonly frames: Frame[] = [];
  private waiting: ((err?: Error) => void) | undefined;
  private failure: Error | undefined;
  private mode: 'startup' | 'typed' = 'startup';
  private readonly onData = (chunk: Buffer) => this.push(chunk);
  private readonly onEnd = () =>
    this.fail(new GatewayError(SQLSTATE.connection_failure, 'the client closed the connection'));

  constructor(private readonly socket: Duplex) {
    socket.on('data', this.onData);
    socket.on('end', this.onEnd);
    socket.on('close', this.onEnd);
    socket.on('error', this.onEnd);
  }

  private push(chunk: Buffer): void {
    try {
      if (this.mode === 'startup') this.startup.push(chunk);
      else {
        this.typed.push(chunk, this.frames);
        this.ready.push(...this.frames);
      }
    } catch (err) {
      this.fail(err as Error);
    }
    this.wake();
  }

  private fail(err: Error): void {
    this.failure ??= err;
    this.wake();
  }

  private wake(): void {
    const w = this.waiting;
    this.waiting = undefined;
    w?.(this.failure);
  }

  private wait(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.waiting = (err) => (err ? reject(err) : resolve());
    });
  }

  async nextStartup(): Promise<Buffer> {
    for (;;) {
      const body = this.startup.next();
      if (body) return body;
      if (this.failure) throw this.failure;
      await this.wait();
    }
  }

  /** Switches to typed messages (after the StartupMessage). */
  async nextTyped(): Promise<Frame> {
    if (this.mode === 'startup') {
      this.mode = 'typed';
      const rest = this.startup.takeRest();
      if (rest.length > 0) this.push(rest);
    }
    for (;;) {
      const f = this.ready.shift();
      if (f) return f;
      if (this.failure) throw this.failure;
      await this.wait();
    }
  }

  /** Stops reading; returns bytes received but not consumed. */
  detach(): Buffer[] {
    this.socket.off('data', this.onData);
    this.socket.off('end', this.onEnd);
    this.socket.off('close', this.onEnd);
    this.socket.off('error', this.onEnd);
    const rest = this.mode === 'startup' ? [this.startup.takeRest()] : this.ready.map((f) => f.raw);
    if (this.typed.buffered > 0)
      throw new ProtocolError('a message was cut short at the end of the startup phase');
    return rest.filter((b) => b.length > 0);
  }
}
