/**
 * @module http/routes/audit
 * The audit log: list with filters, one event, its inclusion proof, verification, export, and
 * the public key that checks checkpoints offline. Org chains under /orgs/{org}, the operator's
 * chain under /operator.
 */
import { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AuditAccess, AuditReader } from '../../audit/index.js';
import {
  auditEventList,
  auditEventView,
  auditEventId as eventId,
  exportQuery,
  inclusionProofView,
  listAuditQuery,
  OPERATOR_CHAIN,
  verifyBody,
  verifyReportView,
} from '../../evidence/index.js';
import type { Signer } from '../../lib/signing.js';
import { orgRef } from '../../orgs/index.js';

export function auditRoutes(
  app: FastifyInstance,
  deps: { reader: AuditReader; access: AuditAccess; signer: Signer },
) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const { reader, access, signer } = deps;

  r.get(
    '/api/v1/audit/public-key',
    {
      config: { public: true },
      schema: {
        tags: ['audit'],
        summary: 'The Ed25519 key that signs checkpoints',
        response: {
          200: z.object({ algorithm: z.literal('Ed25519'), key_id: z.string(), public_key: z.string() }),
        },
      },
    },
    async () => ({ algorithm: 'Ed25519' as const, key_id: signer.keyId, public_key: signer.publicKeyPem }),
  );

  // The same calls for an org's chain and for the operator's.
  for (const scope of ['org', 'operator'] as const) {
    const base = scope === 'org' ? '/api/v1/orgs/:org/audit-events' : '/api/v1/operator/audit-events';
    const params = scope === 'org' ? z.object({ org: orgRef }) : z.object({});
    const withId = scope === 'org' ? z.object({ org: orgRef, id: eventId }) : z.object({ id: eventId });
    const chainOf = (req: { ctx: Parameters<AuditAccess['chainFor']>[0]; params: unknown }) =>
      access.chainFor(req.ctx, scope === 'org' ? (req.params as { org: string }).org : OPERATOR_CHAIN);
    const tags = ['audit'];
    const config = { permission: scope === 'org' ? ('audit.read' as const) : ('audit.operator' as const) };

    r.get(
      base,
      {
        config,
        schema: {
          tags,
          summary: 'Audit events, newest first',
          params,
          querystring: listAuditQuery,
          response: { 200: auditEventList },
        },
      },
      async (req) => reader.list(await chainOf(req), req.query),
    );
    r.get(
      `${base}/verify`,
      {
        config,
        schema: {
          tags,
          summary: 'Recompute the chain and its checkpoints',
          params,
          response: { 200: verifyReportView },
        },
      },
      async (req) => reader.verify(await chainOf(req)),
    );
    r.post(
      `${base}/verify`,
      {
        config,
        schema: {
          tags,
          summary: 'Verify against checkpoints held elsewhere (rollback and fork detection)',
          params,
          body: verifyBody,
          response: { 200: verifyReportView },
        },
      },
      async (req) => reader.verify(await chainOf(req), req.body.checkpoints),
    );
    r.get(
      `${base}/export`,
      {
        config,
        schema: {
          tags,
          summary: 'The chain as JSON lines with its signed checkpoints',
          params,
          querystring: exportQuery,
        },
      },
      async (req, reply) => {
        const chain = await chainOf(req);
        const upTo = await reader.startExport(req.ctx, chain, req.query.format);
        const lines = reader.exportLines(chain, req.query.format, upTo);
        reply
          .type('application/x-ndjson')
          .header('content-disposition', `attachment; filename="${chain}-audit-${req.query.format}.jsonl"`);
        // Blocks of lines (about 64 KiB each), written as the client takes them (pipe's backpressure).
        return reply.send(Readable.from(lines));
      },
    );
    r.get(
      `${base}/:id`,
      { config, schema: { tags, params: withId, response: { 200: auditEventView } } },
      async (req) => reader.get(await chainOf(req), req.params.id),
    );
    r.get(
      `${base}/:id/proof`,
      {
        config,
        schema: {
          tags,
          summary: 'Inclusion proof against a signed checkpoint',
          params: withId,
          response: { 200: inclusionProofView },
        },
      },
      async (req) => reader.prove(await chainOf(req), req.params.id),
    );
  }
}
