/**
 * @module http/routes/public-trust
 * What an org publishes, served without sign-in once an owner turns it on: its HIPAA badge (SVG,
 * embeddable anywhere), its trust page (HTML under a CSP that allows nothing but its own style)
 * and the page's JSON. Each answers from stored state only, is cached briefly, and answers the
 * same 404 for an org that publishes nothing as for one that does not exist.
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  type PublicityService,
  publicitySchemas,
  publicPaths,
  renderTrustPage,
  TRUST_PAGE_CSP,
} from '../../compliance/index.js';

const tags = ['public'];
/** Long enough to spare the database a page embedded in a busy README; short enough to follow a change. */
const CACHE = 'public, max-age=300';
/** Generous for people and image proxies, a ceiling for scrapers. */
const rateLimit = { max: 600, timeWindow: '1 minute' };

export function publicTrustRoutes(app: FastifyInstance, publicity: PublicityService) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const params = z.object({ org: publicitySchemas.publicOrgId });
  r.get(
    '/badge/:org.svg',
    {
      config: { public: true, rateLimit },
      schema: {
        tags,
        summary: "An org's HIPAA badge (SVG), when its owner turned it on",
        security: [],
        params,
      },
    },
    async (req, reply) =>
      reply
        .type('image/svg+xml; charset=utf-8')
        .header('cache-control', CACHE)
        .header('content-security-policy', "default-src 'none'")
        // Other sites embed the badge: their pages may load it.
        .header('cross-origin-resource-policy', 'cross-origin')
        .send(await publicity.badge(req.params.org)),
  );
  r.get(
    '/trust/:org',
    {
      config: { public: true, rateLimit },
      schema: {
        tags,
        summary: "An org's public trust page (HTML), when its owner turned it on",
        security: [],
        params,
      },
    },
    async (req, reply) => {
      const view = await publicity.trust(req.params.org);
      return reply
        .type('text/html; charset=utf-8')
        .header('cache-control', CACHE)
        .header('content-security-policy', TRUST_PAGE_CSP)
        .send(renderTrustPage(view, publicPaths(view.org_id).trust_json_path));
    },
  );
  r.get(
    '/api/v1/public/trust/:org',
    {
      config: { public: true, rateLimit },
      schema: {
        tags,
        summary: "An org's public trust page as JSON, when its owner turned it on",
        security: [],
        params,
        response: { 200: publicitySchemas.trustView },
      },
    },
    async (req, reply) => {
      const view = await publicity.trust(req.params.org);
      return reply
        .header('cache-control', CACHE)
        .header('access-control-allow-origin', '*')
        .header('cross-origin-resource-policy', 'cross-origin')
        .send(view);
    },
  );
}
