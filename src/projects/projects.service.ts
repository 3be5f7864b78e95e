/**
 * @module projects/service
 * Projects: a dedicated PostgreSQL cluster each. Creation records the request and returns at
 * once with status `provisioning`; the provisioner moves it to `running` or `failed`.
 * `settings.audit_log_level` is fixed at creation. HIPAA projects live only in hipaa regions,
 * and only orgs with HIPAA enabled may have them.
 */
import type { AuditService } from '../audit/index.js';
import type { DataPlaneProvider } from '../dataplane/index.js';
import type { AuditLogLevel, Db, Project } from '../db/index.js';
import type { RequestContext } from '../lib/context.js';
import { conflict, forbidden, invalid, notFound } from '../lib/errors.js';
import { newId } from '../lib/ids.js';
import { accessRule, type OrgService } from '../orgs/index.js';
import { authorize, principalOf } from '../policy/index.js';
import type { RegionCatalog } from '../regions/index.js';
import type { HipaaDeletion } from './hipaa-deletion.js';
import type { CreateProjectBody, ProjectView, UpdateProjectBody } from './projects.schemas.js';
import * as store from './projects.store.js';
import type { Provisioner } from './provisioner.js';

function encodeCursor(p: { cursor_at: string; id: string }): string {
  return Buffer.from(JSON.stringify([p.cursor_at, p.id])).toString('base64url');
}

