/**
 * @module access/break-glass
 * Emergency project access: a member (not an auditor, not someone who already has the role)
 * asks with a written reason and gets the role at once for at most four hours. Every owner is
 * alerted (the audit event names them; the org's alert webhook is called), and the access stays
 * flagged until an owner reviews it. The grant itself is honoured through projects/access.ts.
 */
import { sql } from 'kysely';
import type { AuditService } from '../audit/index.js';
import type { BreakGlass, Db } from '../db/index.js';
import type { RequestContext } from '../lib/context.js';
import { conflict, forbidden, notFound } from '../lib/errors.js';
import { newId } from '../lib/ids.js';
import type { OrgService } from '../orgs/index.js';
import { authorize, principalOf } from '../policy/index.js';
import { higherRole, resolveProjectRole } from '../projects/index.js';
import type { BreakGlassBody, BreakGlassView } from './access.schemas.js';
import type { Alerts } from './alerts.js';
import type { GrantService } from './grants.service.js';

type Row = BreakGlass & { email: string };

const view = (b: Row): BreakGlassView => ({
  id: b.id,
  org_id: b.org_id,
  project_id: b.project_id,
  user_id: b.user_id,
  email: b.email,
  role: b.role,
  reason: b.reason,
  created_at: b.created_at.toISOString(),
  expires_at: b.expires_at.toISOString(),
  ended_at: b.ended_at?.toISOString() ?? null,
  active: !b.ended_at && b.expires_at > new Date(),
  flagged: !b.reviewed_at,
  reviewed_at: b.reviewed_at?.toISOString() ?? null,
  reviewed_by: b.reviewed_by,
  review_note: b.review_note,
});

export function createBreakGlassService(deps: {
  db: Db;
  audit: AuditService;
  orgs: OrgService;
  grants: GrantService;
  alerts: Alerts;
}) {
  const { db, audit, orgs, grants, alerts } = deps;

  const rows = (orgId: string, id?: string) =>
    db
      .selectFrom('break_glass')
      .innerJoin('users', 'users.id', 'break_glass.user_id')
      .selectAll('break_glass')
      .select('users.email')
      .where('break_glass.org_id', '=', orgId)
      .$if(id !== undefined, (q) => q.where('break_glass.id', '=', id as string))
      .orderBy('break_glass.created_at', 'desc')
      .execute();

  async function request(
    ctx: RequestContext,
    projectId: string,
    body: BreakGlassBody,
  ): Promise<BreakGlassView> {
    const { project, access } = await grants.projectAccess(ctx, projectId);
    const me = principalOf(ctx);
    const id = newId('brk');
    const expires = new Date(Date.now() + body.minutes * 60_000);
    const target = { type: 'break_glass' as const, id, name: project.name };
    const owners = await db
      .selectFrom('org_members')
      .innerJoin('users', 'users.id', 'org_members.user_id')
      .select('users.email')
      .where('org_members.org_id', '=', access.org.id)
      .where('org_members.role', '=', 'owner')
      .execute();
    const row = await audit.mutate(
      ctx,
      {
        action: 'breakglass.request',
        chain: access.org.id,
        target,
        details: {
          project_id: projectId,
          role: body.role,
          reason: body.reason,
          expires_at: expires.toISOString(),
          owners_alerted: owners.map((o) => o.email),
        },
      },
      async (tx) => {
        authorize(ctx, access, 'breakglass.request');
        const current = await resolveProjectRole(tx, projectId, me.id);
        if (current && higherRole(current, body.role) === current)
          throw conflict(
            `you already have ${current} access to '${project.name}'; break-glass is for access you do not have`,
          );
        await sql`SELECT 1 FROM projects WHERE id = ${projectId} FOR UPDATE`.execute(tx);
        const open = await tx
          .selectFrom('break_glass')
          .select('id')
          .where('project_id', '=', projectId)
          .where('user_id', '=', me.id)
          .where('ended_at', 'is', null)
          .where('expires_at', '>', sql<Date>`now()`)
          .executeTakeFirst();
        if (open)
          throw conflict(`you already have live break-glass access to '${project.name}' (${open.id})`);
        return tx
          .insertInto('break_glass')
          .values({
            id,
            org_id: access.org.id,
            project_id: projectId,
            user_id: me.id,
            role: body.role,
            reason: body.reason,
            expires_at: expires,
          })
          .returningAll()
          .executeTakeFirstOrThrow();
      },
    );
    alerts.send(access.org.id, 'breakglass.request', {
      break_glass_id: id,
      project: { id: projectId, name: project.name },
      requester: me.email,
      role: body.role,
      reason: body.reason,
      expires_at: expires.toISOString(),
      owners: owners.map((o) => o.email),
    });
    return view({ ...row, email: me.email });
  }

  async function list(ctx: RequestContext, orgRef: string): Promise<BreakGlassView[]> {
    const a = await orgs.access(ctx, orgRef);
    authorize(ctx, a, 'breakglass.read');
    return (await rows(a.org.id)).map(view);
  }

  async function find(ctx: RequestContext, orgRef: string, id: string) {
    const a = await orgs.access(ctx, orgRef);
    const b = (await rows(a.org.id, id))[0];
    if (!b) throw notFound(`no break-glass access '${id}' in '${a.org.name}'`);
    return { a, b };
  }

  async function end(ctx: RequestContext, orgRef: string, id: string): Promise<BreakGlassView> {
    const { a, b } = await find(ctx, orgRef, id);
    const target = { type: 'break_glass' as const, id };
    await audit.mutate(
      ctx,
      {
        action: 'breakglass.end',
        chain: a.org.id,
        target,
        details: { project_id: b.project_id, user_id: b.user_id },
      },
      async (tx) => {
        // The person who asked may always end their own; anyone else needs the rule.
        if (b.user_id !== principalOf(ctx).id) authorize(ctx, a, 'breakglass.end');
        await tx
          .updateTable('break_glass')
          .set({ ended_at: sql`now()` })
          .where('id', '=', id)
          .where('ended_at', 'is', null)
          .execute();
      },
    );
    return view((await rows(a.org.id, id))[0] as Row);
  }

  async function review(
    ctx: RequestContext,
    orgRef: string,
    id: string,
    note: string,
  ): Promise<BreakGlassView> {
    const { a, b } = await find(ctx, orgRef, id);
    const me = principalOf(ctx);
    const target = { type: 'break_glass' as const, id };
    await audit.mutate(
      ctx,
      {
        action: 'breakglass.review',
        chain: a.org.id,
        target,
        details: { project_id: b.project_id, user_id: b.user_id, note },
      },
      async (tx) => {
        authorize(ctx, a, 'breakglass.review');
        if (b.user_id === me.id) throw forbidden('another owner reviews your own break-glass access');
        if (b.reviewed_at) throw conflict(`break-glass access '${id}' was already reviewed`);
        await tx
          .updateTable('break_glass')
          .set({ reviewed_at: sql`now()`, reviewed_by: me.id, review_note: note })
          .where('id', '=', id)
          .execute();
      },
    );
    return view((await rows(a.org.id, id))[0] as Row);
  }

  return { request, list, end, review };
}

export type BreakGlassService = ReturnType<typeof createBreakGlassService>;
