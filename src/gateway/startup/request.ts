/**
 * @module gateway/startup/request
 * The StartupMessage read as a login request: who (`user`: an email, or a service account's
 * name), to what (`database`: a project's name or id; the user name when absent, as libpq
 * does), and the parameters passed on to the server. A client asking for protocol 3.1 or later,
 * or for `_pq_.` options, hears NegotiateProtocolVersion: the gateway speaks 3.0 without options.
 * https://www.postgresql.org/docs/current/protocol-message-formats.html#PROTOCOL-MESSAGE-FORMATS-STARTUPMESSAGE
 */
import { GatewayError } from '../errors.js';
import { negotiateProtocolVersion } from '../protocol/build.js';
import { SQLSTATE } from '../protocol/codes.js';

export interface LoginRequest {
  login: string;
  database: string;
  /** The `replication` parameter ('false' when absent). */
  replication: string;
  /** Startup parameters passed on to the server (application_name, DateStyle, options, …). */
  params: Record<string, string>;
}

/** Parameters the gateway answers itself: user, database and protocol options are not passed on. */
const NOT_FORWARDED = new Set(['user', 'database', 'replication']);
const isProtocolOption = (name: string) => name.startsWith('_pq_.');

/** NegotiateProtocolVersion for a client that asked for a newer minor version or for options. */
export function protocolReply(packet: { minor: number; params: Map<string, string> }): Buffer | undefined {
  const unsupported = [...packet.params.keys()].filter(isProtocolOption);
  if (packet.minor === 0 && unsupported.length === 0) return undefined;
  return negotiateProtocolVersion(0, unsupported);
}

/** The login request a StartupMessage's parameters make (checkLoginRequest says if it can be served). */
export function loginRequest(params: Map<string, string>): LoginRequest {
  const login = params.get('user') ?? '';
  return {
    login,
    database: params.get('database') || login,
    replication: params.get('replication') ?? 'false',
    params: Object.fromEntries([...params].filter(([k]) => !NOT_FORWARDED.has(k) && !isProtocolOption(k))),
  };
}

/** Refuses a request the gateway cannot serve, whoever sent it: no user, names too long, replication. */
export function checkLoginRequest(r: LoginRequest): void {
  if (!r.login || r.login.length > 320 || r.database.length > 100)
    throw new GatewayError(
      SQLSTATE.invalid_authorization_specification,
      'give a user name (your email, or a service account name) of at most 320 characters and a database name (a project name or id) of at most 100',
    );
  if (r.replication !== 'false')
    throw new GatewayError(
      SQLSTATE.feature_not_supported,
      'replication connections are not available through the gateway',
    );
}
