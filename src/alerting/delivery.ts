/**
 * @module alerting/delivery
 * Sends each raised alert out of the console: to the org's alert webhook (HMAC-signed, through
 * access/alerts) and, with SMTP configured, by e-mail to the org's list or its owners and admins.
 * Runs after the alert is saved, never inside a transaction; a failure is recorded (`alert.deliver`,
 * `alert.email`) and tried again with backoff (30 s doubling, at most 10 minutes apart) until it
 * goes or the attempts run out.
 */
import type { AuditService } from '../audit/index.js';
import type { Db } from '../db/index.js';
import { SYSTEM } from '../lib/context.js';
import type { Logger } from '../lib/logger.js';
import { adminEmails, dueDeliveries, settleDelivery } from './alerts.store.js';
import type { Mailer } from './mailer.js';

const MAX_ATTEMPTS = 8;
const BATCH = 20;
const retryIn = (attempts: number) => Math.min(600_000, 30_000 * 2 ** attempts);

export function createDelivery(deps: {
  db: Db;
  audit: Pick<AuditService, 'record'>;
  /** Posts to the org's webhook: true sent, false failed, null no webhook (access/alerts). */
  webhook(orgId: string, alert: string, payload: Record<string, unknown>): Promise<boolean | null>;
  mailer?: Mailer;
  log: Logger;
}) {
  const { db, log } = deps;
  let timer: NodeJS.Timeout | undefined;
  let pass: Promise<void> | undefined;
  let again = false;

  async function recipients(orgId: string): Promise<string[]> {
    const own = await db
      .selectFrom('alert_settings')
      .select('email_to')
      .where('org_id', '=', orgId)
      .executeTakeFirst();
    return own?.email_to.length ? own.email_to : adminEmails(db, orgId);
  }

  async function email(d: Awaited<ReturnType<typeof dueDeliveries>>[number]): Promise<boolean | null> {
    const mailer = deps.mailer;
    if (!mailer) return null;
    const to = await recipients(d.org_id);
    if (to.length === 0) return null;
    let failure: string | undefined;
    try {
      await mailer.send(to, {
        org_name: d.org_name,
        alert_id: d.alert_id,
        title: d.title,
        summary: d.summary,
        rule: d.rule,
        event_time: new Date(d.event_time).toISOString(),
        chain: d.chain_id,
        seq: Number(d.seq),
      });
    } catch (err) {
      failure = ((err as Error).message || String(err)).slice(0, 300);
    }
    await deps.audit.record(SYSTEM, [
      {
        action: 'alert.email',
        chain: d.org_id,
        outcome: failure ? 'failure' : 'success',
        target: { type: 'alert', id: d.alert_id, name: d.rule },
        details: {
          alert: d.alert_id,
          recipients: to.length,
          attempts: d.attempts + 1,
          ...(failure ? { failure } : {}),
        },
      },
    ]);
    return failure === undefined;
  }

  async function once(): Promise<void> {
    for (const d of await dueDeliveries(db, BATCH)) {
      let sent: boolean | null;
      try {
        sent =
          d.channel === 'webhook'
            ? await deps.webhook(d.org_id, `rule.${d.rule}`, {
                alert_id: d.alert_id,
                rule: d.rule,
                title: d.title,
                summary: d.summary,
                event_time: new Date(d.event_time).toISOString(),
                chain: d.chain_id,
                seq: Number(d.seq),
                event_ids: d.event_ids,
              })
            : await email(d);
      } catch (err) {
        log.warn({ err, alert: d.alert_id, channel: d.channel }, 'alert delivery failed; will retry');
        sent = false;
      }
      const attempts = d.attempts + 1;
      await settleDelivery(
        db,
        d.alert_id,
        d.channel,
        sent === null
          ? { status: 'skipped' }
          : sent
            ? { status: 'sent' }
            : attempts >= MAX_ATTEMPTS
              ? { status: 'failed', error: 'gave up after the last attempt' }
              : { status: 'pending', error: 'not delivered', retryInMs: retryIn(attempts) },
      );
    }
  }

  function kick(): void {
    if (pass) {
      again = true;
      return;
    }
    pass = once()
      .catch((err) => log.warn({ err }, 'alert delivery pass failed'))
      .finally(() => {
        pass = undefined;
        if (again) {
          again = false;
          kick();
        }
      });
  }

  return {
    kick,
    start(everyMs = 2000) {
      timer = setInterval(kick, everyMs);
      timer.unref();
      kick();
    },
    async stop() {
      clearInterval(timer);
      again = false;
      await pass;
      deps.mailer?.close();
    },
  };
}

export type Delivery = ReturnType<typeof createDelivery>;
