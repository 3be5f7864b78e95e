/**
 * @module http/routes/certificates
 * Certificates of destruction of an org's HIPAA projects: list, one (JSON with its signature and
 * Ward's public key), PDF. `{id}` is the certificate id or the destroyed project's id.
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  type CertificateService,
  certificateRef,
  certificateSummary,
  certificateView,
} from '../../certificates/index.js';
import { orgRef } from '../../orgs/index.js';

const tags = ['certificates'];

export function certificateRoutes(app: FastifyInstance, certificates: CertificateService) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const byOrg = z.object({ org: orgRef });
  const byId = z.object({ org: orgRef, id: certificateRef });
  r.get(
    '/api/v1/orgs/:org/certificates',
    {
      config: { permission: 'hipaa.read' },
      schema: {
        tags,
        summary: 'Certificates of destruction of deleted HIPAA projects',
        params: byOrg,
        response: { 200: z.object({ certificates: z.array(certificateSummary) }) },
      },
    },
    async (req) => ({ certificates: await certificates.list(req.ctx, req.params.org) }),
  );
  r.get(
    '/api/v1/orgs/:org/certificates/:id.pdf',
    {
      config: { permission: 'hipaa.read' },
      schema: { tags, summary: 'A certificate of destruction as a PDF', params: byId },
    },
    async (req, reply) => {
      const { id, pdf } = await certificates.pdf(req.ctx, req.params.org, req.params.id);
      return reply
        .type('application/pdf')
        .header('content-disposition', `attachment; filename="certificate-of-destruction-${id}.pdf"`)
        .send(pdf);
    },
  );
  r.get(
    '/api/v1/orgs/:org/certificates/:id',
    {
      config: { permission: 'hipaa.read' },
      schema: {
        tags,
        summary:
          'A certificate of destruction: the signed document, its Ed25519 signature and the public key',
        params: byId,
        response: { 200: certificateView },
      },
    },
    (req) => certificates.get(req.ctx, req.params.org, req.params.id),
  );
}
