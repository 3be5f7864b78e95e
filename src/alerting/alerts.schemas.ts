/**
 * @module alerting/schemas
 * The API shapes (zod) of alerts and alert rules: an alert with the audit events it rests on,
 * a rule's setting, the org's working hours and e-mail recipients. The same schemas produce the
 * OpenAPI document.
 */
import { z } from 'zod';
import { ALERT_STATUSES } from '../db/index.js';
import { RULE_IDS } from './rules/catalog.js';

export const alertId = z
  .string()
  .regex(/^alr_[a-z2-7]{16}$/, 'an alert id (alr_…, ward alert list shows them)');
export const ruleId = z.enum(RULE_IDS, {
  error: () => `a rule: one of ${RULE_IDS.join(', ')}`,
});

export const alertView = z.object({
  id: z.string(),
  rule: z.enum(RULE_IDS),
  title: z.string(),
  summary: z.string(),
  status: z.enum(ALERT_STATUSES),
  subject: z.record(z.string(), z.unknown()),
  event_time: z.string().describe('when the triggering event happened'),
  raised_at: z.string(),
  chain: z.string(),
  seq: z
    .number()
    .describe('the seq of the triggering audit event (with rule and chain, the alert’s identity)'),
  events: z
    .array(z.object({ seq: z.number(), id: z.string() }))
    .describe('the audit events the alert rests on, the triggering one last'),
  status_by: z.string().nullable(),
  status_at: z.string().nullable(),
  status_note: z.string().nullable().describe('the reason it was dismissed, or a note'),
  incident_id: z.string().nullable().describe('the incident the alert became (escalated)'),
});

export const alertDetail = alertView.extend({
  deliveries: z.array(
    z.object({
      channel: z.enum(['webhook', 'email']),
      status: z.enum(['pending', 'sent', 'failed', 'skipped']),
      attempts: z.number(),
      last_error: z.string().nullable(),
      sent_at: z.string().nullable(),
    }),
  ),
});

export const alertList = z.object({
  open: z.number().describe('how many alerts of the org are open'),
  alerts: z.array(alertView),
});

export const alertQuery = z.object({
  status: z.enum(ALERT_STATUSES).optional(),
  rule: ruleId.optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

export const ackBody = z.object({ note: z.string().trim().min(1).max(1000).optional() }).nullish();
export const dismissBody = z.object({
  reason: z
    .string({ error: 'reason is required: say why the alert is dismissed' })
    .trim()
    .min(3, 'reason is required: say why the alert is dismissed (at least 3 characters)')
    .max(1000),
});

export const ruleView = z.object({
  rule: z.enum(RULE_IDS),
  title: z.string(),
  description: z.string(),
  counts: z.boolean().describe('whether threshold and window mean anything for this rule'),
  enabled: z.boolean(),
  threshold: z.number(),
  window_seconds: z.number(),
  default: z.boolean().describe('true while the org keeps the default setting'),
});

export const ruleBody = z
  .object({
    enabled: z.boolean().optional(),
    threshold: z.number().int().min(1).max(1_000_000_000).optional(),
    window_seconds: z.number().int().min(1).max(604_800).optional(),
  })
  .refine((b) => Object.keys(b).length > 0, 'give at least one of enabled, threshold, window_seconds');

const clock = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$|^24:00$/, 'a time of day such as 08:00 (24-hour)');

export const workingHours = z.object({
  start: clock,
  end: clock,
  days: z.array(z.number().int().min(1).max(7)).min(1).max(7).describe('ISO weekdays, 1 Monday … 7 Sunday'),
  time_zone: z.string().min(1).max(64).describe('an IANA time zone such as America/Chicago'),
});

export const alertSettingsView = z.object({
  working_hours: workingHours.nullable(),
  email_to: z.array(z.string()).describe("who alerts are e-mailed to; empty: the org's owners and admins"),
  smtp: z.boolean().describe('whether this Ward sends e-mail (smtp in ward.yaml)'),
});

export const alertSettingsBody = z.object({
  working_hours: workingHours.nullable().optional(),
  email_to: z.array(z.string().trim().toLowerCase().email('an e-mail address').max(320)).max(50).optional(),
});

export type AlertView = z.infer<typeof alertView>;
export type RuleBody = z.infer<typeof ruleBody>;
export type AlertSettingsBody = z.infer<typeof alertSettingsBody>;

export const escalateBody = z
  .strictObject({
    title: z
      .string()
      .trim()
      .min(1)
      .max(200)
      .optional()
      .describe("the incident's title (the alert's title if absent)"),
    owner: z.string().trim().max(320).optional().describe("the incident owner's e-mail (an org member)"),
  })
  .optional();

export const escalation = z.object({
  alert: alertDetail,
  incident: z.object({ id: z.string(), title: z.string() }),
});
