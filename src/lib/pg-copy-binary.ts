/**
 * @module lib/pg-copy-binary
 * Reads PostgreSQL's binary COPY format (`COPY … TO STDOUT (FORMAT binary)`), as documented at
 * https://www.postgresql.org/docs/current/sql-copy.html#SQL-COPY-BINARY-FORMAT: an 11-byte
 * signature, int32 flags, an int32 header-extension length and the extension, then tuples
 * (int16 field count; per field an int32 length, -1 for NULL, and that many bytes), then an
 * int16 -1 trailer. All integers are big-endian.
 *
 * Binary COPY is the cheapest way to read many rows: no per-row protocol message to decode and
 * no text to parse, and each field is a view of the bytes that arrived (no copy). Chunks may end
 * at any byte; a tuple split across chunks is reassembled once, when its last byte has arrived
 * (the chunks in between are only held, so a large field costs one copy, not one per chunk).
 */

export class CopyFormatError extends Error {
  constructor(message: string) {
    super(`binary COPY data: ${message}`);
    this.name = 'CopyFormatError';
  }
}

/** One row: each field's bytes (a view of the chunk it arrived in), or null for NULL. */
export type CopyTuple = (Buffer | null)[];

const SIGNATURE = Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1');
/** Signature, flags and header-extension length. */
const HEADER = SIGNATURE.length + 8;
/** Flag bit 16: each tuple carries an OID (only from servers before 12); bits 0–15 are critical. */
const FLAG_OIDS = 1 << 16;
const CRITICAL_FLAGS = 0xffff;

export class CopyBinaryParser {
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  /** Bytes needed before the held data can complete the next header or tuple. */
  private need = HEADER;
  private header = true;
  private ended = false;

  /** `fields`, when given, is the number of fields every tuple must have. */
  constructor(private readonly fields?: number) {}

  /** Whether the trailer has been read. */
  get done(): boolean {
    return this.ended;
  }

  /** Adds `chunk` and returns the tuples it completes, in order (often none, often many). */
  push(chunk: Buffer): CopyTuple[] {
    if (this.ended) {
      if (chunk.length > 0) throw new CopyFormatError('data follows the trailer');
      return [];
    }
    this.pending.push(chunk);
    this.pendingBytes += chunk.length;
    if (this.pendingBytes < this.need) return [];
    const data = this.pending.length === 1 ? chunk : Buffer.concat(this.pending, this.pendingBytes);
    this.pending = [];
    this.pendingBytes = 0;
    const tuples: CopyTuple[] = [];
    const at = this.header ? this.readHeader(data) : 0;
    const rest = at < 0 ? 0 : this.readTuples(data, at, tuples);
    if (rest < data.length) {
      this.pending.push(data.subarray(rest));
      this.pendingBytes = data.length - rest;
    }
    return tuples;
  }

  /** Call after the last chunk: throws unless the data ended with the trailer. */
  end(): void {
    if (!this.ended) throw new CopyFormatError('the data ended before its trailer (truncated)');
  }

  /** Reads the header at the start of `data`; the offset after it, or -1 if more is needed. */
  private readHeader(data: Buffer): number {
    if (!data.subarray(0, SIGNATURE.length).equals(SIGNATURE))
      throw new CopyFormatError('the signature is not PGCOPY (is the COPY in FORMAT binary?)');
    const flags = data.readInt32BE(SIGNATURE.length);
    if (flags & FLAG_OIDS) throw new CopyFormatError('tuples carry OIDs, which this reader does not read');
    if (flags & CRITICAL_FLAGS)
      throw new CopyFormatError(`unknown critical flags 0x${(flags & CRITICAL_FLAGS).toString(16)}`);
    const extension = data.readInt32BE(SIGNATURE.length + 4);
    if (extension < 0) throw new CopyFormatError(`the header extension has length ${extension}`);
    if (data.length < HEADER + extension) {
      this.need = HEADER + extension;
      return -1;
    }
    this.header = false;
    return HEADER + extension;
  }

  /** Reads whole tuples from `at`; returns the offset of the first byte not consumed. */
  private readTuples(data: Buffer, at: number, out: CopyTuple[]): number {
    const end = data.length;
    let pos = at;
    for (;;) {
      if (pos + 2 > end) return this.wait(pos, pos + 2);
      const count = data.readInt16BE(pos);
      if (count === -1) {
        if (pos + 2 < end) throw new CopyFormatError('data follows the trailer');
        this.ended = true;
        return end;
      }
      if (count < 0) throw new CopyFormatError(`a tuple has ${count} fields`);
      if (this.fields !== undefined && count !== this.fields)
        throw new CopyFormatError(`a tuple has ${count} fields, not ${this.fields}`);
      const tuple: CopyTuple = new Array(count);
      let p = pos + 2;
      for (let i = 0; i < count; i++) {
        if (p + 4 > end) return this.wait(pos, p + 4);
        const length = data.readInt32BE(p);
        p += 4;
        if (length === -1) {
          tuple[i] = null;
          continue;
        }
        if (length < 0) throw new CopyFormatError(`a field has length ${length}`);
        if (p + length > end) return this.wait(pos, p + length);
        tuple[i] = data.subarray(p, p + length);
        p += length;
      }
      out.push(tuple);
      pos = p;
    }
  }

  /** The tuple at `pos` is incomplete and needs the bytes up to `upTo` at least. */
  private wait(pos: number, upTo: number): number {
    this.need = upTo - pos;
    return pos;
  }
}
