/**
 * @module gateway/protocol/framing
 * Cuts a byte stream into protocol messages. Typed messages are `type (1) · length (4) · body`;
 * the startup phase uses untyped packets `length (4) · body`. Chunks may hold many messages or
 * a piece of one; a message wholly inside a chunk is returned as a view of it (no copy), and a
 * message split across chunks is reassembled once, when its last byte arrives. A length below
 * the header's own size or above the limit for that message type is a protocol error: the
 * connection ends, and nothing is allocated for the length it claimed.
 */
import { MAX_STARTUP_PACKET } from './codes.js';

export class ProtocolError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ProtocolError';
  }
}

export interface Frame {
  type: number;
  /** The message body (after type and length). */
  body: Buffer;
  /** The whole message as it arrived, header included, for forwarding unchanged. */
  raw: Buffer;
}

const HEADER = 5;

/** Typed messages. `limitOf(type)` is the largest length (as the header counts it) allowed. */
export class Framer {
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  /** Total bytes of the message being reassembled, once its header is known; -1 before. */
  private need = -1;

  constructor(private readonly limitOf: (type: number) => number) {}

  /** Bytes held for a message not yet complete. */
  get buffered(): number {
    return this.pendingBytes;
  }

  private check(type: number, length: number): void {
    if (length < 4)
      throw new ProtocolError(`message '${String.fromCharCode(type)}' has invalid length ${length}`);
    if (length > this.limitOf(type)) {
      throw new ProtocolError(
        `message '${String.fromCharCode(type)}' of ${length} bytes is longer than the ${this.limitOf(type)} allowed`,
      );
    }
  }

  /**
   * Adds `chunk`; fills `out` with the messages it completes, in order. Returns true when those
   * messages are exactly `chunk` (nothing carried in or left over), so it can be forwarded as is.
   */
  push(chunk: Buffer, out: Frame[]): boolean {
    out.length = 0;
    let data = chunk;
    let whole = this.pendingBytes === 0;
    if (this.pendingBytes > 0) {
      if (this.need < 0) {
        data = Buffer.concat([...this.pending, chunk]);
        this.reset();
      } else {
        const missing = this.need - this.pendingBytes;
        if (chunk.length < missing) {
          this.pending.push(chunk);
          this.pendingBytes += chunk.length;
          return false;
        }
        const raw = Buffer.concat([...this.pending, chunk.subarray(0, missing)], this.need);
        this.reset();
        out.push({ type: raw[0] as number, body: raw.subarray(HEADER), raw });
        data = chunk.subarray(missing);
      }
    }
    let off = 0;
    while (data.length - off >= HEADER) {
      const type = data[off] as number;
      const length = data.readInt32BE(off + 1);
      this.check(type, length);
      const end = off + 1 + length;
      if (end > data.length) break;
      out.push({ type, body: data.subarray(off + HEADER, end), raw: data.subarray(off, end) });
      off = end;
    }
    if (off < data.length) {
      const rest = data.subarray(off);
      this.pending = [rest];
      this.pendingBytes = rest.length;
      if (rest.length >= HEADER) this.need = 1 + rest.readInt32BE(1);
      whole = false;
    }
    return whole;
  }

  private reset(): void {
    this.pending = [];
    this.pendingBytes = 0;
    this.need = -1;
  }
}

/** Untyped startup-phase packets: SSLRequest, GSSENCRequest, CancelRequest, StartupMessage. */
export class StartupFramer {
  private pending: Buffer = Buffer.alloc(0);

  get buffered(): number {
    return this.pending.length;
  }

  /** Adds bytes; `next` takes the packets they complete. */
  push(chunk: Buffer): void {
    this.pending = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    if (this.pending.length > MAX_STARTUP_PACKET * 2)
      throw new ProtocolError('too many bytes before the startup packet was answered');
  }

  /** The next complete packet already buffered, if any. */
  next(): Buffer | undefined {
    if (this.pending.length < 4) return undefined;
    const length = this.pending.readInt32BE(0);
    if (length < 8 || length > MAX_STARTUP_PACKET) {
      throw new ProtocolError(`startup packet length ${length} is outside 8 to ${MAX_STARTUP_PACKET} bytes`);
    }
    if (this.pending.length < length) return undefined;
    const body = this.pending.subarray(4, length);
    this.pending = this.pending.subarray(length);
    return body;
  }

  /** Whatever arrived after the last packet (must be nothing before a TLS handshake). */
  takeRest(): Buffer {
    const rest = this.pending;
    this.pending = Buffer.alloc(0);
    return rest;
  }
}
