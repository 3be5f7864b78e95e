/**
 * @module http/routes/access
 * Registers the routes of the access domain (src/access) and two-step verification.
 */
import type { FastifyInstance } from 'fastify';
import type { AccessServices } from '../../access/index.js';
import type { IdentityService } from '../../identity/index.js';
import { accessReviewRoutes } from './access-reviews.js';
import { alertRoutes } from './alerts.js';
import { breakGlassRoutes } from './break-glass.js';
import { grantRoutes } from './grants.js';
import { memberRoutes } from './members.js';
import { mfaRoutes } from './mfa.js';
import { serviceAccountRoutes } from './service-accounts.js';
import { ssoRoutes } from './sso.js';

export function accessRoutes(
  app: FastifyInstance,
  deps: { access: AccessServices; identity: IdentityService; secureCookies: boolean },
) {
  const { access } = deps;
  mfaRoutes(app, deps.identity);
  ssoRoutes(app, access.sso, { secureCookies: deps.secureCookies });
  memberRoutes(app, access.members);
  grantRoutes(app, access.grants);
  serviceAccountRoutes(app, access.serviceAccounts);
  breakGlassRoutes(app, access.breakGlass);
  accessReviewRoutes(app, access.reviews);
  alertRoutes(app, access.alerts);
}
