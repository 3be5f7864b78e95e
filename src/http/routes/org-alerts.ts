/**
 * @module http/routes/org-alerts
 * What the alert rules raised: list (filters: status, rule), read one with the audit events it
 * rests on and its deliveries, acknowledge, dismiss (a reason is required), or turn it into an
 * incident (escalate: the alert becomes a new incident citing its audit events).
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  type AlertService,
  ackBody,
  alertDetail,
  alertId,
  alertList,
  alertQuery,
  dismissBody,
  escalateBody,
  escalation,
} from '../../alerting/index.js';
import type { IncidentService } from '../../incidents/index.js';
import { orgRef } from '../../orgs/index.js';

const tags = ['alerts'];

export function orgAlertRoutes(app: FastifyInstance, alerts: AlertService, incidents: IncidentService) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const byOrg = z.object({ org: orgRef });
  const byAlert = z.object({ org: orgRef, id: alertId });
  const read = { permission: 'alerts.read' as const };
  const manage = { permission: 'alerts.manage' as const };
  r.get(
    '/api/v1/orgs/:org/alerts',
    {
      config: read,
      schema: {
        tags,
        summary: "The org's alerts, newest first, and how many are open",
        params: byOrg,
        querystring: alertQuery,
        response: { 200: alertList },
      },
    },
    (req) => alerts.list(req.ctx, req.params.org, req.query),
  );
  r.get(
    '/api/v1/orgs/:org/alerts/:id',
    {
      config: read,
      schema: {
        tags,
        summary: 'One alert with the audit events it rests on and how it was delivered',
        params: byAlert,
        response: { 200: alertDetail },
      },
    },
    (req) => alerts.get(req.ctx, req.params.org, req.params.id),
  );
  r.post(
    '/api/v1/orgs/:org/alerts/:id/acknowledge',
    {
      config: manage,
      schema: {
        tags,
        summary: 'Acknowledge an open alert',
        params: byAlert,
        body: ackBody,
        response: { 200: alertDetail },
      },
    },
    (req) => alerts.acknowledge(req.ctx, req.params.org, req.params.id, req.body?.note),
  );
  r.post(
    '/api/v1/orgs/:org/alerts/:id/dismiss',
    {
      config: manage,
      schema: {
        tags,
        summary: 'Dismiss an alert, saying why',
        params: byAlert,
        body: dismissBody,
        response: { 200: alertDetail },
      },
    },
    (req) => alerts.dismiss(req.ctx, req.params.org, req.params.id, req.body.reason),
  );
  r.post(
    '/api/v1/orgs/:org/alerts/:id/escalate',
    {
      config: manage,
      schema: {
        tags,
        summary: 'Turn an alert into an incident',
        description:
          "Records a new incident from an open or acknowledged alert (its title, summary and event time; the alert's audit events cited; its delivery entered as who would have known when) and marks the alert escalated, naming the incident, in one transaction. Needs incidents.manage too.",
        params: byAlert,
        body: escalateBody,
        response: { 201: escalation },
      },
    },
    async (req, reply) => {
      const { org, id } = req.params;
      const incident = await incidents.fromAlert(req.ctx, org, id, req.body ?? {});
      const alert = await alerts.get(req.ctx, org, id);
      return reply.code(201).send({ alert, incident: { id: incident.id, title: incident.title } });
    },
  );
}
