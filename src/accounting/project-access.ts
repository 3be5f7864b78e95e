/**
 * @module accounting/project-access
 * A project and the caller's access to its org, as every accounting call starts: another org's
 * project, or one that does not exist, is the same 404.
 */
import type { Db, Project } from '../db/index.js';
import type { RequestContext } from '../lib/context.js';
import { notFound } from '../lib/errors.js';
import type { OrgAccess, OrgService } from '../orgs/index.js';
import { findProjectById } from '../projects/index.js';

export interface ProjectAccess {
  access(ctx: RequestContext, projectId: string): Promise<{ project: Project; org: OrgAccess }>;
}

export function createProjectAccess(deps: { db: Db; orgs: Pick<OrgService, 'access'> }): ProjectAccess {
  return {
    async access(ctx, projectId) {
      const project = await findProjectById(deps.db, projectId);
      if (!project) throw notFound(`no project '${projectId}'`);
      const org = await deps.orgs.access(ctx, project.org_id).catch(() => {
        throw notFound(`no project '${projectId}'`);
      });
      return { project, org };
    },
  };
}
