/**
 * @module access/reviews
 * Access reviews: an owner starts one and Ward lists every person and service account in the
 * org with their role, what they can reach in each project (and why), their last sign-in and
 * last database use; the reviewer keeps or revokes each (revoking removes them at once, with
 * everything access/revocation.ts takes away); completing it seals the review with the SHA-256
 * of its canonical JSON, after which it never changes: the evidence.
 */
import { sql } from 'kysely';
import type { AuditService } from '../audit/index.js';
import type { AccessReview, AccessReviewItem, Db, ProjectGrantSnapshot } from '../db/index.js';
import { canonicalize } from '../evidence/index.js';
import type { IdentityService } from '../identity/index.js';
import type { RequestContext } from '../lib/context.js';
import { conflict, forbidden, notFound } from '../lib/errors.js';
import { newId } from '../lib/ids.js';
import { sha256 } from '../lib/secrets.js';
import type { OrgService } from '../orgs/index.js';
import { authorize, principalOf } from '../policy/index.js';
import type { ReviewView } from './access.schemas.js';
import type { GrantService } from './grants.service.js';
import { keepAnOwner, revokeMembership } from './revocation.js';

const iso = (d: Date | null) => d?.toISOString() ?? null;

function view(r: AccessReview, items: AccessReviewItem[]): ReviewView {
  return {
    id: r.id,
    org_id: r.org_id,
    started_by: r.started_by,
    started_at: r.started_at.toISOString(),
    completed_by: r.completed_by,
    completed_at: iso(r.completed_at),
    evidence_sha256: r.evidence_sha256?.toString('hex') ?? null,
    items: items.map((i) => ({
      subject_id: i.subject_id,
      kind: i.kind,
      email: i.email,
      name: i.name,
      org_role: i.org_role,
      project_grants: i.project_grants,
      last_sign_in_at: iso(i.last_sign_in_at),
      last_db_use_at: iso(i.last_db_use_at),
      decision: i.decision,
      decided_by: i.decided_by,
      decided_at: iso(i.decided_at),
      note: i.note,
    })),
  };
}

