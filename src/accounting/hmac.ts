/**
 * @module accounting/hmac
 * HMAC-SHA-256 for short messages, truncated to 128 bits, with the key's inner and outer states
 * computed once. Subject tokens are hashed once per distinct identifier a statement reaches, up
 * to millions in a bulk export: Node's `createHmac` costs about 2 µs a call here (an object, a
 * key schedule and a native call each time), over the 1 µs per row the gateway may spend. An
 * identifier of up to 55 bytes is one compression for the inner hash and one for the outer.
 * Checked against `createHmac` in hmac.test.ts.
 */
const K = new Int32Array([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98,
  0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786,
  0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8,
  0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
  0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819,
  0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a,
  0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7,
  0xc67178f2,
]);
const IV = new Int32Array([
  0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
]);

/** The message schedule; a compression reads its block from W[0..15]. */
const W = new Int32Array(64);

/** One SHA-256 compression of the block in W[0..15] into `h`. */
function compress(h: Int32Array): void {
  let a = h[0] as number;
  let b = h[1] as number;
  let c = h[2] as number;
  let d = h[3] as number;
  let e = h[4] as number;
  let f = h[5] as number;
  let g = h[6] as number;
  let hh = h[7] as number;
  for (let i = 16; i < 64; i++) {
    const w15 = W[i - 15] as number;
    const w2 = W[i - 2] as number;
    const s0 = ((w15 >>> 7) | (w15 << 25)) ^ ((w15 >>> 18) | (w15 << 14)) ^ (w15 >>> 3);
    const s1 = ((w2 >>> 17) | (w2 << 15)) ^ ((w2 >>> 19) | (w2 << 13)) ^ (w2 >>> 10);
    W[i] = ((W[i - 16] as number) + s0 + (W[i - 7] as number) + s1) | 0;
  }
  for (let i = 0; i < 64; i++) {
    const S1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
    const t1 = (hh + S1 + ((e & f) ^ (~e & g)) + (K[i] as number) + (W[i] as number)) | 0;
    const S0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
    const t2 = (S0 + ((a & b) ^ (a & c) ^ (b & c))) | 0;
    hh = g;
    g = f;
    f = e;
    e = (d + t1) | 0;
    d = c;
    c = b;
    b = a;
    a = (t1 + t2) | 0;
  }
  h[0] = ((h[0] as number) + a) | 0;
  h[1] = ((h[1] as number) + b) | 0;
  h[2] = ((h[2] as number) + c) | 0;
  h[3] = ((h[3] as number) + d) | 0;
  h[4] = ((h[4] as number) + e) | 0;
  h[5] = ((h[5] as number) + f) | 0;
  h[6] = ((h[6] as number) + g) | 0;
  h[7] = ((h[7] as number) + hh) | 0;
}

/** Compresses the 64 bytes at `block[at]` into `h`. */
function compressBytes(h: Int32Array, block: Uint8Array, at: number): void {
  for (let i = 0; i < 16; i++) {
    const j = at + i * 4;
    W[i] =
      ((block[j] as number) << 24) |
      ((block[j + 1] as number) << 16) |
      ((block[j + 2] as number) << 8) |
      (block[j + 3] as number);
  }
  compress(h);
}

/** A keyed hash of bytes, and of a string (hashed as its UTF-8). */
export interface Mac {
  /** Writes the first 16 bytes of HMAC-SHA-256(key, message[0, length)) into `out` at `at`. */
  (message: Uint8Array, length: number, out: Uint8Array, at: number): void;
  /**
   * The same for a string's UTF-8: an ASCII string of up to 55 characters (an identifier, as a
   * rule) goes from its char codes straight into the block's words, no bytes in between.
   */
  text(s: string, out: Uint8Array, at: number): void;
}

/**
 * A keyed hash: `mac(message, length, out, at)` writes the first 16 bytes of
 * HMAC-SHA-256(key, message[0, length)) into `out` at `at`.
 */
export function hmac128(key: Buffer): Mac {
  if (key.length > 64) throw new RangeError('an HMAC key longer than a block must be hashed first');
  const pad = new Uint8Array(64);
  const inner = new Int32Array(IV);
  const outer = new Int32Array(IV);
  pad.fill(0x36);
  for (let i = 0; i < key.length; i++) pad[i] = (key[i] as number) ^ 0x36;
  compressBytes(inner, pad, 0);
  pad.fill(0x5c);
  for (let i = 0; i < key.length; i++) pad[i] = (key[i] as number) ^ 0x5c;
  compressBytes(outer, pad, 0);
  const h = new Int32Array(8);
  let buf = new Uint8Array(128);
  let scratch = Buffer.allocUnsafe(256);
  /** The outer hash of the inner one in `h`, its first 16 bytes written to `out` at `at`. */
  const finish = (out: Uint8Array, at: number) => {
    for (let i = 0; i < 8; i++) W[i] = h[i] as number;
    W[8] = 0x80000000;
    W[9] = 0;
    W[10] = 0;
    W[11] = 0;
    W[12] = 0;
    W[13] = 0;
    W[14] = 0;
    W[15] = (64 + 32) * 8;
    h.set(outer);
    compress(h);
    for (let i = 0; i < 4; i++) {
      const v = h[i] as number;
      out[at + i * 4] = v >>> 24;
      out[at + i * 4 + 1] = (v >>> 16) & 0xff;
      out[at + i * 4 + 2] = (v >>> 8) & 0xff;
      out[at + i * 4 + 3] = v & 0xff;
    }
  };
  const mac = ((message: Uint8Array, n: number, out: Uint8Array, at: number) => {
    // The message after the 64-byte key block, padded: 0x80, zeros, the bit length in 8 bytes.
    const blocks = Math.ceil((n + 9) / 64);
    const end = blocks * 64;
    if (end > buf.length) buf = new Uint8Array(end);
    buf.set(n === message.length ? message : message.subarray(0, n), 0);
    buf.fill(0, n, end);
    buf[n] = 0x80;
    const bits = (n + 64) * 8;
    buf[end - 5] = Math.floor(bits / 2 ** 32) & 0xff;
    buf[end - 4] = (bits >>> 24) & 0xff;
    buf[end - 3] = (bits >>> 16) & 0xff;
    buf[end - 2] = (bits >>> 8) & 0xff;
    buf[end - 1] = bits & 0xff;
    h.set(inner);
    for (let b = 0; b < blocks; b++) compressBytes(h, buf, b * 64);
    finish(out, at);
  }) as Mac;
  mac.text = (s, out, at) => {
    const n = s.length;
    if (n <= 55) {
      W.fill(0, 0, 16);
      let ascii = true;
      for (let j = 0; j < n; j++) {
        const c = s.charCodeAt(j);
        if (c > 0x7f) {
          ascii = false;
          break;
        }
        W[j >> 2] = (W[j >> 2] as number) | (c << (24 - 8 * (j & 3)));
      }
      if (ascii) {
        W[n >> 2] = (W[n >> 2] as number) | (0x80 << (24 - 8 * (n & 3)));
        W[15] = (n + 64) * 8;
        h.set(inner);
        compress(h);
        finish(out, at);
        return;
      }
    }
    if (n * 3 > scratch.length) scratch = Buffer.allocUnsafe(n * 3);
    mac(scratch, scratch.write(s, 0, 'utf8'), out, at);
  };
  return mac;
}
