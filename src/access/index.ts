/**
 * @module access
 * Who can reach what inside an org, and the records that prove it: members' roles and removal,
 * project grants, service accounts, break-glass, security alerts, access reviews, single
 * sign-on. Wired once here; the composition root only calls `createAccessServices`.
 */
import type { AuditService } from '../audit/audit.service.js';
import type { Db } from '../db/pool.js';
import type { IdentityService } from '../identity/identity.service.js';
import type { KeyService } from '../keys/keys.service.js';
import type { Logger } from '../lib/logger.js';
import type { OrgService } from '../orgs/orgs.service.js';
import { createAlerts } from './alerts.js';
import { createBreakGlassService } from './break-glass.service.js';
import { createGrantService } from './grants.service.js';
import { createMemberService } from './members.service.js';
import { createReviewService } from './reviews.service.js';
import { createServiceAccountService } from './service-accounts.service.js';
import { createSsoService } from './sso/sso.service.js';

export function createAccessServices(deps: {
  db: Db;
  audit: AuditService;
  keys: KeyService;
  orgs: OrgService;
  identity: IdentityService;
  log: Logger;
}) {
  const alerts = createAlerts(deps);
  const grants = createGrantService(deps);
  return {
    alerts,
    grants,
    members: createMemberService(deps),
    serviceAccounts: createServiceAccountService(deps),
    breakGlass: createBreakGlassService({ ...deps, grants, alerts }),
    reviews: createReviewService({ ...deps, grants }),
    sso: createSsoService(deps),
  };
}

export type AccessServices = ReturnType<typeof createAccessServices>;
