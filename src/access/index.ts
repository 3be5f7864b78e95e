/**
 * @module access
 * Who can reach what inside an org, and the records that prove it: members' roles and removal,
 * project grants, service accounts, break-glass, security alerts, access reviews, single
 * sign-on. Wired once here; the composition root only calls `createAccessServices`.
 */
import type { AuditService } from '../audit/index.js';
import type { Db } from '../db/index.js';
import type { IdentityService } from '../identity/index.js';
import type { KeyService } from '../keys/index.js';
import type { Logger } from '../lib/logger.js';
import type { OrgService } from '../orgs/index.js';
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
export {
  accountId,
  breakGlassBody,
  breakGlassView,
  createServiceAccountBody,
  createServiceTokenBody,
  decisionBody,
  grantBody,
  projectAccessView,
  reviewNoteBody,
  reviewView,
  serviceAccountView,
  ssoBody,
  ssoView,
  updateMemberBody,
  webhookBody,
  webhookView,
} from './access.schemas.js';
export type { Alerts } from './alerts.js';
export type { BreakGlassService } from './break-glass.service.js';
export type { GrantService } from './grants.service.js';
export type { MemberService } from './members.service.js';
export type { ReviewService } from './reviews.service.js';
export type { ServiceAccountService } from './service-accounts.service.js';
export type { SsoService } from './sso/sso.service.js';