function decodeCursor(cursor: string): { created_at: string; id: string } {
  try {
    const [created_at, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (typeof created_at === 'string' && typeof id === 'string' && !Number.isNaN(Date.parse(created_at)))
      return { created_at, id };
  } catch {
    // fall through to the error below
  }
  throw invalid(`the cursor '${cursor.slice(0, 40)}' is not one this API returned; start again without it`);
}

/**
 * The HIPAA rules for where a project may run: HIPAA projects only in hipaa regions, hipaa regions
 * only for HIPAA projects, and both only for orgs with HIPAA enabled. Creation and restores
 * (backups/restore.service.ts) apply the same rules.
 */
export function checkPlacement(
  org: { name: string; hipaa_enabled: boolean },
  region: { id: string; type: 'standard' | 'hipaa' },
  level: AuditLogLevel,
): void {
  if ((level === 'hipaa' || region.type === 'hipaa') && !org.hipaa_enabled) {
    throw forbidden(
      `'${org.name}' does not have HIPAA enabled, so it cannot create a HIPAA project${region.type === 'hipaa' ? ` or use the hipaa region '${region.id}'` : ''}; an owner enables HIPAA first (enterprise plan and a signed BAA)`,
    );
  }
  if (level === 'hipaa' && region.type !== 'hipaa') {
    throw invalid(`HIPAA projects run only in hipaa regions; '${region.id}' is a standard region`);
  }
  if (level === 'standard' && region.type === 'hipaa') {
    throw invalid(
      `projects in the hipaa region '${region.id}' have audit_log_level 'hipaa'; leave it out or set it to 'hipaa'`,
    );
  }
}

export function createProjectService(deps: {
  db: Db;
  audit: AuditService;
  orgs: OrgService;
  regions: RegionCatalog;
  dataplane: DataPlaneProvider;
  provisioner: Provisioner;
  /** HIPAA projects are deleted after a grace period, with a certificate (hipaa-deletion.ts). */
  hipaaDeletion: HipaaDeletion;
  /** Why the org's root key (an HSM) is unavailable, if it is: no project is created meanwhile. */
  rootKeyProblem?: (orgId: string) => string | undefined;
}) {
  const { db, audit, orgs, regions, dataplane, provisioner, hipaaDeletion } = deps;

  const view = (p: Project): ProjectView => ({
    id: p.id,
    org_id: p.org_id,
    name: p.name,
    region_id: p.region_id,
    settings: {
      audit_log_level: p.audit_log_level,
      audit_delivery: p.audit_delivery ?? 'sync',
      allow_plaintext: p.allow_plaintext === true,
    },
    status: p.status,
    status_reason: p.status_reason,
    cluster: p.status === 'running' ? (dataplane.health(p.id) ?? null) : null,
    created_at: p.created_at.toISOString(),
    updated_at: p.updated_at.toISOString(),
    deletion:
      p.status === 'pending_deletion' && p.purge_after
        ? {
            purge_after: new Date(p.purge_after).toISOString(),
            requested_at: p.deletion_requested_at ? new Date(p.deletion_requested_at).toISOString() : null,
          }
        : null,
  });

  /** The project and the person's access to its org; another org's project is 404. */
  async function access(ctx: RequestContext, id: string) {
    const project = await store.findProject(db, id);
    if (!project) throw notFound(`no project '${id}'`);
    const org = await orgs.access(ctx, project.org_id).catch(() => {
      throw notFound(`no project '${id}'`);
    });
    return { project, org };
  }

  async function create(ctx: RequestContext, orgRef: string, body: CreateProjectBody): Promise<ProjectView> {
    const org = await orgs.access(ctx, orgRef);
    const id = newId('prj');
    const region = regions.get(body.region_id);
    const level: AuditLogLevel =
      body.settings?.audit_log_level ?? (region.type === 'hipaa' ? 'hipaa' : 'standard');
    const project = await audit.mutate(
      ctx,
      {
        action: 'project.create',
        chain: org.org.id,
        target: { type: 'project', id, name: body.name },
        details: { name: body.name, region_id: region.id, audit_log_level: level },
      },
      async (tx) => {
        authorize(ctx, org, 'project.create');
        checkPlacement(org.org, region, level);
        const keyProblem = deps.rootKeyProblem?.(org.org.id);
        if (keyProblem) throw conflict(`${keyProblem} Projects can be created once it is usable.`);
        if (await store.findByName(tx, org.org.id, body.name)) {
          throw conflict(`'${org.org.name}' already has a project named '${body.name}'; choose another name`);
        }
        return store.insertProject(tx, {
          id,
          org_id: org.org.id,
          name: body.name,
          region_id: region.id,
          audit_log_level: level,
          status: 'provisioning',
          status_reason: null,
          created_by: ctx.actor.type === 'user' ? ctx.actor.id : null,
          deleted_at: null,
        });
      },
    );
    void provisioner.provision(project);
    return view(project);
  }

  async function list(ctx: RequestContext, orgRef: string, page: { limit: number; cursor?: string }) {
    const after = page.cursor ? decodeCursor(page.cursor) : undefined;
    const { org, projects: rows } = await store.orgAndProjects(
      db,
      orgRef,
      principalOf(ctx).id,
      page.limit,
      after,
    );
    // Someone outside the org: orgs.access records the attempt in its chain, then answers 404.
    if (org && !org.role && !principalOf(ctx).operator) await orgs.access(ctx, orgRef);
    accessRule(ctx, orgRef, org);
    const more = rows.length > page.limit;
    const shown = more ? rows.slice(0, page.limit) : rows;
    const last = shown[shown.length - 1];
    return { projects: shown.map(view), next_cursor: more && last ? encodeCursor(last) : null };
  }

  async function get(ctx: RequestContext, id: string): Promise<ProjectView> {
    const { project } = await access(ctx, id);
    const shown = project.status === 'running' || project.status === 'pending_deletion';
    return { ...view(project), ...(shown ? { encryption: await dataplane.diskEncryption(id) } : {}) };
  }

  async function update(ctx: RequestContext, id: string, body: UpdateProjectBody): Promise<ProjectView> {
    const { project, org } = await access(ctx, id);
    const target = { type: 'project' as const, id, name: project.name };
    return audit.mutate(
      ctx,
      { action: 'project.update', chain: project.org_id, target, details: { changes: {} } },
      async (tx, draft) => {
        authorize(ctx, org, 'project.manage');
        const current = (await store.lockProject(tx, id)) ?? project;
        if (current.status === 'pending_deletion')
          throw conflict(
            `project '${current.name}' is deleted (recoverable until its grace period ends); undelete it first`,
          );
        const asked = body.settings?.audit_log_level;
        if (asked !== undefined && asked !== current.audit_log_level) {
          throw conflict(
            `settings.audit_log_level is fixed when a project is created: '${current.name}' stays '${current.audit_log_level}'. To move data into a HIPAA project, restore it into a new project in a hipaa region.`,
          );
        }
        let updated = current;
        const delivery = body.settings?.audit_delivery;
        if (delivery !== undefined && delivery !== current.audit_delivery) {
          if (current.audit_log_level === 'hipaa')
            throw conflict(
              `HIPAA projects deliver audit events synchronously (every statement durable before its result); '${current.name}' stays 'sync'`,
            );
          draft.details.changes.audit_delivery = { from: current.audit_delivery, to: delivery };
          updated = await store.setAuditDelivery(tx, id, delivery);
        }
        if (body.name === undefined || body.name === current.name) return view(updated);
        if (await store.findByName(tx, current.org_id, body.name)) {
          throw conflict(`'${org.org.name}' already has a project named '${body.name}'; choose another name`);
        }
        draft.details.changes.name = { from: current.name, to: body.name };
        return view(await store.renameProject(tx, id, body.name));
      },
    );
  }

  /**
   * Whether the gateway takes plaintext connections to a standard project from its own machine
   * (loopback); refused for HIPAA projects, which always require TLS. New sessions follow it, and
   * refusing it again ends the project's plaintext sessions within a second (the gateway's
   * revalidator).
   */
  async function setPlaintext(ctx: RequestContext, id: string, allowed: boolean): Promise<ProjectView> {
    const { project, org } = await access(ctx, id);
    const target = { type: 'project' as const, id, name: project.name };
    return audit.mutate(
      ctx,
      { action: 'project.plaintext.set', chain: project.org_id, target, details: { allowed } },
      async (tx, draft) => {
        authorize(ctx, org, 'project.manage');
        const current = (await store.lockProject(tx, id)) ?? project;
        draft.details.previous = current.allow_plaintext;
        if (current.status === 'pending_deletion')
          throw conflict(
            `project '${current.name}' is deleted (recoverable until its grace period ends); undelete it first`,
          );
        if (allowed && current.audit_log_level === 'hipaa')
          throw conflict(
            `HIPAA projects always require TLS, so '${current.name}' cannot allow plaintext connections; connect with sslmode=verify-full and Ward's CA certificate`,
          );
        if (allowed === current.allow_plaintext) return view(current);
        return view(await store.setAllowPlaintext(tx, id, allowed));
      },
    );
  }

  async function remove(
    ctx: RequestContext,
    id: string,
    confirm: { audit_log_exported?: boolean } = {},
  ): Promise<ProjectView> {
    const { project, org } = await access(ctx, id);
    if (project.audit_log_level === 'hipaa')
      return view(await hipaaDeletion.schedule(ctx, project, org, confirm.audit_log_exported === true));
    const target = { type: 'project' as const, id, name: project.name };
    const deleting = await audit.mutate(
      ctx,
      { action: 'project.delete', chain: project.org_id, target, details: { name: project.name } },
      async (tx) => {
        authorize(ctx, org, 'project.manage');
        const current = (await store.lockProject(tx, id)) ?? project;
        if (current.status === 'provisioning' || current.status === 'restoring') {
          throw conflict(
            `project '${current.name}' is still being created; delete it once its status is running or failed`,
          );
        }
        return (await store.setStatus(tx, id, 'deleting')) ?? current;
      },
    );
    await provisioner.destroy(deleting);
    const after = await store.findProject(db, id);
    return after ? view(after) : { ...view(deleting), status: 'deleted', cluster: null };
  }

  /** A HIPAA project scheduled for deletion comes back (owner or admin, within the grace period). */
  async function undelete(ctx: RequestContext, id: string): Promise<ProjectView> {
    const { project, org } = await access(ctx, id);
    return view(
      await hipaaDeletion.undelete(ctx, project, org, () => {
        const keyProblem = deps.rootKeyProblem?.(project.org_id);
        if (keyProblem) throw conflict(`${keyProblem} '${project.name}' can be undeleted once it is usable.`);
      }),
    );
  }

  return { create, list, get, update, setPlaintext, remove, undelete };
}

export type ProjectService = ReturnType<typeof createProjectService>;
