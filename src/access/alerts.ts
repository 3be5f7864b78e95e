/**
 * @module access/alerts
 * Security alerts to an org's webhook (break-glass use, and what the alert rules raise, `alerting/`). Minimal on purpose: one HTTPS
 * endpoint per org (plain HTTP only to loopback), a JSON body signed with HMAC-SHA-256 over
 * `<timestamp>.<body>` (header `x-ward-signature: v1=<hex>`, timestamp in `x-ward-timestamp`),
 * three attempts, and every delivery or failure recorded as `alert.deliver`. The secret is
 * random, shown once, and kept encrypted under Ward's system key, not the org's: an alert that the
 * org's own root key (an HSM) is unavailable must still be signed. Delivery runs after the change
 * commits, never inside its transaction.
 */
import { createHmac } from 'node:crypto';
import type { AuditService } from '../audit/index.js';
import type { Db } from '../db/index.js';
import type { KeyService } from '../keys/index.js';
import { type RequestContext, SYSTEM } from '../lib/context.js';
import { invalid, notFound } from '../lib/errors.js';
import type { Logger } from '../lib/logger.js';
import { randomSecret } from '../lib/secrets.js';
import type { OrgService } from '../orgs/index.js';
import { authorize } from '../policy/index.js';

const ATTEMPTS = 3;
const aad = (orgId: string) => `ward-alert-webhook:${orgId}`;
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

export function signAlert(secret: string, timestamp: string, body: string): string {
  return `v1=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

export function createAlerts(deps: {
  db: Db;
  audit: AuditService;
  keys: KeyService;
  orgs: OrgService;
  log: Logger;
}) {
  const { db, audit, keys, orgs, log } = deps;
  const inFlight = new Set<Promise<void>>();

  async function set(ctx: RequestContext, orgRef: string, url: string) {
    const a = await orgs.access(ctx, orgRef);
    const u = new URL(url);
    if (u.protocol !== 'https:' && !LOOPBACK.has(u.hostname))
      throw invalid(`the webhook '${url}' must use https (plain http only to this machine)`);
    const secret = randomSecret(32);
    const target = { type: 'webhook' as const, id: a.org.id, name: url };
    return audit.mutate(
      ctx,
      { action: 'alert.webhook.set', chain: a.org.id, target, details: { url } },
      async (tx) => {
        authorize(ctx, a, 'alerts.manage');
        const sealed = await keys.encrypt({ type: 'system' }, secret, aad(a.org.id), tx);
        const row = await tx
          .insertInto('org_alert_webhooks')
          .values({ org_id: a.org.id, url, secret: sealed })
          .onConflict((oc) =>
            oc.column('org_id').doUpdateSet({ url, secret: sealed, created_at: new Date() }),
          )
          .returningAll()
          .executeTakeFirstOrThrow();
        return { url: row.url, secret, created_at: row.created_at.toISOString() };
      },
    );
  }

  async function get(ctx: RequestContext, orgRef: string) {
    const a = await orgs.access(ctx, orgRef);
    authorize(ctx, a, 'alerts.manage');
    const row = await db
      .selectFrom('org_alert_webhooks')
      .selectAll()
      .where('org_id', '=', a.org.id)
      .executeTakeFirst();
    if (!row) throw notFound(`'${a.org.name}' has no alert webhook`);
    return { url: row.url, created_at: row.created_at.toISOString() };
  }

  async function remove(ctx: RequestContext, orgRef: string) {
    const a = await orgs.access(ctx, orgRef);
    const target = { type: 'webhook' as const, id: a.org.id };
    await audit.mutate(
      ctx,
      { action: 'alert.webhook.remove', chain: a.org.id, target, details: { url: '' } },
      async (tx, draft) => {
        authorize(ctx, a, 'alerts.manage');
        const gone = await tx
          .deleteFrom('org_alert_webhooks')
          .where('org_id', '=', a.org.id)
          .returning('url')
          .executeTakeFirst();
        if (!gone) throw notFound(`'${a.org.name}' has no alert webhook`);
        draft.details.url = gone.url;
      },
    );
  }

  /**
   * Posts one alert (up to three attempts) and records the outcome as `alert.deliver`: true when
   * the webhook took it, false when it did not, null when the org has no webhook.
   */
  async function deliver(
    orgId: string,
    alert: string,
    payload: Record<string, unknown>,
  ): Promise<boolean | null> {
    const row = await db
      .selectFrom('org_alert_webhooks')
      .selectAll()
      .where('org_id', '=', orgId)
      .executeTakeFirst();
    if (!row) return null;
    const secret = (await keys.decrypt(row.secret, aad(orgId))).toString('utf8');
    const body = JSON.stringify({ alert, org_id: orgId, time: new Date().toISOString(), ...payload });
    let status: number | null = null;
    let error: string | undefined;
    let attempts = 0;
    while (attempts < ATTEMPTS) {
      attempts++;
      const timestamp = String(Math.floor(Date.now() / 1000));
      try {
        const res = await fetch(row.url, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'x-ward-timestamp': timestamp,
            'x-ward-signature': signAlert(secret, timestamp, body),
          },
          body,
          signal: AbortSignal.timeout(5000),
        });
        status = res.status;
        error = res.ok ? undefined : `answered ${res.status}`;
        if (res.ok) break;
      } catch (err) {
        error = (err as Error).message;
      }
      await new Promise((r) => setTimeout(r, 500 * attempts));
    }
    await audit.record(SYSTEM, [
      {
        action: 'alert.deliver',
        chain: orgId,
        outcome: error ? 'failure' : 'success',
        target: { type: 'webhook', id: orgId, name: row.url },
        details: { alert, url: row.url, status, attempts, ...(error ? { failure: error } : {}) },
      },
    ]);
    return error === undefined;
  }

  /**
   * Seals the org's webhook secret under Ward's system key (one set before secrets moved there
   * was sealed under the org's key), so alerts stay signable while the org's root key is not usable.
   */
  async function reseal(orgId: string): Promise<void> {
    const row = await db
      .selectFrom('org_alert_webhooks')
      .select('secret')
      .where('org_id', '=', orgId)
      .executeTakeFirst();
    if (!row) return;
    const secret = await keys.decrypt(row.secret, aad(orgId));
    const sealed = await keys.encrypt({ type: 'system' }, secret, aad(orgId));
    await db.updateTable('org_alert_webhooks').set({ secret: sealed }).where('org_id', '=', orgId).execute();
  }

  /** Sends in the background; a failure is logged and recorded, never thrown at the caller. */
  function send(orgId: string, alert: string, payload: Record<string, unknown>): void {
    const p: Promise<void> = deliver(orgId, alert, payload)
      .then(() => undefined)
      .catch((err) => log.error({ err, org: orgId, alert }, 'could not deliver a security alert'))
      .finally(() => inFlight.delete(p));
    inFlight.add(p);
  }

  return {
    set,
    get,
    remove,
    send,
    deliver,
    reseal,
    drain: async () => void (await Promise.all([...inFlight])),
  };
}

export type Alerts = ReturnType<typeof createAlerts>;
