/**
 * @module gateway/outbox
 * Bytes bound for one socket, each with a tag: the statement sequence number whose audit event
 * must be durable before the bytes may leave (0: none). Bytes leave in the order they were
 * queued; once the head waits, everything behind it waits too. This is where "no byte of a
 * statement's result before its event is durable" is enforced, for results to the client and,
 * when the audit log has not proven itself healthy lately, for statements to the server.
 */
import type { Writable } from 'node:stream';

interface Item {
  bytes: Buffer;
  tag: number;
}

export class Outbox {
  private queue: Item[] = [];
  private heldBytes = 0;

  constructor(
    private readonly socket: Writable,
    private readonly durableUpTo: () => number,
    private readonly onFull: () => void,
  ) {}

  /** The socket no longer takes bytes (the session ended). */
  private get closed(): boolean {
    return this.socket.writableEnded || this.socket.destroyed;
  }

  get held(): number {
    return this.heldBytes;
  }

  /** Queues `bytes`; sends at once when nothing waits and `tag` is durable. */
  send(bytes: Buffer, tag: number): void {
    if (bytes.length === 0 || this.closed) return;
    if (this.queue.length === 0 && tag <= this.durableUpTo()) {
      if (!this.socket.write(bytes)) this.onFull();
      return;
    }
    this.queue.push({ bytes, tag });
    this.heldBytes += bytes.length;
  }

  /** Sends what may now leave; call when durability advanced. */
  release(): void {
    if (this.queue.length === 0 || this.closed) return;
    const durable = this.durableUpTo();
    let n = 0;
    while (n < this.queue.length && (this.queue[n] as Item).tag <= durable) n++;
    if (n === 0) return;
    const ready = this.queue.splice(0, n);
    const bytes = ready.length === 1 ? (ready[0] as Item).bytes : Buffer.concat(ready.map((r) => r.bytes));
    this.heldBytes -= bytes.length;
    if (!this.socket.write(bytes)) this.onFull();
  }

  /** Forgets everything held (the session is ending without sending it). */
  drop(): number {
    const n = this.heldBytes;
    this.queue = [];
    this.heldBytes = 0;
    return n;
  }
}
