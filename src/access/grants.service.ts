/**
 * @module access/grants
 * Explicit per-project roles (owner, readwrite, readonly) for members and service accounts, and
 * who can reach a project's data and why. The rule itself is projects/access.ts. Nobody changes
 * their own grant, and auditors are never granted data.
 */
import { sql } from 'kysely';
import type { AuditService } from '../audit/index.js';
import type { Db, OrgRole, ProjectRole } from '../db/index.js';
import type { IdentityService } from '../identity/index.js';
import type { RequestContext } from '../lib/context.js';
import { conflict, forbidden, notFound } from '../lib/errors.js';
import type { OrgService } from '../orgs/index.js';
import { authorize, principalOf } from '../policy/index.js';
import { explainProjectRole, findProjectById, mfaSatisfied } from '../projects/index.js';
import type { EffectiveAccessView, GrantBody } from './access.schemas.js';

interface MemberFacts {
  user_id: string;
  email: string;
  name: string;
  kind: 'person' | 'service';
  org_role: OrgRole;
  grant: ProjectRole | null;
  break_glass: ProjectRole | null;
  totp: boolean;
}

export function createGrantService(deps: {
  db: Db;
  audit: AuditService;
  orgs: OrgService;
  identity: IdentityService;
}) {
  const { db, audit, orgs, identity } = deps;

  /** The project and the caller's access to its org; another org's project is 404. */
  async function projectAccess(ctx: RequestContext, projectId: string) {
    const project = await findProjectById(db, projectId);
    if (!project) throw notFound(`no project '${projectId}'`);
    const access = await orgs.access(ctx, project.org_id).catch(() => {
      throw notFound(`no project '${projectId}'`);
    });
    return { project, access };
  }

  async function list(ctx: RequestContext, projectId: string): Promise<EffectiveAccessView[]> {
    const { project, access } = await projectAccess(ctx, projectId);
    authorize(ctx, access, 'grant.read');
    const { rows } = await sql<MemberFacts>`
      SELECT u.id AS user_id, u.email, u.name, u.kind, m.role AS org_role, g.role AS grant,
             (SELECT b.role FROM break_glass b WHERE b.project_id = ${projectId} AND b.user_id = u.id
                AND b.ended_at IS NULL AND b.expires_at > now()
              ORDER BY CASE b.role WHEN 'owner' THEN 3 WHEN 'readwrite' THEN 2 ELSE 1 END DESC LIMIT 1) AS break_glass,
             t.confirmed_at IS NOT NULL AS totp
        FROM org_members m JOIN users u ON u.id = m.user_id
        LEFT JOIN project_grants g ON g.project_id = ${projectId} AND g.user_id = u.id
        LEFT JOIN user_totp t ON t.user_id = u.id
       WHERE m.org_id = ${access.org.id}
       ORDER BY u.kind, u.email`.execute(db);
    const sso = await db
      .selectFrom('org_sso')
      .select('require_sso')
      .where('org_id', '=', access.org.id)
      .executeTakeFirst();
    const org = { ...access.org, sso_required: sso?.require_sso === true };
    return rows.map((r) => {
      const e = explainProjectRole({
        orgRole: r.org_role,
        hipaaProject: project.audit_log_level === 'hipaa',
        grant: r.grant,
        breakGlass: r.break_glass,
        mfaSatisfied: mfaSatisfied(r, org),
      });
      return {
        user_id: r.user_id,
        email: r.email,
        name: r.name,
        kind: r.kind,
        org_role: r.org_role,
        grant: r.grant,
        role: e?.role ?? null,
        source: e?.source ?? null,
      };
    });
  }

  async function set(
    ctx: RequestContext,
    projectId: string,
    body: GrantBody,
  ): Promise<EffectiveAccessView[]> {
    const { project, access } = await projectAccess(ctx, projectId);
    const me = principalOf(ctx);
    const target = {
      type: 'grant' as const,
      id: `${projectId}/${body.user_id ?? body.email}`,
      name: project.name,
    };
    await audit.mutate(
      ctx,
      {
        action: 'project.grant.set',
        chain: access.org.id,
        target,
        details: { user_id: body.user_id ?? '', email: body.email ?? '', role: body.role, previous: null },
      },
      async (tx, draft) => {
        authorize(ctx, access, 'grant.manage');
        const { rows } = await sql<{ id: string; email: string; role: OrgRole }>`
          SELECT u.id, u.email, m.role FROM users u
            JOIN org_members m ON m.user_id = u.id AND m.org_id = ${access.org.id}
           WHERE ${body.user_id ? sql`u.id = ${body.user_id}` : sql`lower(u.email) = ${(body.email ?? '').toLowerCase()}`}`.execute(
          tx,
        );
        const subject = rows[0];
        if (!subject)
          throw notFound(
            `'${body.user_id ?? body.email}' is not a member of '${access.org.name}'; add them to the organization first`,
          );
        Object.assign(draft.details, { user_id: subject.id, email: subject.email });
        draft.target.id = `${projectId}/${subject.id}`;
        if (subject.id === me.id)
          throw forbidden('you cannot change your own project role; ask another owner or admin');
        if (subject.role === 'auditor')
          throw conflict(
            'auditors see audit and compliance, never data: they cannot be granted a project role',
          );
        if (body.role === 'owner' && access.role !== 'owner' && !me.operator)
          throw forbidden('only an org owner can grant the owner role on a project');
        const before = await tx
          .selectFrom('project_grants')
          .select('role')
          .where('project_id', '=', projectId)
          .where('user_id', '=', subject.id)
          .executeTakeFirst();
        draft.details.previous = before?.role ?? null;
        await tx
          .insertInto('project_grants')
          .values({ project_id: projectId, user_id: subject.id, role: body.role, granted_by: me.id })
          .onConflict((oc) =>
            oc.columns(['project_id', 'user_id']).doUpdateSet({ role: body.role, granted_by: me.id }),
          )
          .execute();
      },
    );
    return list(ctx, projectId);
  }

  async function remove(
    ctx: RequestContext,
    projectId: string,
    userId: string,
  ): Promise<EffectiveAccessView[]> {
    const { project, access } = await projectAccess(ctx, projectId);
    const target = { type: 'grant' as const, id: `${projectId}/${userId}`, name: project.name };
    await audit.mutate(
      ctx,
      {
        action: 'project.grant.remove',
        chain: access.org.id,
        target,
        details: { user_id: userId, email: '', role: '' },
      },
      async (tx, draft) => {
        authorize(ctx, access, 'grant.manage');
        if (userId === principalOf(ctx).id)
          throw forbidden('you cannot change your own project role; ask another owner or admin');
        const gone = await tx
          .deleteFrom('project_grants')
          .where('project_id', '=', projectId)
          .where('user_id', '=', userId)
          .returning('role')
          .executeTakeFirst();
        if (!gone) throw notFound(`'${userId}' has no grant on project '${project.name}'`);
        const u = await tx.selectFrom('users').select('email').where('id', '=', userId).executeTakeFirst();
        Object.assign(draft.details, { role: gone.role, email: u?.email ?? '' });
      },
    );
    identity.forget(userId);
    return list(ctx, projectId);
  }

  return { projectAccess, list, set, remove };
}

export type GrantService = ReturnType<typeof createGrantService>;
