/**
 * @module http/routes/backups
 * Backups of a project, restores into new projects, repository verification, restore drills,
 * operations (progress of long work) and the org's backup policy.
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  type BackupsEdge,
  backupList,
  createBackupBody,
  operationId,
  operationView,
  policyBody,
  policyView,
  restoreBody,
} from '../../backups/index.js';
import { orgRef } from '../../orgs/index.js';
import { projectId } from '../../projects/index.js';

export function backupRoutes(app: FastifyInstance, deps: BackupsEdge) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const byId = z.object({ id: projectId });
  const started = { 202: operationView };
  r.get(
    '/api/v1/projects/:id/backups',
    {
      config: { permission: 'backup.read' },
      schema: {
        tags: ['backups'],
        summary: "A project's backups, its backup policy, last restore drill and recent operations",
        params: byId,
        response: { 200: backupList },
      },
    },
    (req) => deps.backups.list(req.ctx, req.params.id),
  );
  r.post(
    '/api/v1/projects/:id/backups',
    {
      config: { permission: 'backup.create' },
      schema: {
        tags: ['backups'],
        summary: 'Take a backup now (full unless {"type": "diff"} or "incr"); returns the operation',
        params: byId,
        body: createBackupBody,
        response: started,
      },
    },
    async (req, reply) =>
      reply.code(202).send(await deps.backups.create(req.ctx, req.params.id, req.body?.type)),
  );
  r.post(
    '/api/v1/projects/:id/backups/verify',
    {
      config: { permission: 'backup.create' },
      schema: {
        tags: ['backups'],
        summary: "Verify every file of the project's backup repository against its checksum",
        params: byId,
        response: started,
      },
    },
    async (req, reply) => reply.code(202).send(await deps.backups.verify(req.ctx, req.params.id)),
  );
  r.post(
    '/api/v1/projects/:id/backups/drill',
    {
      config: { permission: 'backup.create' },
      schema: {
        tags: ['backups'],
        summary: 'Run a restore drill now: restore the latest backup into a scratch cluster and check it',
        params: byId,
        response: started,
      },
    },
    async (req, reply) => reply.code(202).send(await deps.backups.drill(req.ctx, req.params.id)),
  );
  r.post(
    '/api/v1/projects/:id/restore',
    {
      config: { permission: 'backup.restore' },
      schema: {
        tags: ['backups'],
        summary:
          'Restore into a new project: a backup (backup_id), a moment (target_time) or everything archived; returns the operation',
        params: byId,
        body: restoreBody,
        response: started,
      },
    },
    async (req, reply) => reply.code(202).send(await deps.restores.restore(req.ctx, req.params.id, req.body)),
  );
  r.get(
    '/api/v1/operations/:id',
    {
      config: { permission: 'backup.read' },
      schema: {
        tags: ['backups'],
        summary: 'An operation: status, phase, percent, error and result',
        params: z.object({ id: operationId }),
        response: { 200: operationView },
      },
    },
    (req) => deps.backups.operation(req.ctx, req.params.id),
  );
  r.get(
    '/api/v1/orgs/:org/backup-policy',
    {
      config: { permission: 'backup.read' },
      schema: { tags: ['backups'], params: z.object({ org: orgRef }), response: { 200: policyView } },
    },
    (req) => deps.backups.policy(req.ctx, req.params.org),
  );
  r.put(
    '/api/v1/orgs/:org/backup-policy',
    {
      config: { permission: 'backup.configure' },
      schema: {
        tags: ['backups'],
        summary: "Set the org's daily backup time (UTC) and retention in days (7 to 35)",
        params: z.object({ org: orgRef }),
        body: policyBody,
        response: { 200: policyView },
      },
    },
    (req) => deps.backups.setPolicy(req.ctx, req.params.org, req.body),
  );
}
