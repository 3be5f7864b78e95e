/**
 * @module compliance/publicity-service
 * An org's opt-in publicity: the HIPAA badge and the trust page, both off until an owner turns
 * them on (each switch audited, `compliance.publicity.update`). Served without sign-in, so they
 * read only what is cheap and stored: the org's switches and its latest daily snapshot, never a
 * live evaluation; the trust page names controls and states, never projects, people or messages.
 * An org that publishes nothing and an org that does not exist get the same 404.
 */
import type { AuditService } from '../audit/index.js';
import type { Db } from '../db/index.js';
import type { RequestContext } from '../lib/context.js';
import { notFound } from '../lib/errors.js';
import type { Logger } from '../lib/logger.js';
import type { OrgService } from '../orgs/index.js';
import { authorize, principalOf } from '../policy/index.js';
import { renderBadge } from './badge-svg.js';
import { CATALOG, SAFEGUARD_TITLES, type Safeguard } from './catalog.js';
import type { PublicityBody, PublicityView, PublicSubprocessor, TrustView } from './publicity.schemas.js';
import * as store from './publicity.store.js';

/** The one answer for "nothing published here", whether the org exists or not. */
const NOTHING_PUBLISHED = 'nothing is published at this address';
const ORG_ID = /^org_[a-z2-7]{16}$/;

export const publicPaths = (orgId: string) => ({
  badge_path: `/badge/${orgId}.svg`,
  trust_page_path: `/trust/${orgId}`,
  trust_json_path: `/api/v1/public/trust/${orgId}`,
});

export interface PublicityDeps {
  db: Db;
  audit: AuditService;
  orgs: OrgService;
  /** The subprocessors in effect and announced, for the trust page. */
  subprocessors(): Promise<PublicSubprocessor[]>;
  /** Evaluates the org now, so that a badge turned on before the first periodic check has a snapshot. */
  evaluate(orgId: string): Promise<unknown>;
  log: Logger;
}

export function createPublicityService(deps: PublicityDeps) {
  const { db, audit, orgs, log } = deps;

  async function view(orgId: string): Promise<PublicityView> {
    const row = await store.publicityOf(db, orgId);
    return {
      org_id: orgId,
      badge: row?.badge ?? false,
      trust_page: row?.trust_page ?? false,
      updated_at: row?.updated_at.toISOString() ?? null,
      updated_by: row?.updated_by ?? null,
      ...publicPaths(orgId),
    };
  }

  async function get(ctx: RequestContext, orgRef: string): Promise<PublicityView> {
    const a = await orgs.access(ctx, orgRef);
    authorize(ctx, a, 'compliance.read');
    return view(a.org.id);
  }

  async function set(ctx: RequestContext, orgRef: string, body: PublicityBody): Promise<PublicityView> {
    const a = await orgs.access(ctx, orgRef);
    const before = await view(a.org.id);
    const badge = body.badge ?? before.badge;
    const trust_page = body.trust_page ?? before.trust_page;
    await audit.mutate(
      ctx,
      {
        action: 'compliance.publicity.update',
        chain: a.org.id,
        target: { type: 'org', id: a.org.id, name: a.org.name },
        details: { badge, trust_page },
      },
      async (tx) => {
        authorize(ctx, a, 'compliance.manage');
        await store.savePublicity(tx, {
          org_id: a.org.id,
          badge,
          trust_page,
          updated_by: principalOf(ctx).id,
        });
      },
    );
    if ((badge || trust_page) && !(await store.latestSnapshot(db, a.org.id)))
      await deps
        .evaluate(a.org.id)
        .catch((err) => log.error({ err, org: a.org.id }, 'could not take the first compliance snapshot'));
    return view(a.org.id);
  }

  /** The org's published face, or the same 404 whatever the reason it has none. */
  async function published(orgId: string, what: 'badge' | 'trust_page') {
    if (!ORG_ID.test(orgId)) throw notFound(NOTHING_PUBLISHED);
    const org = await store.publishedOrg(db, orgId);
    if (!org?.[what]) throw notFound(NOTHING_PUBLISHED);
    return { org, snapshot: await store.latestSnapshot(db, orgId) };
  }

  /** The badge's SVG, from the latest snapshot. */
  async function badge(orgId: string): Promise<string> {
    const { snapshot } = await published(orgId, 'badge');
    return renderBadge(snapshot);
  }

  /** What the trust page shows: scores, every control's state, the subprocessors. */
  async function trust(orgId: string): Promise<TrustView> {
    const { org, snapshot } = await published(orgId, 'trust_page');
    const states = snapshot?.states ?? {};
    const legal = org.settings.legal_name;
    const groups = new Map<Safeguard, TrustView['safeguards'][number]>();
    for (const c of CATALOG) {
      const group = groups.get(c.safeguard) ?? {
        id: c.safeguard,
        title: SAFEGUARD_TITLES[c.safeguard],
        controls: [],
      };
      group.controls.push({
        citation: c.citation,
        title: c.title,
        kind: c.kind,
        state: states[c.id] ?? null,
      });
      groups.set(c.safeguard, group);
    }
    return {
      org_id: org.id,
      org_name: typeof legal === 'string' && legal ? legal : org.name,
      checked: snapshot?.day ?? null,
      required_score: snapshot?.required_score ?? null,
      addressable_score: snapshot?.addressable_score ?? null,
      required_met: snapshot?.required_met ?? null,
      safeguards: [...groups.values()],
      subprocessors: await deps.subprocessors(),
    };
  }

  return { get, set, badge, trust };
}

export type PublicityService = ReturnType<typeof createPublicityService>;
