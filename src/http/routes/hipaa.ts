/**
 * @module http/routes/hipaa
 * HIPAA enablement: the org's HIPAA state and switch, and the BAA (render, sign, countersign,
 * read, PDF). `{org}` is the org's id or name.
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  type BaaService,
  baaDocumentView,
  baaPdf,
  baaView,
  countersignBaaBody,
  type HipaaService,
  hipaaView,
  pendingBaaView,
  setHipaaBody,
  signBaaBody,
} from '../../hipaa/index.js';
import { orgRef } from '../../orgs/index.js';

const params = z.object({ org: orgRef });
const tags = ['hipaa'];

export function hipaaRoutes(app: FastifyInstance, deps: { hipaa: HipaaService; baa: BaaService }) {
  const { hipaa, baa } = deps;
  const r = app.withTypeProvider<ZodTypeProvider>();
  r.get(
    '/api/v1/orgs/:org/hipaa',
    {
      config: { permission: 'hipaa.read' },
      schema: {
        tags,
        summary: 'HIPAA state: plan, BAA, HIPAA projects, next step',
        params,
        response: { 200: hipaaView },
      },
    },
    (req) => hipaa.status(req.ctx, req.params.org),
  );
  r.put(
    '/api/v1/orgs/:org/hipaa',
    {
      config: { permission: 'hipaa.manage' },
      schema: {
        tags,
        summary: 'Enable HIPAA (needs an executed BAA) or turn it off (409 while HIPAA projects exist)',
        params,
        body: setHipaaBody,
        response: { 200: hipaaView },
      },
    },
    (req) => hipaa.set(req.ctx, req.params.org, req.body.enabled),
  );
  r.post(
    '/api/v1/orgs/:org/baa',
    {
      config: { permission: 'baa.request' },
      schema: {
        tags,
        summary: 'Render the BAA for the org (enterprise plan): its text and SHA-256, to read and sign',
        params,
        response: { 200: baaDocumentView },
      },
    },
    (req) => baa.request(req.ctx, req.params.org),
  );
  r.get(
    '/api/v1/orgs/:org/baa',
    {
      config: { permission: 'hipaa.read' },
      schema: {
        tags,
        summary: 'The BAA waiting for countersignature, or the one in force',
        params,
        response: { 200: baaView },
      },
    },
    (req) => baa.get(req.ctx, req.params.org),
  );
  r.get(
    '/api/v1/orgs/:org/baa.pdf',
    {
      config: { permission: 'hipaa.read' },
      schema: {
        tags,
        summary: 'The executed BAA as a PDF, with both signature blocks and its SHA-256',
        params,
      },
    },
    async (req, reply) => {
      const { org, baa: executed } = await baa.executed(req.ctx, req.params.org);
      return reply
        .type('application/pdf')
        .header('content-disposition', `attachment; filename="baa-${org.name}-${executed.id}.pdf"`)
        .send(await baaPdf(executed));
    },
  );
  r.post(
    '/api/v1/orgs/:org/baa/sign',
    {
      config: { permission: 'baa.sign' },
      schema: {
        tags,
        summary: 'Sign the BAA (owner): its SHA-256, your name and title, and "accept": true',
        params,
        body: signBaaBody,
        response: { 201: baaView },
      },
    },
    async (req, reply) => reply.code(201).send(await baa.sign(req.ctx, req.params.org, req.body)),
  );
  r.post(
    '/api/v1/orgs/:org/baa/countersign',
    {
      config: { permission: 'baa.countersign' },
      schema: {
        tags,
        summary: 'Countersign the signed BAA (operator): it is executed and HIPAA is enabled',
        params,
        body: countersignBaaBody,
        response: { 200: baaView },
      },
    },
    (req) => baa.countersign(req.ctx, req.params.org, req.body),
  );
  r.get(
    '/api/v1/baas/pending',
    {
      config: { permission: 'baa.countersign' },
      schema: {
        tags,
        summary: 'BAAs waiting for the operator’s countersignature (operator)',
        response: { 200: z.object({ baas: z.array(pendingBaaView) }) },
      },
    },
    async (req) => ({ baas: await baa.pending(req.ctx) }),
  );
}
