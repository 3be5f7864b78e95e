/**
 * @module backups/restore.service
 * Asking for a restore: a new project in the org, made from a backup (`backup_id`), a moment
 * (`target_time`), or everything archived up to now. The same rules as creating a project apply
 * (projects.service.ts checkPlacement: HIPAA projects only in hipaa regions, hipaa regions only for
 * orgs with HIPAA), plus the caller's right to restore. Restoring a standard project into a hipaa
 * region is how a project moves into HIPAA: the new project is a HIPAA project, and the operation
 * ends with a verification report against the source.
 */
import type { AuditService } from '../audit/index.js';
import type { AuditLogLevel, Db, Project } from '../db/index.js';
import type { RequestContext } from '../lib/context.js';
import { conflict, invalid, notFound } from '../lib/errors.js';
import { newId } from '../lib/ids.js';
import type { OrgService } from '../orgs/index.js';
import { authorize } from '../policy/index.js';
import {
  checkPlacement,
  findProjectById,
  findProjectByName,
  insertRestoringProject,
} from '../projects/index.js';
import type { RegionCatalog } from '../regions/index.js';
import type { RestoreBody } from './backups.schemas.js';
import * as store from './backups.store.js';
import * as ops from './operations.js';
import type { Repositories } from './repository.js';
import type { Requests } from './requests.js';

export function createRestoreService(deps: {
  db: Db;
  audit: AuditService;
  orgs: OrgService;
  regions: RegionCatalog;
  repos: Repositories;
  requests: Requests;
}) {
  const { db, audit, orgs, regions, repos } = deps;

  /** The backup a restore starts from, checked against the catalog. */
  async function pickBackup(q: Db, source: Project, body: RestoreBody): Promise<string | null> {
    const backups = await store.listBackups(q, source.id);
    if (backups.length === 0)
      throw conflict(
        `'${source.name}' has no backup yet, so there is nothing to restore; take one first (ward backup create --project ${source.name})`,
      );
    if (body.backup_id) {
      if (!backups.some((b) => b.label === body.backup_id))
        throw invalid(
          `'${source.name}' has no backup '${body.backup_id}'; ward backup list --project ${source.name} shows them`,
        );
      return body.backup_id;
    }
    if (!body.target_time) return null;
    const at = new Date(body.target_time);
    if (at.getTime() > Date.now())
      throw invalid(`target_time ${body.target_time} is in the future; give a moment that has passed`);
    const before = backups.find((b) => b.stopped_at.getTime() <= at.getTime());
    const oldest = backups[backups.length - 1];
    if (!before)
      throw invalid(
        `no backup of '${source.name}' had finished by ${body.target_time}; the earliest moment it can be restored to is ${oldest?.stopped_at.toISOString()}`,
      );
    return before.label;
  }

  async function restore(ctx: RequestContext, sourceId: string, body: RestoreBody) {
    const source = await findProjectById(db, sourceId);
    if (!source) throw notFound(`no project '${sourceId}'`);
    const org = await orgs.access(ctx, source.org_id).catch(() => {
      throw notFound(`no project '${sourceId}'`);
    });
    const id = newId('prj');
    const op = await audit.mutate(
      ctx,
      {
        action: 'project.create',
        chain: source.org_id,
        target: { type: 'project', id, name: body.name },
        details: {
          name: body.name,
          region_id: body.region_id,
          audit_log_level: '',
          restore: {
            source_project_id: source.id,
            backup_id: body.backup_id ?? null,
            target_time: body.target_time ?? null,
            operation_id: '',
          },
        },
      },
      async (tx, draft) => {
        authorize(ctx, org, 'backup.restore');
        authorize(ctx, org, 'project.create');
        const region = regions.get(body.region_id);
        const level: AuditLogLevel = region.type === 'hipaa' ? 'hipaa' : source.audit_log_level;
        draft.details.audit_log_level = level;
        checkPlacement(org.org, region, level);
        if (await findProjectByName(tx, org.org.id, body.name))
          throw conflict(`'${org.org.name}' already has a project named '${body.name}'; choose another name`);
        const set = await pickBackup(db, source, body);
        await repos.passphrase(source);
        await insertRestoringProject(tx, {
          id,
          org_id: org.org.id,
          name: body.name,
          region_id: region.id,
          audit_log_level: level,
          status: 'restoring',
          status_reason: `being restored from '${source.name}'`,
          created_by: ctx.actor.type === 'user' ? ctx.actor.id : null,
          deleted_at: null,
        });
        const created = await ops.insertOperation(tx, {
          org_id: org.org.id,
          project_id: source.id,
          target_project_id: id,
          kind: 'restore',
          trigger: 'manual',
          params: {
            backup_id: body.backup_id ?? null,
            target_time: body.target_time ? new Date(body.target_time).toISOString() : null,
            set,
            region_id: region.id,
            name: body.name,
          },
          created_by: ctx.actor.type === 'user' ? ctx.actor.id : null,
        });
        if (draft.details.restore) draft.details.restore.operation_id = created.id;
        return created;
      },
    );
    await deps.requests.dispatch(op);
    return ops.operationView(op);
  }

  return { restore };
}

export type RestoreService = ReturnType<typeof createRestoreService>;
