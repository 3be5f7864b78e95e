/**
 * @module gateway/protocol/parse
 * Reads the fields the gateway needs out of message bodies. Client messages: startup packets,
 * passwords and SASL responses, Query, Parse, Bind (names only: parameter values are never
 * read), Execute, Close, Describe. Server messages: authentication requests, ErrorResponse,
 * CommandComplete, ParameterStatus, BackendKeyData, ReadyForQuery. A server reply missing a
 * field yields a default, never an exception the relay cannot handle.
 */
import { FIELD, STARTUP_CODE } from './codes.js';
import { ProtocolError } from './framing.js';
import { Reader } from './reader.js';

export type StartupPacket =
  | { kind: 'ssl' }
  | { kind: 'gssenc' }
  | { kind: 'cancel'; pid: number; secret: number }
  | { kind: 'startup'; minor: number; params: Map<string, string> };

const MAX_PARAMS = 64;

/** An untyped startup-phase packet (its body, after the length). */
export function parseStartupPacket(body: Buffer): StartupPacket {
  const r = new Reader(body, 'startup packet');
  const code = r.int32();
  if (code === STARTUP_CODE.SSLRequest && r.remaining === 0) return { kind: 'ssl' };
  if (code === STARTUP_CODE.GSSENCRequest && r.remaining === 0) return { kind: 'gssenc' };
  if (code === STARTUP_CODE.CancelRequest) {
    const pid = r.int32();
    const secret = r.int32();
    if (r.remaining !== 0) throw new ProtocolError('cancel request has extra bytes');
    return { kind: 'cancel', pid, secret };
  }
  const major = code >>> 16;
  const minor = code & 0xffff;
  if (major !== 3) {
    throw new ProtocolError(`unsupported frontend protocol ${major}.${minor}: the gateway speaks 3.0`);
  }
  const params = new Map<string, string>();
  for (;;) {
    const key = r.cstring();
    if (key === '') break;
    if (params.size >= MAX_PARAMS)
      throw new ProtocolError(`startup packet has more than ${MAX_PARAMS} parameters`);
    params.set(key, r.cstring());
  }
  if (r.remaining !== 0) throw new ProtocolError('startup packet has bytes after its terminator');
  return { kind: 'startup', minor, params };
}

/** SASLInitialResponse: mechanism and the client-first message. */
export function parseSaslInitial(body: Buffer): { mechanism: string; data: string } {
  const r = new Reader(body, 'SASL initial response');
  const mechanism = r.cstring();
  const n = r.int32();
  if (n < 0) throw new ProtocolError('SASL initial response has no data');
  const data = r.bytes(n).toString('utf8');
  if (r.remaining !== 0) throw new ProtocolError('SASL initial response has extra bytes');
  return { mechanism, data };
}

/** PasswordMessage: a NUL-terminated password. */
export function parsePassword(body: Buffer): string {
  const r = new Reader(body, 'password message');
  const password = r.cstring();
  if (r.remaining !== 0) throw new ProtocolError('password message has extra bytes');
  return password;
}

/** The SQL text of a Query message, as bytes (the caller decodes it in the client's encoding). */
export function queryText(body: Buffer): Buffer {
  const end = body.indexOf(0);
  if (end < 0) throw new ProtocolError('Query message has no terminating NUL');
  return body.subarray(0, end);
}

/** Parse: statement name and text (parameter types are not needed). */
export function parseParse(body: Buffer): { name: string; text: Buffer } {
  const r = new Reader(body, 'Parse message');
  const name = r.cstring();
  const start = body.indexOf(0, body.length - r.remaining);
  if (start < 0) throw new ProtocolError('Parse message has no query text');
  const text = body.subarray(body.length - r.remaining, start);
  return { name, text };
}

/** Bind: portal and statement names only; parameter values are never read. */
export function parseBind(body: Buffer): { portal: string; statement: string } {
  const r = new Reader(body, 'Bind message');
  return { portal: r.cstring(), statement: r.cstring() };
}

export function parseExecute(body: Buffer): { portal: string } {
  return { portal: new Reader(body, 'Execute message').cstring() };
}

/** Close and Describe: 'S' (statement) or 'P' (portal), and the name. */
export function parseTarget(body: Buffer, what: string): { kind: 'S' | 'P'; name: string } {
  const r = new Reader(body, what);
  const k = r.byte();
  if (k !== 0x53 && k !== 0x50) throw new ProtocolError(`${what} names neither a statement nor a portal`);
  return { kind: k === 0x53 ? 'S' : 'P', name: r.cstring() };
}

/** ErrorResponse/NoticeResponse fields; missing ones come back undefined. */
export function parseFields(body: Buffer): Map<number, string> {
  const out = new Map<number, string>();
  let pos = 0;
  while (pos < body.length) {
    const code = body[pos] as number;
    if (code === 0) break;
    const end = body.indexOf(0, pos + 1);
    if (end < 0) break;
    out.set(code, body.toString('utf8', pos + 1, end));
    pos = end + 1;
  }
  return out;
}

export function sqlstateOf(body: Buffer): string {
  const c = parseFields(body).get(FIELD.Code);
  return c && /^[0-9A-Z]{5}$/.test(c) ? c : 'XX000';
}

/** CommandComplete tag: its command words and the row count when the tag ends with one. */
export function parseCommandTag(body: Buffer): { tag: string; rows: number | null } {
  const end = body.indexOf(0);
  const words = body.toString('utf8', 0, Math.min(end < 0 ? body.length : end, 64)).split(' ');
  const last = words[words.length - 1] ?? '';
  const rows = words.length > 1 && /^\d+$/.test(last) ? Number(last) : null;
  return { tag: words.filter((w) => !/^\d+$/.test(w)).join(' '), rows };
}

export function parseParameterStatus(body: Buffer): { name: string; value: string } | undefined {
  const a = body.indexOf(0);
  if (a < 0) return undefined;
  const b = body.indexOf(0, a + 1);
  if (b < 0) return undefined;
  return { name: body.toString('utf8', 0, a), value: body.toString('utf8', a + 1, b) };
}
