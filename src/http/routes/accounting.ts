/**
 * @module http/routes/accounting
 * Accounting of access: a project's subject keys (declare, list with the last day's uncovered
 * tables, remove), who read an individual's rows (JSON, or the CSV/PDF report), and which of an
 * org's candidates a person's statements reached. Identifiers travel only in request bodies.
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  type AccessAccounting,
  accountingCsv,
  accountingPdf,
  type SubjectService,
  accountingSchemas as s,
} from '../../accounting/index.js';
import { projectId } from '../../projects/index.js';

const tags = ['accounting'];
/** A roster of a million candidates is about 40 MB of JSON. */
const ROSTER_LIMIT = 64 << 20;

export function accountingRoutes(
  app: FastifyInstance,
  deps: { subjects: SubjectService; accesses: AccessAccounting },
) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const byProject = z.object({ id: projectId });
  r.get(
    '/api/v1/projects/:id/subject-keys',
    {
      config: { permission: 'subjects.read' },
      schema: {
        tags,
        summary:
          "The project's subject keys, and the tables that statements of the last day touched without one",
        params: byProject,
        response: { 200: s.subjectKeysView },
      },
    },
    (req) => deps.subjects.list(req.ctx, req.params.id),
  );
  r.post(
    '/api/v1/projects/:id/subject-keys',
    {
      config: { permission: 'subjects.manage' },
      schema: {
        tags,
        summary: "Declare a column that identifies an individual (checked against the project's catalog)",
        params: byProject,
        body: s.addSubjectKeyBody,
        response: { 201: s.subjectKeyView },
      },
    },
    async (req, reply) => reply.code(201).send(await deps.subjects.add(req.ctx, req.params.id, req.body)),
  );
  r.delete(
    '/api/v1/projects/:id/subject-keys/:key',
    {
      config: { permission: 'subjects.manage' },
      schema: {
        tags,
        summary: 'Remove a subject key (statements from now on are no longer matched on it)',
        params: z.object({ id: projectId, key: s.subjectKeyId }),
        response: { 204: z.null() },
      },
    },
    async (req, reply) => {
      await deps.subjects.remove(req.ctx, req.params.id, req.params.key);
      return reply.code(204).send(null);
    },
  );
  r.post(
    '/api/v1/projects/:id/accesses/who-read',
    {
      config: { permission: 'access.accounting.read' },
      schema: {
        tags,
        summary:
          "Every access to an individual's rows: returned in a declared column or named in a statement's predicate",
        params: byProject,
        body: s.whoReadBody,
        response: { 200: s.whoReadView },
      },
    },
    (req) => deps.accesses.whoRead(req.ctx, req.params.id, req.body),
  );
  r.post(
    '/api/v1/projects/:id/accesses/who-read/report',
    {
      config: { permission: 'access.accounting.read' },
      schema: {
        tags,
        summary: 'The accounting of access for one individual as a CSV or PDF file',
        params: byProject,
        body: s.whoReadReportBody,
      },
    },
    async (req, reply) => {
      const view = await deps.accesses.whoRead(req.ctx, req.params.id, req.body);
      const name = `accounting-${view.project}-${view.since.slice(0, 10)}`.replace(/[^\w.-]/g, '_');
      if (req.body.format === 'csv')
        return reply
          .type('text/csv; charset=utf-8')
          .header('content-disposition', `attachment; filename="${name}.csv"`)
          .send(accountingCsv(view));
      return reply
        .type('application/pdf')
        .header('content-disposition', `attachment; filename="${name}.pdf"`)
        .send(await accountingPdf(view, req.body.subject, view.org));
    },
  );
  r.post(
    '/api/v1/projects/:id/accesses/subjects',
    {
      config: { permission: 'access.accounting.read' },
      bodyLimit: ROSTER_LIMIT,
      schema: {
        tags,
        summary:
          "The distinct individuals a person's statements reached in a window, from the org's candidates, counted per State",
        params: byProject,
        body: s.subjectsReachedBody,
        response: { 200: s.subjectsReachedView },
      },
    },
    (req) => deps.accesses.subjectsReached(req.ctx, req.params.id, req.body),
  );
}
