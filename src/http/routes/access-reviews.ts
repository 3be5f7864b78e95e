/**
 * @module http/routes/access-reviews
 * Access reviews: start, read, keep or revoke each entry, complete (sealed as evidence).
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { accountId, decisionBody, type ReviewService, reviewView } from '../../access/index.js';
import { orgRef } from '../../orgs/index.js';

const id = z.string().regex(/^rev_[a-z2-7]{16}$/, 'a review id looks like rev_ followed by 16 characters');

export function accessReviewRoutes(app: FastifyInstance, reviews: ReviewService) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['access'];
  const base = '/api/v1/orgs/:org/access-reviews';
  const byOrg = z.object({ org: orgRef });
  const one = z.object({ org: orgRef, id });
  const manage = { permission: 'review.manage' as const };
  r.post(
    base,
    {
      config: manage,
      schema: {
        tags,
        summary: 'Start an access review (owner)',
        params: byOrg,
        response: { 201: reviewView },
      },
    },
    async (req, reply) => reply.code(201).send(await reviews.start(req.ctx, req.params.org)),
  );
  r.get(
    base,
    {
      config: { permission: 'review.read' },
      schema: {
        tags,
        params: byOrg,
        response: { 200: z.object({ reviews: z.array(reviewView.omit({ items: true })) }) },
      },
    },
    async (req) => ({
      reviews: await reviews.list(req.ctx, req.params.org),
    }),
  );
  r.get(
    `${base}/:id`,
    { config: { permission: 'review.read' }, schema: { tags, params: one, response: { 200: reviewView } } },
    (req) => reviews.get(req.ctx, req.params.org, req.params.id),
  );
  r.post(
    `${base}/:id/items/:subject`,
    {
      config: manage,
      schema: {
        tags,
        summary: 'Keep or revoke one entry (revoking removes them at once)',
        params: one.extend({ subject: accountId }),
        body: decisionBody,
        response: { 200: reviewView },
      },
    },
    (req) => reviews.decide(req.ctx, req.params.org, req.params.id, req.params.subject, req.body),
  );
  r.post(
    `${base}/:id/complete`,
    {
      config: manage,
      schema: {
        tags,
        summary: 'Complete the review: sealed with its SHA-256 as evidence',
        params: one,
        response: { 200: reviewView },
      },
    },
    (req) => reviews.complete(req.ctx, req.params.org, req.params.id),
  );
}
