/**
 * @module http/routes/incidents
 * Security incidents: create, list, read, change; who knew when; cite audit events and read their
 * inclusion proofs; the risk assessment; law-enforcement holds and their uploaded statements; the
 * obligations with each deadline and its reason. Notices and packets: incident-notices.ts.
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { inclusionProofView } from '../../evidence/index.js';
import { type IncidentParts, incidentSchemas as s, incidentViews as v } from '../../incidents/index.js';
import { orgRef } from '../../orgs/index.js';

export const incidentTags = ['incidents'];
const tags = incidentTags;
export const incidentBase = '/api/v1/orgs/:org/incidents';
const base = incidentBase;

export function incidentRoutes(app: FastifyInstance, parts: IncidentParts) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const { incidents } = parts;
  const byOrg = z.object({ org: orgRef });
  const byId = z.object({ org: orgRef, id: s.incidentId });
  const read = { permission: 'incidents.read' as const };
  const manage = { permission: 'incidents.manage' as const };
  r.post(
    base,
    {
      config: manage,
      schema: {
        tags,
        summary: 'Record a security incident, optionally citing audit events of the org (sources)',
        params: byOrg,
        body: s.createIncidentBody,
        response: { 201: v.incidentView },
      },
    },
    async (req, reply) => reply.code(201).send(await incidents.create(req.ctx, req.params.org, req.body)),
  );
  r.get(
    base,
    {
      config: read,
      schema: {
        tags,
        summary: "The org's incidents, newest first, each with its next deadline",
        params: byOrg,
        response: { 200: z.object({ incidents: z.array(v.incidentSummary) }) },
      },
    },
    async (req) => ({ incidents: await incidents.list(req.ctx, req.params.org) }),
  );
  r.get(
    `${base}/:id`,
    {
      config: read,
      schema: {
        tags,
        summary: 'An incident: the record, discovery, assessment, holds, obligations, notices, timeline',
        params: byId,
        response: { 200: v.incidentView },
      },
    },
    (req) => incidents.get(req.ctx, req.params.org, req.params.id),
  );
  r.patch(
    `${base}/:id`,
    {
      config: manage,
      schema: {
        tags,
        summary: "Change an incident's details, owner, status, role or affected counts (on its timeline)",
        params: byId,
        body: s.updateIncidentBody,
        response: { 200: v.incidentView },
      },
    },
    (req) => incidents.update(req.ctx, req.params.org, req.params.id, req.body),
  );
  r.post(
    `${base}/:id/affected/from-access`,
    {
      config: manage,
      schema: {
        tags,
        summary: "Count an incident's affected individuals per State from the accounting of access",
        description:
          "Which of the org's candidates (its roster: identifier and State) a person's statements reached in a window of one project become the incident's affected counts per State (a candidate with no State counts as 'unknown'); the identifiers are not kept. The read is audited as accounting.subjects.reached and the change as incident.affected.count. Needs access.accounting.read too.",
        params: byId,
        body: s.affectedFromAccessBody,
        response: { 200: v.incidentView },
      },
    },
    (req) => parts.affected.fromAccess(req.ctx, req.params.org, req.params.id, req.body),
  );
  r.post(
    `${base}/:id/knowledge`,
    {
      config: manage,
      schema: {
        tags,
        summary: 'Record who knew of the breach when (164.404(a)(2)); the discovery date is derived',
        params: byId,
        body: s.knowledgeBody,
        response: { 200: v.incidentView },
      },
    },
    (req) => incidents.addKnowledge(req.ctx, req.params.org, req.params.id, req.body),
  );
  r.post(
    `${base}/:id/events`,
    {
      config: manage,
      schema: {
        tags,
        summary: "Cite audit events of the org's chain",
        params: byId,
        body: s.linkBody,
        response: { 200: v.incidentView },
      },
    },
    (req) => incidents.link(req.ctx, req.params.org, req.params.id, req.body.audit_events),
  );
  r.get(
    `${base}/:id/events/:event/proof`,
    {
      config: read,
      schema: {
        tags,
        summary: 'The inclusion proof of a cited audit event against a signed checkpoint',
        params: z.object({ org: orgRef, id: s.incidentId, event: s.eventId }),
        response: { 200: inclusionProofView },
      },
    },
    (req) => incidents.proof(req.ctx, req.params.org, req.params.id, req.params.event),
  );
  r.put(
    `${base}/:id/assessment`,
    {
      config: manage,
      schema: {
        tags,
        summary: 'Record the 164.402 risk assessment: four factors, exclusions, secured or not',
        params: byId,
        body: s.assessmentBody,
        response: { 200: v.incidentView },
      },
    },
    (req) => incidents.assess(req.ctx, req.params.org, req.params.id, req.body),
  );
  r.post(
    `${base}/:id/holds`,
    {
      config: manage,
      bodyLimit: 15 * 1024 * 1024,
      schema: {
        tags,
        summary:
          'Record a law-enforcement statement (164.412): written (period and letter) or oral (the official identified, 30 days at most)',
        params: byId,
        body: s.holdBody,
        response: { 200: v.incidentView },
      },
    },
    (req) => incidents.addHold(req.ctx, req.params.org, req.params.id, req.body),
  );
  r.get(
    `${base}/:id/holds/:hold/document`,
    {
      config: read,
      schema: {
        tags,
        summary: 'An uploaded law-enforcement statement (x-ward-sha256 carries its SHA-256)',
        params: z.object({ org: orgRef, id: s.incidentId, hold: s.holdId }),
      },
    },
    async (req, reply) => {
      const d = await incidents.holdDocument(req.ctx, req.params.org, req.params.id, req.params.hold);
      return reply
        .type(d.content_type)
        .header('x-ward-sha256', d.sha256)
        .header('content-disposition', `attachment; filename="${d.file_name.replace(/[^\w.\- ]/g, '_')}"`)
        .send(d.content);
    },
  );
  r.get(
    `${base}/:id/obligations`,
    {
      config: read,
      schema: {
        tags,
        summary:
          'Every notice the Breach Notification Rule requires, with its recipient, deadline and reason',
        params: byId,
        response: {
          200: z.object({
            incident_id: z.string(),
            today: z.string(),
            discovered_on: z.string().nullable(),
            discovery_reason: z.string(),
            determination: z.enum(['breach', 'not_a_breach']),
            determination_reason: z.string(),
            hold: z.object({ until: z.string().nullable(), reason: z.string() }),
            affected_total: z.number(),
            obligations: z.array(v.obligationView),
          }),
        },
      },
    },
    (req) => incidents.obligations(req.ctx, req.params.org, req.params.id),
  );
}
