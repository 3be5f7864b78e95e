/**
 * @module hipaa/plans
 * Which plan HIPAA needs. Plans are the operator's (`ward org set-plan`); HIPAA, and everything
 * that leads to it (rendering and signing the BAA, countersigning), needs `enterprise`.
 */
import type { Org } from '../db/index.js';
import { forbidden } from '../lib/errors.js';

export const HIPAA_PLAN = 'enterprise' as const;

export function requireHipaaPlan(org: Org, what = 'HIPAA'): void {
  if (org.plan !== HIPAA_PLAN)
    throw forbidden(
      `${what} needs the ${HIPAA_PLAN} plan; '${org.name}' is on the ${org.plan} plan. The operator moves it: ward org set-plan ${org.name} ${HIPAA_PLAN}`,
    );
}
