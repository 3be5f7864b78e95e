/**
 * @module orgs/schemas
 * Organization request and response shapes.
 */
import { z } from 'zod';
import { AUDIT_RETENTION } from '../audit/index.js';
import { ORG_ROLES, PLANS } from '../db/index.js';
import { ABSOLUTE_RANGE, emailSchema, IDLE_RANGE } from '../identity/index.js';
import { NAME_RULE, slugSchema } from '../lib/schemas.js';
import { hasControlCharacters } from '../lib/text.js';

export { AUDIT_RETENTION, NAME_RULE, slugSchema };

/** An org in a URL: its id or its name. */
export const orgRef = z
  .string()
  .min(2)
  .max(40)
  .regex(/^[a-z0-9_-]+$/, 'an org id or name');

const text = (max: number) =>
  z
    .string()
    .trim()
    .min(1)
    .max(max)
    .refine((s) => !hasControlCharacters(s, true), 'must not contain control characters');

export const orgSettingsSchema = z.strictObject({
  legal_name: text(200).optional(),
  address: text(500).optional(),
  /** Minutes without activity before a console (and gateway) session ends; HIPAA default 15. */
  session_idle_minutes: z.number().int().min(IDLE_RANGE.min).max(IDLE_RANGE.max).optional(),
  /** Hours after sign-in when a session ends whatever happens; default 12. */
  session_absolute_hours: z.number().int().min(ABSOLUTE_RANGE.min).max(ABSOLUTE_RANGE.max).optional(),
  /** Members must use two-step verification (always so with HIPAA enabled). */
  require_mfa: z.boolean().optional(),
  /** Days the audit log keeps events (and then only once exported); HIPAA orgs at least 2,192 (6 years). */
  audit_retention_days: z.number().int().min(AUDIT_RETENTION.min).max(AUDIT_RETENTION.max).optional(),
});

export const createOrgBody = z.strictObject({ name: slugSchema });

export const updateOrgBody = z
  .strictObject({ plan: z.enum(PLANS).optional(), settings: orgSettingsSchema.optional() })
  .refine((b) => b.plan !== undefined || b.settings !== undefined, 'give plan or settings to change');

export const orgView = z.object({
  id: z.string(),
  name: z.string(),
  plan: z.enum(PLANS),
  hipaa_enabled: z.boolean(),
  settings: orgSettingsSchema,
  role: z.enum(ORG_ROLES).nullable(),
  created_at: z.string(),
});

export const addMemberBody = z.strictObject({ email: emailSchema, role: z.enum(ORG_ROLES) });

export const memberView = z.object({
  user_id: z.string(),
  email: z.string(),
  name: z.string(),
  role: z.enum(ORG_ROLES),
  added_at: z.string(),
});

export type OrgView = z.infer<typeof orgView>;
export type MemberView = z.infer<typeof memberView>;
export type UpdateOrgBody = z.infer<typeof updateOrgBody>;
export type AddMemberBody = z.infer<typeof addMemberBody>;
