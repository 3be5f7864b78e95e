/**
 * @module alerting/wire
 * Builds the alert rules for the composition root: the evaluator (the audit log's observer), the
 * delivery of what it raises (webhook, e-mail) and the service people use. `start` catches every
 * chain up before the edges open; `stop` runs after the log's writers stopped, so every event
 * written is evaluated and saved.
 */
import type { AuditService } from '../audit/index.js';
import type { SmtpSettings } from '../config/index.js';
import type { Db } from '../db/index.js';
import type { Logger } from '../lib/logger.js';
import type { OrgService } from '../orgs/index.js';
import { createAlertService } from './alerts.service.js';
import { createDelivery } from './delivery.js';
import { createEvaluator } from './evaluator.js';
import { createMailer } from './mailer.js';

export function wireAlerting(deps: {
  db: Db;
  audit: AuditService;
  orgs: OrgService;
  /** Posts to the org's webhook (access/alerts' `deliver`). */
  webhook(orgId: string, alert: string, payload: Record<string, unknown>): Promise<boolean | null>;
  smtp?: SmtpSettings;
  home: string;
  log: Logger;
}) {
  const log = deps.log.child({ component: 'alerting' });
  const mailer = deps.smtp ? createMailer(deps.smtp, deps.home) : undefined;
  const delivery = createDelivery({ db: deps.db, audit: deps.audit, webhook: deps.webhook, mailer, log });
  const evaluator = createEvaluator({
    db: deps.db,
    audit: deps.audit,
    channels: mailer ? ['webhook', 'email'] : ['webhook'],
    onRaised: () => delivery.kick(),
    log,
  });
  deps.audit.observe(evaluator);
  const service = createAlertService({
    db: deps.db,
    audit: deps.audit,
    orgs: deps.orgs,
    smtp: mailer !== undefined,
    reload: () => void evaluator.reload(),
  });
  return {
    service,
    evaluator,
    delivery,
    async start(): Promise<void> {
      await evaluator.start();
      delivery.start();
    },
    async stop(): Promise<void> {
      await evaluator.stop();
      await delivery.stop();
    },
  };
}

export type AlertingParts = ReturnType<typeof wireAlerting>;
