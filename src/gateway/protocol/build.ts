/**
 * @module gateway/protocol/build
 * Builds the messages the gateway writes: to clients (authentication requests, parameter
 * status, key data, ready-for-query, errors and notices) and to the project's server (startup,
 * SASL responses, cancel, terminate).
 */
import { AUTH, BACKEND, FIELD, FRONTEND, STARTUP_CODE } from './codes.js';

/** A typed message: type byte, length, then the parts. */
export function message(type: number, ...parts: Buffer[]): Buffer {
  const bodyLength = parts.reduce((n, p) => n + p.length, 0);
  const out = Buffer.allocUnsafe(5 + bodyLength);
  out[0] = type;
  out.writeInt32BE(4 + bodyLength, 1);
  let off = 5;
  for (const p of parts) off += p.copy(out, off);
  return out;
}

const int32 = (n: number): Buffer => {
  const b = Buffer.allocUnsafe(4);
  b.writeInt32BE(n, 0);
  return b;
};

const cstring = (s: string): Buffer => Buffer.from(`${s}\0`, 'utf8');

export const authRequest = (kind: number, data: Buffer = Buffer.alloc(0)): Buffer =>
  message(BACKEND.Authentication, int32(kind), data);

export const authOk = (): Buffer => authRequest(AUTH.Ok);
export const authCleartext = (): Buffer => authRequest(AUTH.CleartextPassword);
export const authSasl = (mechanisms: string[]): Buffer =>
  authRequest(AUTH.SASL, Buffer.concat([...mechanisms.map(cstring), Buffer.from([0])]));
export const authSaslContinue = (data: string): Buffer =>
  authRequest(AUTH.SASLContinue, Buffer.from(data, 'utf8'));
export const authSaslFinal = (data: string): Buffer => authRequest(AUTH.SASLFinal, Buffer.from(data, 'utf8'));

export const parameterStatus = (name: string, value: string): Buffer =>
  message(BACKEND.ParameterStatus, cstring(name), cstring(value));

export const backendKeyData = (pid: number, secret: number): Buffer =>
  message(BACKEND.BackendKeyData, int32(pid), int32(secret));

export const readyForQuery = (status: number): Buffer =>
  message(BACKEND.ReadyForQuery, Buffer.from([status]));

export const negotiateProtocolVersion = (minor: number, unsupported: string[]): Buffer =>
  message(
    BACKEND.NegotiateProtocolVersion,
    int32(STARTUP_CODE.Protocol3 + minor),
    int32(unsupported.length),
    ...unsupported.map(cstring),
  );

export type Severity = 'ERROR' | 'FATAL' | 'NOTICE' | 'WARNING';

export interface ErrorFields {
  severity: Severity;
  code: string;
  message: string;
  detail?: string;
  hint?: string;
}

function fields(f: ErrorFields): Buffer[] {
  const parts = [
    Buffer.from([FIELD.Severity]),
    cstring(f.severity),
    Buffer.from([FIELD.SeverityNonLocalized]),
    cstring(f.severity),
    Buffer.from([FIELD.Code]),
    cstring(f.code),
    Buffer.from([FIELD.Message]),
    cstring(f.message),
  ];
  if (f.detail) parts.push(Buffer.from([FIELD.Detail]), cstring(f.detail));
  if (f.hint) parts.push(Buffer.from([FIELD.Hint]), cstring(f.hint));
  parts.push(Buffer.from([0]));
  return parts;
}

export const errorResponse = (f: ErrorFields): Buffer => message(BACKEND.ErrorResponse, ...fields(f));
export const noticeResponse = (f: ErrorFields): Buffer => message(BACKEND.NoticeResponse, ...fields(f));

/** StartupMessage (protocol 3.0) with the given parameters. */
export function startupMessage(params: Record<string, string>): Buffer {
  const body = Buffer.concat([
    int32(STARTUP_CODE.Protocol3),
    ...Object.entries(params).flatMap(([k, v]) => [cstring(k), cstring(v)]),
    Buffer.from([0]),
  ]);
  return Buffer.concat([int32(body.length + 4), body]);
}

export function cancelRequest(pid: number, secret: number): Buffer {
  return Buffer.concat([int32(16), int32(STARTUP_CODE.CancelRequest), int32(pid), int32(secret)]);
}

export const saslInitialResponse = (mechanism: string, data: string): Buffer => {
  const payload = Buffer.from(data, 'utf8');
  return message(FRONTEND.Password, cstring(mechanism), int32(payload.length), payload);
};

export const saslResponse = (data: string): Buffer => message(FRONTEND.Password, Buffer.from(data, 'utf8'));

export const terminate = (): Buffer => message(FRONTEND.Terminate);
