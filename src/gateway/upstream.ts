/**
 * @module gateway/upstream
 * Logs in to a project's server through its Unix socket as the person's database role (SCRAM,
 * with the role's password that only Ward knows) and reads the server's startup replies up to
 * ReadyForQuery: its parameter statuses and its cancel key, whose secret the gateway keeps for
 * itself (clients get the server's pid with the gateway's own secret).
 */
import { connect, type Socket } from 'node:net';
import { scramClient } from './auth/scram-client.js';
import { saslInitialResponse, saslResponse, startupMessage } from './protocol/build.js';
import { AUTH, BACKEND, FIELD } from './protocol/codes.js';
import { type Frame, Framer } from './protocol/framing.js';
import { parseFields, parseParameterStatus } from './protocol/parse.js';

export interface Upstream {
  socket: Socket;
  pid: number;
  secret: number;
  parameters: [string, string][];
  txStatus: number;
  /** Bytes that arrived after ReadyForQuery (none, from a well-behaved server). */
  rest: Buffer[];
}

export class UpstreamError extends Error {
  constructor(
    message: string,
    readonly sqlstate?: string,
  ) {
    super(message);
    this.name = 'UpstreamError';
  }
}

const STARTUP_LIMIT = 1 << 20;
const CONNECT_TIMEOUT_MS = 10_000;

export function socketPath(host: string, port: number): string {
  return `${host}/.s.PGSQL.${port}`;
}

export function connectUpstream(opts: {
  path: string;
  user: string;
  password: string;
  database: string;
  params: Record<string, string>;
}): Promise<Upstream> {
  return new Promise((resolve, reject) => {
    const socket = connect(opts.path);
    socket.setNoDelay(true);
    const framer = new Framer(() => STARTUP_LIMIT);
    const frames: Frame[] = [];
    const parameters: [string, string][] = [];
    let pid = 0;
    let secret = 0;
    let scram: ReturnType<typeof scramClient> | undefined;
    let settled = false;
    const timer = setTimeout(
      () => fail(new UpstreamError('the project database did not answer in time')),
      CONNECT_TIMEOUT_MS,
    );
    const fail = (err: Error) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      reject(err);
    };
    const onData = async (chunk: Buffer) => {
      socket.pause();
      try {
        framer.push(chunk, frames);
        for (let i = 0; i < frames.length; i++) {
          const f = frames[i] as Frame;
          if (f.type === BACKEND.Authentication) {
            const kind = f.body.readInt32BE(0);
            if (kind === AUTH.SASL) {
              scram = scramClient(opts.password);
              socket.write(saslInitialResponse('SCRAM-SHA-256', scram.first()));
            } else if (kind === AUTH.SASLContinue && scram) {
              socket.write(saslResponse(await scram.final(f.body.subarray(4).toString('utf8'))));
            } else if (kind === AUTH.SASLFinal && scram) {
              scram.verify(f.body.subarray(4).toString('utf8'));
            } else if (kind !== AUTH.Ok) {
              throw new UpstreamError(
                `the project database asked for authentication method ${kind}, not SCRAM`,
              );
            }
          } else if (f.type === BACKEND.ParameterStatus) {
            const p = parseParameterStatus(f.body);
            if (p) parameters.push([p.name, p.value]);
          } else if (f.type === BACKEND.BackendKeyData && f.body.length >= 8) {
            pid = f.body.readInt32BE(0);
            secret = f.body.readInt32BE(4);
          } else if (f.type === BACKEND.ErrorResponse) {
            const fields = parseFields(f.body);
            throw new UpstreamError(
              fields.get(FIELD.Message) ?? 'the project database refused the login',
              fields.get(FIELD.Code),
            );
          } else if (f.type === BACKEND.ReadyForQuery) {
            settled = true;
            clearTimeout(timer);
            socket.off('data', listener);
            socket.off('error', fail);
            socket.off('close', onClose);
            const rest = frames.slice(i + 1).map((x) => x.raw);
            resolve({ socket, pid, secret, parameters, txStatus: f.body[0] ?? 0x49, rest });
            return;
          }
        }
        socket.resume();
      } catch (err) {
        fail(err instanceof Error ? err : new Error(String(err)));
      }
    };
    const onClose = () => fail(new UpstreamError('the project database closed the connection during login'));
    const listener = (chunk: Buffer) => void onData(chunk);
    socket.on('data', listener);
    socket.once('error', fail);
    socket.once('close', onClose);
    socket.write(startupMessage({ ...opts.params, user: opts.user, database: opts.database }));
  });
}
