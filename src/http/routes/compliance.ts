/**
 * @module http/routes/compliance
 * The compliance center: an org's posture (scores, history, every control with its evidence),
 * attesting a control with a document, recording a decision on an addressable specification,
 * and reading an attested document back.
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { attestBody, type ComplianceService, complianceView, decideBody } from '../../compliance/index.js';
import { orgRef } from '../../orgs/index.js';

const tags = ['compliance'];

export function complianceRoutes(app: FastifyInstance, compliance: ComplianceService) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const byOrg = z.object({ org: orgRef });
  r.get(
    '/api/v1/orgs/:org/compliance',
    {
      config: { permission: 'compliance.read' },
      schema: {
        tags,
        summary:
          "The org's HIPAA posture, checked now: both scores, 90 days of history, every control with its state and evidence",
        params: byOrg,
        response: { 200: complianceView },
      },
    },
    (req) => compliance.status(req.ctx, req.params.org),
  );
  r.post(
    '/api/v1/orgs/:org/compliance/attestations',
    {
      config: { permission: 'compliance.manage' },
      bodyLimit: 15 * 1024 * 1024,
      schema: {
        tags,
        summary: 'Attest a control Ward cannot see: upload the document (kept encrypted) and its review date',
        params: byOrg,
        body: attestBody,
        response: {
          201: z.object({
            id: z.string(),
            control: z.string(),
            sha256: z.string(),
            size_bytes: z.number(),
            review_by: z.string(),
          }),
        },
      },
    },
    async (req, reply) => reply.code(201).send(await compliance.attest(req.ctx, req.params.org, req.body)),
  );
  r.get(
    '/api/v1/orgs/:org/compliance/attestations/:id',
    {
      config: { permission: 'compliance.read' },
      schema: {
        tags,
        summary: 'An attested document, as uploaded (header x-ward-sha256 carries its recorded SHA-256)',
        params: z.object({
          org: orgRef,
          id: z.string().regex(/^att_[a-z0-9]+$/, 'an attestation id (att_…)'),
        }),
      },
    },
    async (req, reply) => {
      const d = await compliance.document(req.ctx, req.params.org, req.params.id);
      return reply
        .type(d.content_type)
        .header('x-ward-sha256', d.sha256)
        .header('content-disposition', `attachment; filename="${d.file_name.replace(/[^\w.\- ]/g, '_')}"`)
        .send(d.content);
    },
  );
  r.post(
    '/api/v1/orgs/:org/compliance/decisions',
    {
      config: { permission: 'compliance.manage' },
      schema: {
        tags,
        summary:
          'Record a 164.306(d)(3) decision on an addressable specification (or that a conditional one does not apply); it expires after 12 months',
        params: byOrg,
        body: decideBody,
        response: {
          201: z.object({
            id: z.string(),
            control: z.string(),
            decision: z.string(),
            expires_at: z.string(),
          }),
        },
      },
    },
    async (req, reply) => reply.code(201).send(await compliance.decide(req.ctx, req.params.org, req.body)),
  );
}
