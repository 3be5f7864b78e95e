/**
 * @module http/routes/audit-witnesses
 * Witnesses of an org's audit log: register, list with the cosigning status, remove, set the
 * quorum, and the log's verifier key a witness is configured with.
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  type AuditAccess,
  addWitnessBody,
  logKeyView,
  quorumBody,
  type WitnessService,
  witnessStatusView,
  witnessView,
} from '../../audit/index.js';
import { orgRef } from '../../orgs/index.js';

const witnessId = z
  .string()
  .regex(/^wit_[a-z2-7]{16}$/, 'a witness id looks like wit_ followed by 16 characters');

export function auditWitnessRoutes(
  app: FastifyInstance,
  deps: { witnesses: WitnessService; access: AuditAccess },
) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const { witnesses, access } = deps;
  const params = z.object({ org: orgRef });
  const withId = z.object({ org: orgRef, id: witnessId });
  const tags = ['audit'];
  r.get(
    '/api/v1/orgs/:org/audit-witnesses',
    {
      config: { permission: 'audit.sinks.read' },
      schema: {
        tags,
        summary: 'Witnesses, the quorum, and the newest checkpoint a quorum cosigned',
        params,
        response: { 200: witnessStatusView },
      },
    },
    async (req) => witnesses.status(await access.chainFor(req.ctx, req.params.org, 'read')),
  );
  r.get(
    '/api/v1/orgs/:org/audit-witnesses/log-key',
    {
      config: { permission: 'audit.sinks.read' },
      schema: {
        tags,
        summary: "The log's origin and verifier key, for a witness to trust",
        params,
        response: { 200: logKeyView },
      },
    },
    async (req) => witnesses.logKey(await access.chainFor(req.ctx, req.params.org, 'read')),
  );
  r.post(
    '/api/v1/orgs/:org/audit-witnesses',
    {
      config: { permission: 'audit.configure' },
      schema: {
        tags,
        summary: 'Register a witness by its URL and public key (vkey)',
        params,
        body: addWitnessBody,
        response: { 201: witnessView },
      },
    },
    async (req, reply) =>
      reply
        .code(201)
        .send(
          await witnesses.add(req.ctx, await access.chainFor(req.ctx, req.params.org, 'admin'), req.body),
        ),
  );
  r.put(
    '/api/v1/orgs/:org/audit-witnesses/quorum',
    {
      config: { permission: 'audit.configure' },
      schema: {
        tags,
        summary: 'How many witnesses must cosign a checkpoint',
        params,
        body: quorumBody,
        response: { 200: witnessStatusView },
      },
    },
    async (req) =>
      witnesses.setQuorum(req.ctx, await access.chainFor(req.ctx, req.params.org, 'admin'), req.body.quorum),
  );
  r.delete(
    '/api/v1/orgs/:org/audit-witnesses/:id',
    {
      config: { permission: 'audit.configure' },
      schema: { tags, summary: 'Remove a witness (its cosignatures stay as evidence)', params: withId },
    },
    async (req, reply) => {
      await witnesses.remove(req.ctx, await access.chainFor(req.ctx, req.params.org, 'admin'), req.params.id);
      return reply.code(204).send();
    },
  );
}
