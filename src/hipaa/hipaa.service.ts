/**
 * @module hipaa/service
 * An org's HIPAA state: what is in place (plan, BAA, HIPAA projects), what weakens it (projects
 * that allow plaintext connections from loopback) and what comes next;
 * enabling (needs the enterprise plan and an executed BAA; countersigning enables it at once) and
 * disabling (refused, 409, while the org has HIPAA projects, which the refusal lists); and the
 * BAA's standing without a caller (`baaStanding`, ./baa-standing.ts), for the compliance checks.
 */
import type { AuditService } from '../audit/index.js';
import type { Baa, Db, Org } from '../db/index.js';
import type { RequestContext } from '../lib/context.js';
import { conflict } from '../lib/errors.js';
import type { OrgService } from '../orgs/index.js';
import { authorize } from '../policy/index.js';
import { type BaaService, baaSummary } from './baa.service.js';
import { createBaaStanding } from './baa-standing.js';
import type { HipaaProjectView, HipaaView } from './hipaa.schemas.js';
import * as store from './hipaa.store.js';
import { HIPAA_PLAN, requireHipaaPlan } from './plans.js';

type ProjectRow = Awaited<ReturnType<typeof store.hipaaProjects>>[number];

const projectView = (p: ProjectRow): HipaaProjectView => ({
  id: p.id,
  name: p.name,
  status: p.status,
  purge_after: p.purge_after ? new Date(p.purge_after).toISOString() : null,
});

const describeProject = (p: ProjectRow) =>
  p.status === 'pending_deletion' && p.purge_after
    ? `${p.name} (deleted; destroyed after ${new Date(p.purge_after).toISOString()})`
    : `${p.name} (${p.status})`;

function nextStep(org: Org, baa: Baa | undefined): string {
  if (org.hipaa_enabled) return 'HIPAA is enabled: create HIPAA projects in HIPAA compliant regions';
  if (org.plan !== HIPAA_PLAN)
    return `HIPAA needs the ${HIPAA_PLAN} plan: the operator moves '${org.name}' to it (ward org set-plan ${org.name} ${HIPAA_PLAN})`;
  if (!org.settings.legal_name || !org.settings.address)
    return 'an owner or admin sets the legal name and address the BAA names (ward org set … --legal-name … --address …)';
  if (baa?.status === 'signed') return "the BAA is signed; it waits for the operator's countersignature";
  if (baa?.status === 'executed') return 'the BAA is executed; an owner enables HIPAA again';
  return 'an owner reads and signs the BAA (ward org hipaa enable), then the operator countersigns it';
}

export function createHipaaService(deps: { db: Db; audit: AuditService; orgs: OrgService; baa: BaaService }) {
  const { db, audit, orgs, baa } = deps;

  const baaStanding = createBaaStanding({ db, baa });

  async function status(ctx: RequestContext, ref: string): Promise<HipaaView> {
    const a = await orgs.access(ctx, ref);
    authorize(ctx, a, 'hipaa.read');
    const current = await store.currentBaa(db, a.org.id);
    // A BAA waiting for countersignature is shown instead of the one in force, and is not judged.
    const baaCurrent = current?.status === 'executed' ? (await baaStanding(a.org)).current : null;
    return {
      org_id: a.org.id,
      enabled: a.org.hipaa_enabled,
      plan: a.org.plan,
      required_plan: HIPAA_PLAN,
      baa: current ? baaSummary(current) : null,
      baa_current: baaCurrent,
      hipaa_projects: (await store.hipaaProjects(db, a.org.id)).map(projectView),
      plaintext_projects: await store.plaintextProjects(db, a.org.id),
      next_step: nextStep(a.org, current),
    };
  }

  async function enable(ctx: RequestContext, ref: string): Promise<void> {
    const a = await orgs.access(ctx, ref);
    const target = { type: 'org' as const, id: a.org.id, name: a.org.name };
    await audit.mutate(
      ctx,
      { action: 'hipaa.enable', chain: a.org.id, target, details: { baa_id: '' } },
      async (tx, draft) => {
        authorize(ctx, a, 'hipaa.manage');
        const org = (await orgs.lock(tx, a.org.id)) ?? a.org;
        const executed = await store.baaWithStatus(tx, org.id, 'executed');
        draft.details.baa_id = executed?.id ?? '';
        if (org.hipaa_enabled) return;
        requireHipaaPlan(org);
        if (!executed) {
          const pending = await store.baaWithStatus(tx, org.id, 'signed');
          throw conflict(
            pending
              ? `HIPAA is enabled once the operator countersigns the BAA ${pending.signer_name} signed on ${pending.signed_at.toISOString()}; it is not countersigned yet`
              : `HIPAA needs a BAA signed by an owner of '${org.name}' and countersigned by the operator; none is signed yet (ward org hipaa enable ${org.name} shows it)`,
          );
        }
        await store.setHipaaEnabled(tx, org.id, true);
      },
    );
  }

  async function disable(ctx: RequestContext, ref: string): Promise<void> {
    const a = await orgs.access(ctx, ref);
    const target = { type: 'org' as const, id: a.org.id, name: a.org.name };
    await audit.mutate(
      ctx,
      { action: 'hipaa.disable', chain: a.org.id, target, details: {} },
      async (tx, draft) => {
        authorize(ctx, a, 'hipaa.manage');
        const org = (await orgs.lock(tx, a.org.id)) ?? a.org;
        const projects = await store.hipaaProjects(tx, org.id);
        if (projects.length > 0) {
          draft.details.hipaa_projects = projects.map((p) => p.name);
          throw conflict(
            `'${org.name}' has HIPAA projects, so HIPAA stays on: ${projects.map(describeProject).join(', ')}. Delete them first; a deleted HIPAA project counts until it is destroyed`,
          );
        }
        await store.setHipaaEnabled(tx, org.id, false);
      },
    );
  }

  /**
   * Idempotent, yet always checked and recorded: asking for the state the org is already in needs
   * the same right and leaves an event (a refusal too).
   */
  async function set(ctx: RequestContext, ref: string, enabled: boolean): Promise<HipaaView> {
    await (enabled ? enable(ctx, ref) : disable(ctx, ref));
    return status(ctx, ref);
  }

  return { status, set, baaStanding };
}

export type HipaaService = ReturnType<typeof createHipaaService>;
