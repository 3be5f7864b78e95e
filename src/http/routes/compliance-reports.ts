/**
 * @module http/routes/compliance-reports
 * Signed compliance reports: issue one (POST …/reports), list them, read one as its signed JSON
 * or its PDF, both of the same report. `GET …/compliance/report.pdf` and `report.json` issue a
 * fresh report and answer with it in one call (the id is in `x-ward-report-id`).
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { type ReportService, reportId, reportSummary, signedReportView } from '../../compliance/index.js';
import { orgRef } from '../../orgs/index.js';

const tags = ['compliance'];

const sendPdf = (reply: FastifyReply, r: { id: string; fileName: string; pdf: Buffer }) =>
  reply
    .type('application/pdf')
    .header('x-ward-report-id', r.id)
    .header('content-disposition', `attachment; filename="${r.fileName.replace(/[^\w.-]/g, '_')}"`)
    .send(r.pdf);

export function complianceReportRoutes(app: FastifyInstance, reports: ReportService) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const byOrg = z.object({ org: orgRef });
  const byId = z.object({ org: orgRef, id: reportId });
  const permission = { permission: 'compliance.read' as const };
  r.post(
    '/api/v1/orgs/:org/compliance/reports',
    {
      config: permission,
      schema: {
        tags,
        summary:
          "Issue a signed compliance report: every control checked now, signed with Ward's key; fetch its PDF and JSON by id",
        params: byOrg,
        response: { 201: reportSummary },
      },
    },
    async (req, reply) => reply.code(201).send(await reports.issue(req.ctx, req.params.org)),
  );
  r.get(
    '/api/v1/orgs/:org/compliance/reports',
    {
      config: permission,
      schema: {
        tags,
        summary: "The org's issued compliance reports, newest first",
        params: byOrg,
        response: { 200: z.object({ reports: z.array(reportSummary) }) },
      },
    },
    async (req) => ({ reports: await reports.list(req.ctx, req.params.org) }),
  );
  r.get(
    '/api/v1/orgs/:org/compliance/reports/:id.pdf',
    {
      config: permission,
      schema: { tags, summary: 'An issued compliance report as a PDF', params: byId },
    },
    async (req, reply) => sendPdf(reply, await reports.pdf(req.ctx, req.params.org, req.params.id)),
  );
  r.get(
    '/api/v1/orgs/:org/compliance/reports/:id.json',
    {
      config: permission,
      schema: {
        tags,
        summary:
          "An issued compliance report as signed JSON: the canonical document, its Ed25519 signature and Ward's public key",
        params: byId,
        response: { 200: signedReportView },
      },
    },
    (req) => reports.file(req.ctx, req.params.org, req.params.id),
  );
  r.get(
    '/api/v1/orgs/:org/compliance/report.pdf',
    {
      // Each GET issues a report: a HEAD must not.
      exposeHeadRoute: false,
      config: permission,
      schema: {
        tags,
        summary: 'Issue a signed compliance report and download its PDF (the id is in x-ward-report-id)',
        params: byOrg,
      },
    },
    async (req, reply) => sendPdf(reply, await reports.issuePdf(req.ctx, req.params.org)),
  );
  r.get(
    '/api/v1/orgs/:org/compliance/report.json',
    {
      // Each GET issues a report: a HEAD must not.
      exposeHeadRoute: false,
      config: permission,
      schema: {
        tags,
        summary: 'Issue a signed compliance report and answer with its signed JSON',
        params: byOrg,
        response: { 200: signedReportView },
      },
    },
    (req) => reports.issueFile(req.ctx, req.params.org),
  );
}
