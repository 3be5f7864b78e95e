/**
 * @module gateway/revalidator
 * Every 500 ms, one query re-checks the authority of every live session in this process
 * (membership and project role, account, token or credential, project state, a plaintext
 * session's opt-in, the org's idle and absolute limits) and ends those that lost it, with a FATAL message saying why. Nothing waits
 * for an event from the identity code, so removals made by any Ward process, or straight in the
 * database, end connections within a second. If the check itself fails twice in a row, or gets no
 * answer for 5 s (a stalled control database), every session ends: the gateway cannot vouch for them. It also ends sessions whose audit events are
 * overdue.
 */
import type { DbAccessService, EndReason } from '../dbaccess/index.js';
import type { Logger } from '../lib/logger.js';
import { AUDIT_DEADLINE_MS } from './audit-gate.js';
import { GatewayError } from './errors.js';
import { SQLSTATE } from './protocol/codes.js';
import type { Registry } from './registry.js';

export const REVALIDATE_EVERY_MS = 500;
const GIVE_UP_AFTER_FAILURES = 2;

/**
 * The SQLSTATE of each ending, as PostgreSQL's own when it ends a backend: 57P01
 * (admin_shutdown, "terminating connection due to administrator command") when Ward takes the
 * session away, 57P05 when it sat idle past the limit (PostgreSQL's idle_session_timeout); not
 * 28000, which says a login was refused, when this one was let in and is being ended.
 */
const SQLSTATE_OF: Record<EndReason, string> = {
  access_revoked: SQLSTATE.admin_shutdown,
  role_changed: SQLSTATE.admin_shutdown,
  account_disabled: SQLSTATE.admin_shutdown,
  token_ended: SQLSTATE.admin_shutdown,
  credential_revoked: SQLSTATE.admin_shutdown,
  project_unavailable: SQLSTATE.admin_shutdown,
  plaintext_refused: SQLSTATE.admin_shutdown,
  idle_timeout: SQLSTATE.idle_session_timeout,
  absolute_lifetime: SQLSTATE.admin_shutdown,
};

export function startRevalidator(deps: { registry: Registry; dbaccess: DbAccessService; log: Logger }) {
  const { registry, dbaccess, log } = deps;
  let failures = 0;
  let running = false;

  let checkStarted = 0;

  /** Sessions whose statement events the log has not confirmed in time (checked every tick). */
  function endOverdue(now: number): void {
    for (const s of registry.all()) {
      if (s.gate.overdue(now, AUDIT_DEADLINE_MS))
        s.end(
          'audit_unavailable',
          new GatewayError(
            SQLSTATE.cannot_connect_now,
            `the audit log did not confirm this session's statements within ${AUDIT_DEADLINE_MS / 1000} s, so the gateway refuses work: results not yet recorded were withheld; try again shortly`,
          ),
        );
    }
  }

  function endAllUnconfirmed(): void {
    for (const s of registry.all())
      s.end(
        'access_unconfirmed',
        new GatewayError(
          SQLSTATE.cannot_connect_now,
          'Ward cannot confirm your access right now (its control database does not answer), so the session ends; connect again shortly',
        ),
      );
  }

  async function tick(): Promise<void> {
    const now = Date.now();
    // Neither check may wait on the other: a stalled control database never answers the access
    // check, and the deadlines must still end sessions (the check used to block them forever).
    endOverdue(now);
    if (running) {
      // A slow answer is not a failure; none within the audit deadline is.
      if (now - checkStarted >= AUDIT_DEADLINE_MS) endAllUnconfirmed();
      return;
    }
    if (registry.size === 0) return;
    running = true;
    checkStarted = now;
    const sessions = registry.all();
    try {
      const live = sessions.filter((s) => !s.ended);
      const verdicts = await dbaccess.revalidate(
        live.map((s) => ({
          sid: s.info.sid,
          project_id: s.info.projectId,
          user_id: s.info.userId,
          token_id: s.info.tokenId,
          credential_id: s.info.credentialId,
          state: {
            projectName: s.info.projectName,
            orgName: s.info.orgName,
            projectRole: s.info.projectRole,
            startedAt: s.info.startedAt,
            lastActivity: s.lastActivity,
            busy: s.busy > 0,
            plaintext: s.info.tls === null,
          },
        })),
        now,
      );
      failures = 0;
      for (const s of live) {
        const v = verdicts.get(s.info.sid);
        if (v) s.end(v.reason, new GatewayError(SQLSTATE_OF[v.reason], v.message));
      }
    } catch (err) {
      failures++;
      log.error({ err: (err as Error).message, failures }, 'could not re-validate gateway sessions');
      if (failures >= GIVE_UP_AFTER_FAILURES) endAllUnconfirmed();
    } finally {
      running = false;
    }
  }

  const timer = setInterval(() => void tick(), REVALIDATE_EVERY_MS);
  timer.unref();
  return { stop: () => clearInterval(timer), tick };
}
