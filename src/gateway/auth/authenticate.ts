/**
 * @module gateway/auth/authenticate
 * Proves who is connecting (ADR 0012). A login with a live Ward database credential for the
 * project does SCRAM-SHA-256 (with channel binding over TLS), checked against every credential
 * it holds. Without one, over TLS, the password is an API token with the db:connect scope
 * (password authentication inside TLS), checked by the identity service. Without TLS and without
 * a credential, the exchange is a SCRAM exchange that cannot succeed: the answer looks the same
 * whether or not the login exists.
 */
import { createHmac, randomBytes } from 'node:crypto';
import type { DbAccessService, LoginTarget } from '../../dbaccess/index.js';
import type { IdentityService } from '../../identity/index.js';
import { SCRAM_ITERATIONS } from '../../lib/scram.js';
import { hasScope } from '../../policy/index.js';
import { GatewayError } from '../errors.js';
import type { Inbox } from '../inbox.js';
import { authCleartext, authSasl, authSaslContinue, authSaslFinal } from '../protocol/build.js';
import { FRONTEND, SQLSTATE } from '../protocol/codes.js';
import { ProtocolError } from '../protocol/framing.js';
import { parsePassword, parseSaslInitial } from '../protocol/parse.js';
import { mechanismsFor, ScramError, scramExchange } from './scram-server.js';

export interface Authenticated {
  method: 'scram' | 'token';
  credentialId: string | null;
  tokenId: string | null;
}

const decoyKey = randomBytes(32);
const decoySalt = (login: string, database: string) =>
  createHmac('sha256', decoyKey).update(`${login}\0${database}`).digest().subarray(0, 16);

export function authFailed(login: string, reason: string): GatewayError {
  return new GatewayError(
    SQLSTATE.invalid_password,
    `password authentication failed for user "${login.slice(0, 100)}"`,
    'Get a short-lived password with `ward db credentials --project <project>`; an API token with the db:connect scope works as the password over TLS (sslmode=require or stronger).',
    reason,
  );
}

async function passwordMessage(inbox: Inbox): Promise<Buffer> {
  const f = await inbox.nextTyped();
  if (f.type !== FRONTEND.Password) throw new ProtocolError('expected a password message');
  return f.body;
}

export async function authenticate(opts: {
  inbox: Inbox;
  write: (b: Buffer) => void;
  login: string;
  database: string;
  target: LoginTarget | undefined;
  certHash: Buffer | undefined;
  dbaccess: DbAccessService;
  identity: IdentityService;
}): Promise<Authenticated> {
  const { inbox, write, login, target } = opts;
  const candidates = target
    ? await opts.dbaccess.credentialCandidates(target.user_id, target.project_id)
    : [];
  if (candidates.length === 0 && opts.certHash && target) {
    write(authCleartext());
    const password = parsePassword(await passwordMessage(inbox));
    const principal = await opts.identity.authenticate(password, { activity: true }).catch(() => {
      throw authFailed(login, 'bad_token');
    });
    if (principal.userId !== target.user_id) throw authFailed(login, 'token_of_another_account');
    if (!hasScope(principal.scopes, 'db:connect'))
      throw new GatewayError(
        SQLSTATE.invalid_authorization_specification,
        'this API token lacks the db:connect scope; create a token with that scope to use it as a database password',
        undefined,
        'token_scope',
      );
    return { method: 'token', credentialId: null, tokenId: principal.tokenId };
  }
  const usable = target?.scram_salt && candidates.length > 0;
  const exchange = scramExchange({
    salt: usable ? (target.scram_salt as Buffer) : decoySalt(login, opts.database),
    iterations: candidates[0]?.iterations ?? SCRAM_ITERATIONS,
    candidates: usable
      ? candidates.map((c) => ({ storedKey: c.stored_key, serverKey: c.server_key, value: c }))
      : [],
    certHash: opts.certHash,
  });
  write(authSasl(mechanismsFor(opts.certHash !== undefined)));
  try {
    const initial = parseSaslInitial(await passwordMessage(inbox));
    write(authSaslContinue(exchange.first(initial.mechanism, initial.data)));
    const { value, serverFinal } = exchange.final((await passwordMessage(inbox)).toString('utf8'));
    if (value.expires_at.getTime() <= Date.now()) {
      throw new GatewayError(
        SQLSTATE.invalid_password,
        `the database password you used expired at ${value.expires_at.toISOString()}`,
        `Get a new one with \`ward db credentials --project ${target?.project_name ?? '<project>'}\`.`,
        'expired_credential',
      );
    }
    write(authSaslFinal(serverFinal));
    return { method: 'scram', credentialId: value.id, tokenId: null };
  } catch (err) {
    if (err instanceof ScramError) {
      if (err.malformed)
        throw new GatewayError(SQLSTATE.protocol_violation, err.message, undefined, 'bad_scram');
      throw authFailed(login, 'bad_password');
    }
    throw err;
  }
}
