/**
 * @module gateway/protocol/codes
 * The PostgreSQL v3 wire protocol's message codes and the SQLSTATEs the gateway sends, as tables.
 * Message formats: https://www.postgresql.org/docs/current/protocol-message-formats.html
 * Error codes: https://www.postgresql.org/docs/current/errcodes-appendix.html
 */

const code = (c: string): number => c.charCodeAt(0);

/** Messages a client sends after the startup phase (first byte of each message). */
export const FRONTEND = {
  Bind: code('B'),
  Close: code('C'),
  CopyData: code('d'),
  CopyDone: code('c'),
  CopyFail: code('f'),
  Describe: code('D'),
  Execute: code('E'),
  Flush: code('H'),
  FunctionCall: code('F'),
  Parse: code('P'),
  Query: code('Q'),
  Sync: code('S'),
  Terminate: code('X'),
  /** PasswordMessage, SASLInitialResponse and SASLResponse share this code. */
  Password: code('p'),
} as const;

/** Messages a server sends. */
export const BACKEND = {
  Authentication: code('R'),
  BackendKeyData: code('K'),
  BindComplete: code('2'),
  CloseComplete: code('3'),
  CommandComplete: code('C'),
  CopyData: code('d'),
  CopyDone: code('c'),
  CopyInResponse: code('G'),
  CopyOutResponse: code('H'),
  CopyBothResponse: code('W'),
  DataRow: code('D'),
  EmptyQueryResponse: code('I'),
  ErrorResponse: code('E'),
  FunctionCallResponse: code('V'),
  NegotiateProtocolVersion: code('v'),
  NoData: code('n'),
  NoticeResponse: code('N'),
  NotificationResponse: code('A'),
  ParameterDescription: code('t'),
  ParameterStatus: code('S'),
  ParseComplete: code('1'),
  PortalSuspended: code('s'),
  ReadyForQuery: code('Z'),
  RowDescription: code('T'),
} as const;

/** The int32 that follows the length in an untyped startup-phase packet. */
export const STARTUP_CODE = {
  /** Protocol 3.0: major 3 in the high 16 bits, minor 0. */
  Protocol3: 196608,
  SSLRequest: 80877103,
  GSSENCRequest: 80877104,
  CancelRequest: 80877102,
} as const;

/** Authentication request subtypes (the int32 after 'R'). */
export const AUTH = {
  Ok: 0,
  CleartextPassword: 3,
  SASL: 10,
  SASLContinue: 11,
  SASLFinal: 12,
} as const;

/** ErrorResponse / NoticeResponse field codes. */
export const FIELD = {
  Severity: code('S'),
  SeverityNonLocalized: code('V'),
  Code: code('C'),
  Message: code('M'),
  Detail: code('D'),
  Hint: code('H'),
} as const;

/** The SQLSTATEs the gateway itself sends. */
export const SQLSTATE = {
  successful_completion: '00000',
  protocol_violation: '08P01',
  connection_failure: '08006',
  invalid_authorization_specification: '28000',
  invalid_password: '28P01',
  invalid_catalog_name: '3D000',
  insufficient_privilege: '42501',
  invalid_name: '42602',
  invalid_parameter_value: '22023',
  object_not_in_prerequisite_state: '55000',
  feature_not_supported: '0A000',
  program_limit_exceeded: '54000',
  configuration_limit_exceeded: '53400',
  admin_shutdown: '57P01',
  cannot_connect_now: '57P03',
  idle_session_timeout: '57P05',
  internal_error: 'XX000',
} as const;

export type SqlState = (typeof SQLSTATE)[keyof typeof SQLSTATE];

/** Transaction status byte of ReadyForQuery. */
export const TX_STATUS = { idle: code('I'), inBlock: code('T'), failed: code('E') } as const;

/** The longest startup packet PostgreSQL accepts (MAX_STARTUP_PACKET_LENGTH). */
export const MAX_STARTUP_PACKET = 10_000;
