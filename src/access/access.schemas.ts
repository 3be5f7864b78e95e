/**
 * @module access/schemas
 * Request and response shapes for members, project grants, service accounts, break-glass,
 * alert webhooks, access reviews and SSO; shared by the HTTP edge and the OpenAPI document.
 */
import { z } from 'zod';
import { ORG_ROLES, PROJECT_ROLES } from '../db/index.js';
import { emailSchema } from '../identity/index.js';
import { slugSchema } from '../lib/schemas.js';
import { hasControlCharacters } from '../lib/text.js';
import { SCOPE_NAMES, type Scope } from '../policy/index.js';

const noControl = (s: string) => !hasControlCharacters(s, true);
const text = (min: number, max: number) =>
  z.string().trim().min(min).max(max).refine(noControl, 'must not contain control characters');

export const accountId = z
  .string()
  .regex(/^(usr|sa)_[a-z2-7]{16}$/, 'an account id looks like usr_ or sa_ followed by 16 characters');

export const updateMemberBody = z.strictObject({ role: z.enum(ORG_ROLES) });

export const grantBody = z
  .strictObject({ email: emailSchema.optional(), user_id: accountId.optional(), role: z.enum(PROJECT_ROLES) })
  .refine(
    (b) => (b.email === undefined) !== (b.user_id === undefined),
    'give exactly one of email or user_id',
  );

export const effectiveAccessView = z.object({
  user_id: z.string(),
  email: z.string(),
  name: z.string(),
  kind: z.enum(['person', 'service']),
  org_role: z.enum(ORG_ROLES),
  grant: z.enum(PROJECT_ROLES).nullable(),
  role: z.enum(PROJECT_ROLES).nullable(),
  source: z.enum(['org_role', 'grant', 'break_glass']).nullable(),
});

export const projectAccessView = z.object({ project_id: z.string(), access: z.array(effectiveAccessView) });

export const SERVICE_ACCOUNT_ROLES = ['admin', 'developer', 'auditor', 'member'] as const;

export const createServiceAccountBody = z.strictObject({
  name: slugSchema,
  role: z.enum(SERVICE_ACCOUNT_ROLES),
});

export const serviceAccountView = z.object({
  id: z.string(),
  name: z.string(),
  role: z.enum(ORG_ROLES),
  disabled: z.boolean(),
  created_at: z.string(),
  last_used_at: z.string().nullable(),
});

const specificScopes = SCOPE_NAMES.filter((s) => s !== '*') as Exclude<Scope, '*'>[];

export const createServiceTokenBody = z
  .strictObject({
    name: text(1, 64),
    scopes: z
      .array(z.enum(specificScopes as [Exclude<Scope, '*'>, ...Exclude<Scope, '*'>[]]))
      .min(1)
      .max(specificScopes.length),
    expires_at: z.iso.datetime({ offset: true }).optional(),
    expires_in_days: z.number().int().min(1).max(365).optional(),
  })
  .refine((b) => (b.expires_at === undefined) !== (b.expires_in_days === undefined), {
    message: 'a token must expire: give exactly one of expires_at or expires_in_days',
  });

export const breakGlassBody = z.strictObject({
  reason: text(20, 1000),
  minutes: z.number().int().min(5).max(240).default(60),
  role: z.enum(PROJECT_ROLES).default('readwrite'),
});

export const breakGlassView = z.object({
  id: z.string(),
  org_id: z.string(),
  project_id: z.string(),
  user_id: z.string(),
  email: z.string(),
  role: z.enum(PROJECT_ROLES),
  reason: z.string(),
  created_at: z.string(),
  expires_at: z.string(),
  ended_at: z.string().nullable(),
  active: z.boolean(),
  flagged: z.boolean(),
  reviewed_at: z.string().nullable(),
  reviewed_by: z.string().nullable(),
  review_note: z.string().nullable(),
});

export const reviewNoteBody = z.strictObject({ note: text(1, 1000) });

export const webhookBody = z.strictObject({
  url: z.url({ protocol: /^https?$/ }).max(500),
});

export const webhookView = z.object({
  url: z.string(),
  secret: z.string().optional(),
  created_at: z.string(),
});

export const decisionBody = z.strictObject({
  decision: z.enum(['keep', 'revoke']),
  note: text(1, 1000).optional(),
});

export const reviewItemView = z.object({
  subject_id: z.string(),
  kind: z.enum(['person', 'service']),
  email: z.string(),
  name: z.string(),
  org_role: z.string(),
  project_grants: z.array(
    z.object({ project_id: z.string(), project: z.string(), role: z.string(), source: z.string() }),
  ),
  last_sign_in_at: z.string().nullable(),
  last_db_use_at: z.string().nullable(),
  decision: z.enum(['keep', 'revoke']).nullable(),
  decided_by: z.string().nullable(),
  decided_at: z.string().nullable(),
  note: z.string().nullable(),
});

export const reviewView = z.object({
  id: z.string(),
  org_id: z.string(),
  started_by: z.string(),
  started_at: z.string(),
  completed_by: z.string().nullable(),
  completed_at: z.string().nullable(),
  evidence_sha256: z.string().nullable(),
  items: z.array(reviewItemView),
});

export type GrantBody = z.infer<typeof grantBody>;
export type BreakGlassBody = z.infer<typeof breakGlassBody>;
export type CreateServiceTokenBody = z.infer<typeof createServiceTokenBody>;
export type EffectiveAccessView = z.infer<typeof effectiveAccessView>;
export type BreakGlassView = z.infer<typeof breakGlassView>;
export type ReviewView = z.infer<typeof reviewView>;

export const ssoBody = z.strictObject({
  issuer: z.url({ protocol: /^https?$/ }).max(500),
  client_id: text(1, 200),
  client_secret: z.string().min(1).max(500),
  email_domain: z
    .string()
    .trim()
    .toLowerCase()
    .max(253)
    .regex(
      /^(?=.{3,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/,
      'an email domain such as acme.org',
    ),
  require_sso: z.boolean().default(false),
});

export const ssoView = z.object({
  issuer: z.string(),
  client_id: z.string(),
  email_domain: z.string(),
  require_sso: z.boolean(),
  redirect_uri: z.string(),
  updated_at: z.string(),
});

export type SsoBody = z.infer<typeof ssoBody>;
