/**
 * @module api/access-types
 * The identity and access API's shapes (sessions, MFA, members, project access, service
 * accounts, tokens, break-glass, access reviews, SSO), read from the server's OpenAPI document.
 */
import type { Body, Json } from './schema';

export type Session = Json<'/api/v1/auth/session', 'get'>;
export type MfaStatus = Json<'/api/v1/auth/mfa', 'get'>;
export type TotpEnrollment = Json<'/api/v1/auth/mfa/totp', 'post'>;

export type Member = Json<'/api/v1/orgs/{org}/members', 'get'>['members'][number];

export type ProjectAccess = Json<'/api/v1/projects/{id}/access', 'get'>['access'][number];
export type ProjectRole = NonNullable<ProjectAccess['role']>;

export type ServiceAccount = Json<'/api/v1/orgs/{org}/service-accounts', 'get'>['service_accounts'][number];
/** A role a service account can be given (never owner). */
export type ServiceAccountRole = Body<'/api/v1/orgs/{org}/service-accounts', 'post'>['role'];

/** A personal or service account API token, without its secret. */
export type ApiToken = Json<'/api/v1/tokens', 'get'>['tokens'][number];
/** A new token: its secret comes once, here. */
export type NewApiToken = Json<'/api/v1/tokens', 'post'>;
/** What a personal token may be narrowed to (none given: `*`, everything its person may do). */
export type PersonalTokenScope = NonNullable<Body<'/api/v1/tokens', 'post'>['scopes']>[number];

export type BreakGlass = Json<'/api/v1/orgs/{org}/break-glass', 'get'>['break_glass'][number];

/** An access review as listed, without its items. */
export type AccessReview = Json<'/api/v1/orgs/{org}/access-reviews', 'get'>['reviews'][number];
/** One access review with every item to decide. */
export type AccessReviewDetail = Json<'/api/v1/orgs/{org}/access-reviews/{id}', 'get'>;
export type ReviewItem = AccessReviewDetail['items'][number];

export type SsoConfig = Json<'/api/v1/orgs/{org}/sso', 'get'>;
export type SsoBody = Body<'/api/v1/orgs/{org}/sso', 'put'>;
export type AlertWebhook = Json<'/api/v1/orgs/{org}/alert-webhook', 'get'>;

/** The settings an owner or admin may change (PATCH /orgs/{org}). */
export type OrgSettings = NonNullable<Body<'/api/v1/orgs/{org}', 'patch'>['settings']>;
