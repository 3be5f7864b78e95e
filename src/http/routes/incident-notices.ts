/**
 * @module http/routes/incident-notices
 * An incident's notices (draft, change, mark sent, the letter as PDF) and its signed evidence
 * packets (issue, then the signed JSON and the PDF of the same packet).
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { type IncidentParts, incidentSchemas as s, incidentViews as v } from '../../incidents/index.js';
import { orgRef } from '../../orgs/index.js';
import { incidentBase as base, incidentTags as tags } from './incidents.js';

const sendPdf = (reply: FastifyReply, r: { fileName: string; pdf: Buffer }) =>
  reply
    .type('application/pdf')
    .header('content-disposition', `attachment; filename="${r.fileName.replace(/[^\w.-]/g, '_')}"`)
    .send(r.pdf);

export function incidentNoticeRoutes(app: FastifyInstance, parts: IncidentParts) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const { notices, packets } = parts;
  const byId = z.object({ org: orgRef, id: s.incidentId });
  const byNotice = z.object({ org: orgRef, id: s.incidentId, notice: s.noticeId });
  const byPacket = z.object({ org: orgRef, id: s.incidentId, packet: s.packetId });
  const read = { permission: 'incidents.read' as const };
  const manage = { permission: 'incidents.manage' as const };
  r.post(
    `${base}/:id/notices`,
    {
      config: manage,
      schema: {
        tags,
        summary:
          'Draft a notice (individual, substitute, next of kin, media, Secretary, covered entity); a schedule later than it could be sent needs delay_reason',
        params: byId,
        body: s.noticeBody,
        response: { 201: v.noticeView },
      },
    },
    async (req, reply) =>
      reply.code(201).send(await notices.draft(req.ctx, req.params.org, req.params.id, req.body)),
  );
  r.patch(
    `${base}/:id/notices/:notice`,
    {
      config: manage,
      schema: {
        tags,
        summary: "Change a draft notice's content, recipient or schedule",
        params: byNotice,
        body: s.noticeUpdateBody,
        response: { 200: v.noticeView },
      },
    },
    (req) => notices.update(req.ctx, req.params.org, req.params.id, req.params.notice, req.body),
  );
  r.post(
    `${base}/:id/notices/:notice/sent`,
    {
      config: manage,
      schema: {
        tags,
        summary:
          'Mark a notice sent, with when and how; refused while required content is missing or a hold is in force',
        params: byNotice,
        body: s.sentBody,
        response: { 200: v.noticeView },
      },
    },
    (req) => notices.markSent(req.ctx, req.params.org, req.params.id, req.params.notice, req.body),
  );
  r.get(
    `${base}/:id/notices/:notice.pdf`,
    { config: read, schema: { tags, summary: 'A notice as a PDF letter', params: byNotice } },
    async (req, reply) =>
      sendPdf(reply, await notices.pdf(req.ctx, req.params.org, req.params.id, req.params.notice)),
  );
  r.post(
    `${base}/:id/packets`,
    {
      config: manage,
      schema: {
        tags,
        summary:
          "Issue a signed evidence packet (164.414): the record, every notice, holds' hashes, inclusion proofs",
        params: byId,
        response: { 201: v.packetSummary },
      },
    },
    async (req, reply) => reply.code(201).send(await packets.issue(req.ctx, req.params.org, req.params.id)),
  );
  r.get(
    `${base}/:id/packets/:packet.json`,
    {
      config: read,
      schema: {
        tags,
        summary:
          "An evidence packet as signed JSON: the canonical document, its signature and Ward's public key",
        params: byPacket,
        response: { 200: v.signedPacketView },
      },
    },
    (req) => packets.file(req.ctx, req.params.org, req.params.id, req.params.packet),
  );
  r.get(
    `${base}/:id/packets/:packet.pdf`,
    { config: read, schema: { tags, summary: 'An evidence packet as a PDF', params: byPacket } },
    async (req, reply) =>
      sendPdf(reply, await packets.pdf(req.ctx, req.params.org, req.params.id, req.params.packet)),
  );
}