export function createReviewService(deps: {
  db: Db;
  audit: AuditService;
  orgs: OrgService;
  grants: GrantService;
  identity: IdentityService;
}) {
  const { db, audit, orgs, grants, identity } = deps;

  async function load(orgId: string, id: string): Promise<ReviewView> {
    const r = await db
      .selectFrom('access_reviews')
      .selectAll()
      .where('id', '=', id)
      .where('org_id', '=', orgId)
      .executeTakeFirst();
    if (!r) throw notFound(`no access review '${id}'`);
    const items = await db
      .selectFrom('access_review_items')
      .selectAll()
      .where('review_id', '=', id)
      .orderBy('email')
      .execute();
    return view(r, items);
  }

  /** What every member can reach, project by project, with last sign-in and database use. */
  async function snapshot(ctx: RequestContext, orgId: string) {
    const projects = await db
      .selectFrom('projects')
      .select(['id', 'name'])
      .where('org_id', '=', orgId)
      .where('status', '<>', 'deleted')
      .execute();
    const reach = new Map<string, ProjectGrantSnapshot[]>();
    for (const p of projects) {
      for (const e of await grants.list(ctx, p.id)) {
        if (!e.role || !e.source) continue;
        reach.set(e.user_id, [
          ...(reach.get(e.user_id) ?? []),
          { project_id: p.id, project: p.name, role: e.role, source: e.source },
        ]);
      }
    }
    const { rows } = await sql<{
      id: string;
      email: string;
      name: string;
      kind: 'person' | 'service';
      role: string;
      last_sign_in_at: Date | null;
      last_db_use_at: Date | null;
    }>`
      SELECT u.id, u.email, u.name, u.kind, m.role,
             CASE WHEN u.kind = 'service' THEN (SELECT max(t.last_used_at) FROM tokens t WHERE t.user_id = u.id)
                  ELSE u.last_sign_in_at END AS last_sign_in_at,
             greatest((SELECT max(e.time) FROM audit_events e
                        WHERE e.chain_id = ${orgId} AND e.action LIKE 'db.%' AND e.actor_id = u.id),
                      -- The gateway's events are stored in batches: the newest batch that holds one of theirs.
                      (SELECT max(b.time_to) FROM audit_batches b
                        WHERE b.chain_id = ${orgId} AND u.id = ANY(b.actor_ids))) AS last_db_use_at
        FROM org_members m JOIN users u ON u.id = m.user_id
       WHERE m.org_id = ${orgId}`.execute(db);
    return rows.map((r) => ({ ...r, grants: reach.get(r.id) ?? [] }));
  }

  async function start(ctx: RequestContext, orgRef: string): Promise<ReviewView> {
    const a = await orgs.access(ctx, orgRef);
    authorize(ctx, a, 'review.manage');
    const subjects = await snapshot(ctx, a.org.id);
    const id = newId('rev');
    const target = { type: 'access_review' as const, id, name: a.org.name };
    await audit.mutate(
      ctx,
      { action: 'accessreview.start', chain: a.org.id, target, details: { subjects: subjects.length } },
      async (tx) => {
        authorize(ctx, a, 'review.manage');
        const open = await tx
          .selectFrom('access_reviews')
          .select('id')
          .where('org_id', '=', a.org.id)
          .where('completed_at', 'is', null)
          .executeTakeFirst();
        if (open)
          throw conflict(
            `'${a.org.name}' already has an access review in progress (${open.id}); complete it first`,
          );
        await tx
          .insertInto('access_reviews')
          .values({ id, org_id: a.org.id, started_by: principalOf(ctx).id })
          .execute();
        if (subjects.length === 0) return;
        await tx
          .insertInto('access_review_items')
          .values(
            subjects.map((s) => ({
              review_id: id,
              subject_id: s.id,
              kind: s.kind,
              email: s.email,
              name: s.name,
              org_role: s.role,
              project_grants: JSON.stringify(s.grants),
              last_sign_in_at: s.last_sign_in_at,
              last_db_use_at: s.last_db_use_at,
              decision: null,
              decided_by: null,
              decided_at: null,
              note: null,
            })),
          )
          .execute();
      },
    );
    return load(a.org.id, id);
  }

  async function list(ctx: RequestContext, orgRef: string) {
    const a = await orgs.access(ctx, orgRef);
    authorize(ctx, a, 'review.read');
    const rows = await db
      .selectFrom('access_reviews')
      .selectAll()
      .where('org_id', '=', a.org.id)
      .orderBy('started_at', 'desc')
      .execute();
    return rows.map((r) => ({ ...view(r, []), items: undefined }));
  }

  async function get(ctx: RequestContext, orgRef: string, id: string): Promise<ReviewView> {
    const a = await orgs.access(ctx, orgRef);
    authorize(ctx, a, 'review.read');
    return load(a.org.id, id);
  }

  async function decide(
    ctx: RequestContext,
    orgRef: string,
    id: string,
    subjectId: string,
    body: { decision: 'keep' | 'revoke'; note?: string },
  ): Promise<ReviewView> {
    const a = await orgs.access(ctx, orgRef);
    const review = await load(a.org.id, id);
    const item = review.items.find((i) => i.subject_id === subjectId);
    if (!item) throw notFound(`'${subjectId}' is not part of access review '${id}'`);
    const me = principalOf(ctx);
    const target = { type: 'access_review' as const, id, name: item.email };
    await audit.mutate(
      ctx,
      {
        action: 'accessreview.decide',
        chain: a.org.id,
        target,
        details: {
          subject_id: subjectId,
          email: item.email,
          decision: body.decision,
          note: body.note ?? null,
        },
      },
      async (tx) => {
        authorize(ctx, a, 'review.manage');
        if (review.completed_at) throw conflict(`access review '${id}' is complete and can no longer change`);
        if (item.decision)
          throw conflict(`'${item.email}' was already decided (${item.decision}) in this review`);
        if (body.decision === 'revoke') {
          if (subjectId === me.id) throw forbidden('you cannot revoke your own access in a review');
          const member = await tx
            .selectFrom('org_members')
            .select('role')
            .where('org_id', '=', a.org.id)
            .where('user_id', '=', subjectId)
            .executeTakeFirst();
          if (member) {
            await keepAnOwner(tx, a.org.id, a.org.name, member.role);
            await revokeMembership(tx, identity.accounts, a.org.id, subjectId);
          }
        }
        await tx
          .updateTable('access_review_items')
          .set({
            decision: body.decision,
            decided_by: me.id,
            decided_at: new Date(),
            note: body.note ?? null,
          })
          .where('review_id', '=', id)
          .where('subject_id', '=', subjectId)
          .execute();
      },
    );
    if (body.decision === 'revoke') identity.forget(subjectId);
    return load(a.org.id, id);
  }

  async function complete(ctx: RequestContext, orgRef: string, id: string): Promise<ReviewView> {
    const a = await orgs.access(ctx, orgRef);
    const review = await load(a.org.id, id);
    const me = principalOf(ctx);
    const target = { type: 'access_review' as const, id, name: a.org.name };
    await audit.mutate(
      ctx,
      {
        action: 'accessreview.complete',
        chain: a.org.id,
        target,
        details: { kept: 0, revoked: 0, evidence_sha256: '' },
      },
      async (tx, draft) => {
        authorize(ctx, a, 'review.manage');
        if (review.completed_at) throw conflict(`access review '${id}' is already complete`);
        const open = review.items.filter((i) => !i.decision);
        if (open.length > 0)
          throw conflict(
            `decide every entry first: ${open.length} left (${open
              .slice(0, 3)
              .map((i) => i.email)
              .join(', ')}${open.length > 3 ? ', …' : ''})`,
          );
        const completedAt = new Date();
        const sealed = {
          ...review,
          completed_by: me.id,
          completed_at: completedAt.toISOString(),
          evidence_sha256: null,
        };
        const digest = sha256(canonicalize(sealed));
        await tx
          .updateTable('access_reviews')
          .set({ completed_by: me.id, completed_at: completedAt, evidence_sha256: digest })
          .where('id', '=', id)
          .execute();
        draft.details = {
          kept: review.items.filter((i) => i.decision === 'keep').length,
          revoked: review.items.filter((i) => i.decision === 'revoke').length,
          evidence_sha256: digest.toString('hex'),
        };
      },
    );
    return load(a.org.id, id);
  }

  return { start, list, get, decide, complete };
}

export type ReviewService = ReturnType<typeof createReviewService>;
