/**
 * @module gateway/startup/record
 * The session's `db.connect` event, durable before the client hears AuthenticationOk: a session
 * the audit log cannot record does not start. The event carries the session's statement-text
 * key wrapped under the project's key, so sealed statement text can be opened later only
 * through the audited break-glass read (dbaccess statement-text.reader.ts).
 */
import type { AuditService } from '../../audit/index.js';
import { sessionKeyAad } from '../../dbaccess/index.js';
import type { KeyService } from '../../keys/index.js';
import type { AuditHealth } from '../audit-gate.js';
import { GatewayError } from '../errors.js';
import { connectEvent, type SessionInfo } from '../events.js';
import { SQLSTATE } from '../protocol/codes.js';
import type { Admission } from './admit.js';

export interface RecordDeps {
  audit: Pick<AuditService, 'append'>;
  keys: Pick<KeyService, 'encrypt'>;
  health: AuditHealth;
}

/** What every event of the session says about it. */
export function sessionInfo(
  sid: string,
  login: string,
  { target: t, auth, projectRole }: Admission,
  dbRole: string,
  tls: string | null,
): SessionInfo {
  return {
    sid,
    projectId: t.project_id,
    projectName: t.project_name,
    orgId: t.org_id,
    orgName: t.org_name,
    userId: t.user_id,
    login,
    dbRole,
    projectRole,
    tls,
    hipaa: t.audit_log_level === 'hipaa',
    delivery: t.audit_log_level === 'hipaa' ? 'sync' : t.audit_delivery,
    method: auth.method,
    credentialId: auth.credentialId,
    tokenId: auth.tokenId,
    startedAt: Date.now(),
  };
}

/** Appends `db.connect` with the wrapped text key; throws 57P03 if the audit log cannot take it. */
export async function recordConnect(
  deps: RecordDeps,
  { ctx }: Pick<Admission, 'ctx'>,
  info: SessionInfo,
  textKey: Buffer,
): Promise<void> {
  try {
    const wrapped = await deps.keys.encrypt(
      { type: 'project', projectId: info.projectId, orgId: info.orgId },
      textKey,
      sessionKeyAad(info.sid),
    );
    await deps.audit.append(ctx, [connectEvent(info, wrapped)]);
    deps.health.success();
  } catch {
    deps.health.failure();
    throw new GatewayError(
      SQLSTATE.cannot_connect_now,
      'the audit log is unavailable, so no session can start; try again shortly',
      undefined,
      'audit_unavailable',
    );
  }
}
