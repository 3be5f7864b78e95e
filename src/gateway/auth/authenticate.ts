/**
 * @module gateway/auth/authenticate
 * Proves who is connecting (ADR 0012). Over TLS, a login whose account holds a live Ward database
 * credential for the project, or an API token with db:connect made with a SCRAM verifier
 * (identity/db-verifier), does SCRAM-SHA-256 with channel binding, checked against every
 * credential and such token at once: they share the account's salt. Over TLS with neither, the
 * password is sent inside TLS and must be an API token with db:connect (tokens made before
 * verifiers existed), checked by the identity service. Without TLS only credentials count, and
 * with none the exchange is a SCRAM exchange that cannot succeed: the answer looks the same
 * whether or not the login exists.
 */
import { createHmac, randomBytes } from 'node:crypto';
import type { CredentialRow, DbAccessService, LoginTarget } from '../../dbaccess/index.js';
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

/** What a SCRAM proof can match: a database credential, or an API token's verifier. */
type Secret = { kind: 'credential'; row: CredentialRow } | { kind: 'token'; tokenId: string; digest: Buffer };

function refuseTokenWithoutScope(): GatewayError {
  return new GatewayError(
    SQLSTATE.invalid_authorization_specification,
    'this API token lacks the db:connect scope; create a token with that scope to use it as a database password',
    undefined,
    'token_scope',
  );
}

/** The account behind a token the client proved it holds: still live, the login's, allowed to connect. */
async function tokenPrincipal(
  login: string,
  userId: string,
  found: Promise<Awaited<ReturnType<IdentityService['authenticate']>>>,
): Promise<string> {
  const principal = await found.catch(() => {
    throw authFailed(login, 'bad_token');
  });
  if (principal.userId !== userId) throw authFailed(login, 'token_of_another_account');
  if (!hasScope(principal.scopes, 'db:connect')) throw refuseTokenWithoutScope();
  return principal.tokenId;
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
  const credentials = target
    ? await opts.dbaccess.credentialCandidates(target.user_id, target.project_id)
    : [];
  // Tokens only inside TLS (as the documented rule says), and only those whose verifier was made
  // under the salt this login's credentials use.
  const salt = target?.scram_salt;
  const tokens =
    target && salt && opts.certHash
      ? (await opts.identity.accounts.dbTokens(target.user_id)).filter(
          (t) => t.salt.equals(salt) && hasScope(t.scopes, 'db:connect'),
        )
      : [];
  if (credentials.length === 0 && tokens.length === 0 && opts.certHash && target) {
    write(authCleartext());
    const password = parsePassword(await passwordMessage(inbox));
    const tokenId = await tokenPrincipal(
      login,
      target.user_id,
      opts.identity.authenticate(password, { activity: true }),
    );
    return { method: 'token', credentialId: null, tokenId };
  }
  const candidates = [
    ...credentials.map((row) => ({
      storedKey: row.stored_key,
      serverKey: row.server_key,
      value: { kind: 'credential', row } as Secret,
    })),
    ...tokens.map((t) => ({
      storedKey: t.stored_key,
      serverKey: t.server_key,
      value: { kind: 'token', tokenId: t.token_id, digest: t.digest } as Secret,
    })),
  ];
  const usable = salt && candidates.length > 0;
  const exchange = scramExchange({
    salt: usable ? salt : decoySalt(login, opts.database),
    iterations: credentials[0]?.iterations ?? tokens[0]?.iterations ?? SCRAM_ITERATIONS,
    candidates: usable ? candidates : [],
    certHash: opts.certHash,
  });
  write(authSasl(mechanismsFor(opts.certHash !== undefined)));
  try {
    const initial = parseSaslInitial(await passwordMessage(inbox));
    write(authSaslContinue(exchange.first(initial.mechanism, initial.data)));
    const { value, serverFinal } = exchange.final((await passwordMessage(inbox)).toString('utf8'));
    if (value.kind === 'token') {
      const tokenId = await tokenPrincipal(
        login,
        target?.user_id ?? '',
        opts.identity.authenticateDigest(value.digest, { activity: true }),
      );
      write(authSaslFinal(serverFinal));
      return { method: 'token', credentialId: null, tokenId };
    }
    if (value.row.expires_at.getTime() <= Date.now()) {
      throw new GatewayError(
        SQLSTATE.invalid_password,
        `the database password you used expired at ${value.row.expires_at.toISOString()}`,
        `Get a new one with \`ward db credentials --project ${target?.project_name ?? '<project>'}\`.`,
        'expired_credential',
      );
    }
    write(authSaslFinal(serverFinal));
    return { method: 'scram', credentialId: value.row.id, tokenId: null };
  } catch (err) {
    if (err instanceof ScramError) {
      if (err.malformed)
        throw new GatewayError(SQLSTATE.protocol_violation, err.message, undefined, 'bad_scram');
      throw authFailed(login, 'bad_password');
    }
    throw err;
  }
}
