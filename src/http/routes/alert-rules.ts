/**
 * @module http/routes/alert-rules
 * An org's alert rules (each with its setting, or the default) and its alert settings: the
 * declared working hours with their time zone, and who is e-mailed.
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  type AlertService,
  alertSettingsBody,
  alertSettingsView,
  ruleBody,
  ruleId,
  ruleView,
} from '../../alerting/index.js';
import { orgRef } from '../../orgs/index.js';

const tags = ['alerts'];

export function alertRuleRoutes(app: FastifyInstance, alerts: AlertService) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const byOrg = z.object({ org: orgRef });
  const byRule = z.object({ org: orgRef, rule: ruleId });
  const read = { permission: 'alerts.read' as const };
  const manage = { permission: 'alerts.manage' as const };
  r.get(
    '/api/v1/orgs/:org/alert-rules',
    {
      config: read,
      schema: {
        tags,
        summary: "Every built-in alert rule with the org's setting",
        params: byOrg,
        response: { 200: z.array(ruleView) },
      },
    },
    (req) => alerts.rules(req.ctx, req.params.org),
  );
  r.get(
    '/api/v1/orgs/:org/alert-rules/:rule',
    {
      config: read,
      schema: { tags, summary: 'One alert rule', params: byRule, response: { 200: ruleView } },
    },
    (req) => alerts.rule(req.ctx, req.params.org, req.params.rule),
  );
  r.put(
    '/api/v1/orgs/:org/alert-rules/:rule',
    {
      config: manage,
      schema: {
        tags,
        summary: 'Switch an alert rule on or off, or change its threshold or window',
        params: byRule,
        body: ruleBody,
        response: { 200: ruleView },
      },
    },
    (req) => alerts.setRule(req.ctx, req.params.org, req.params.rule, req.body),
  );
  r.get(
    '/api/v1/orgs/:org/alert-settings',
    {
      config: read,
      schema: {
        tags,
        summary: "The org's working hours and who alerts are e-mailed to",
        params: byOrg,
        response: { 200: alertSettingsView },
      },
    },
    (req) => alerts.settings(req.ctx, req.params.org),
  );
  r.put(
    '/api/v1/orgs/:org/alert-settings',
    {
      config: manage,
      schema: {
        tags,
        summary: 'Declare working hours (null: none) or set who alerts are e-mailed to',
        params: byOrg,
        body: alertSettingsBody,
        response: { 200: alertSettingsView },
      },
    },
    (req) => alerts.setSettings(req.ctx, req.params.org, req.body),
  );
}
