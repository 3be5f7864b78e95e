/**
 * @module gateway/startup/transport
 * The TLS rule (ADR 0012): every connection uses TLS, except a standard project's that allows
 * plaintext (`allow_plaintext`, set by an owner or admin), and then only from this machine's
 * loopback address. Checked before any password is asked for. The client hears one message for
 * every refusal, whether or not the login or project exists; the audit event's reason says which
 * case it was.
 */
import type { LoginTarget } from '../../dbaccess/index.js';
import { isLoopback } from '../../lib/loopback.js';
import { GatewayError } from '../errors.js';
import { SQLSTATE } from '../protocol/codes.js';

export const TLS_REQUIRED = 'this project requires TLS (sslmode=require or stronger)';
export const TLS_HINT =
  "Connect with sslmode=verify-full and sslrootcert pointing at Ward's CA certificate (`ward db credentials` prints the URI). Only a standard project's owner or admin can allow plaintext, and only for clients on the gateway's own machine: `ward project set <project> --plaintext allowed`.";

/** Why a plaintext connection is refused (the audit reason), or undefined when it may go on. */
export function plaintextRefusal(
  target: Pick<LoginTarget, 'audit_log_level' | 'allow_plaintext'> | undefined,
  ip: string | null,
): 'tls_required' | 'plaintext_not_loopback' | undefined {
  if (!target || target.audit_log_level === 'hipaa' || !target.allow_plaintext) return 'tls_required';
  return isLoopback(ip) ? undefined : 'plaintext_not_loopback';
}

/** Throws the FATAL refusal unless the connection uses TLS or the project's opt-in covers it. */
export function requireTls(
  client: { tls: string | null; ip: string | null },
  target: LoginTarget | undefined,
): void {
  if (client.tls) return;
  const reason = plaintextRefusal(target, client.ip);
  if (reason)
    throw new GatewayError(SQLSTATE.invalid_authorization_specification, TLS_REQUIRED, TLS_HINT, reason);
}
