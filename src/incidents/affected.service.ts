/**
 * @module incidents/affected
 * An incident's affected individuals counted from the accounting of access (issue 22): which of
 * the org's candidates (its roster, each person with their State) a person's statements reached in
 * a window of one project become the incident's counts per State, which the notices owed depend
 * on (media per State over 500, the Secretary at 500 in all). The identifiers pass through in the
 * request and are never kept; the accounting read is audited where it happens, and the change of
 * counts is one step on the incident's timeline.
 */
import type { RequestContext } from '../lib/context.js';
import { authorize } from '../policy/index.js';
import type { IncidentCore, IncidentDeps } from './incidents.core.js';
import type { AffectedFromAccessBody } from './incidents.schemas.js';
import * as store from './incidents.store.js';
import type { IncidentView } from './incidents.views.js';
import type { Affected } from './obligations.js';
import { EMPTY_AFFECTED } from './record.js';

/** Where a candidate with no State in the roster is counted. */
export const UNKNOWN_STATE = 'unknown';

export function createAffectedService(deps: IncidentDeps, core: IncidentCore) {
  async function fromAccess(
    ctx: RequestContext,
    orgRef: string,
    id: string,
    body: AffectedFromAccessBody,
  ): Promise<IncidentView> {
    const a = await deps.orgs.access(ctx, orgRef);
    authorize(ctx, a, 'incidents.manage');
    const { project, actor, from, to, candidates } = body;
    const reached = await deps.accounting.subjectsReached(
      ctx,
      project,
      { actor, from, to, candidates },
      a.org.id,
    );
    const byState: Record<string, number> = {};
    for (const s of reached.by_state) {
      const state = s.state || UNKNOWN_STATE;
      byState[state] = (byState[state] ?? 0) + s.count;
    }
    const gap =
      reached.uncovered_rows > 0
        ? `; ${reached.uncovered_rows} rows returned without a subject key are not counted`
        : '';
    await core.step(
      ctx,
      orgRef,
      id,
      {
        action: 'incident.affected.count',
        details: {
          incident_id: id,
          project_id: reached.project_id,
          actor,
          from: reached.from,
          to: reached.to,
          candidates: reached.candidates,
          reached: reached.reached,
          uncovered_rows: reached.uncovered_rows,
          by_state: byState,
        },
        summary: `affected individuals from the accounting of access: ${reached.reached} of ${reached.candidates} candidates reached by ${actor}'s ${reached.statements} statements in project ${reached.project_id} from ${reached.from} to ${reached.to}${gap}`,
      },
      async (tx, incident) => {
        const before = (incident.affected as Affected | null) ?? EMPTY_AFFECTED;
        await store.updateIncident(tx, id, { affected: JSON.stringify({ ...before, by_state: byState }) });
      },
    );
    return (await core.load(ctx, orgRef, id)).view;
  }

  return { fromAccess };
}

export type AffectedService = ReturnType<typeof createAffectedService>;
