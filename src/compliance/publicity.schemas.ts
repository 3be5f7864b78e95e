/**
 * @module compliance/publicity-schemas
 * API shapes (zod) of the compliance center's public face: an org's publicity switches, the
 * public trust page's JSON, the operator's subprocessors and the notices orgs are sent about
 * them. The same schemas produce the OpenAPI document.
 */
import { z } from 'zod';
import { CONTROL_STATES, NOTICE_CHANGES } from '../db/index.js';
import { hasControlCharacters } from '../lib/text.js';
import { isRealDay } from './compliance.schemas.js';

/** An org id in a public URL; anything else gets the same 404 as an org that publishes nothing. */
export const publicOrgId = z.string().max(40);

export const publicityBody = z
  .strictObject({
    badge: z.boolean().optional().describe('serve the HIPAA badge (SVG) without sign-in'),
    trust_page: z.boolean().optional().describe('serve the trust page (HTML and JSON) without sign-in'),
  })
  .refine((b) => b.badge !== undefined || b.trust_page !== undefined, 'give badge or trust_page to change');

export const publicityView = z.object({
  org_id: z.string(),
  badge: z.boolean(),
  trust_page: z.boolean(),
  updated_at: z.string().nullable(),
  updated_by: z.string().nullable().describe('the email of the owner who changed them last'),
  badge_path: z.string().describe("the badge's path on this Ward (stable: it names the org's id)"),
  trust_page_path: z.string(),
  trust_json_path: z.string(),
});

const text = (max: number, what: string) =>
  z
    .string()
    .trim()
    .min(1, `give the ${what}`)
    .max(max, `the ${what} may be at most ${max} characters`)
    .refine((s) => !hasControlCharacters(s), `the ${what} must not contain control characters`);

/** When a change takes effect: a day (00:00 UTC) or an ISO 8601 time with its offset. */
export const effectiveAt = z
  .string()
  .max(40)
  .regex(
    /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2}))?$/,
    'a date as YYYY-MM-DD (00:00 UTC) or an ISO 8601 time such as 2027-01-31T12:00:00Z',
  )
  .refine((s) => isRealDay(s) && !Number.isNaN(Date.parse(s)), 'not a real date')
  .describe('when the change takes effect: at least the notice period (subprocessor_notice_days) from now');

export const subprocessorDetails = {
  name: text(200, 'name'),
  purpose: text(500, 'purpose'),
  location: text(200, 'location').describe('where it processes data, such as "United States"'),
  phi: z.boolean().describe('whether it may create, receive, maintain or transmit PHI'),
};

export const createSubprocessorBody = z.strictObject({ ...subprocessorDetails, effective_at: effectiveAt });

export const updateSubprocessorBody = z
  .strictObject({
    name: subprocessorDetails.name.optional(),
    purpose: subprocessorDetails.purpose.optional(),
    location: subprocessorDetails.location.optional(),
    phi: subprocessorDetails.phi.optional(),
    effective_at: effectiveAt,
  })
  .refine(
    (b) => b.name !== undefined || b.purpose !== undefined || b.location !== undefined || b.phi !== undefined,
    'give name, purpose, location or phi to change',
  );

export const removeSubprocessorBody = z.strictObject({ effective_at: effectiveAt });

export const subprocessorId = z.string().regex(/^sub_[a-z2-7]{16}$/, 'a subprocessor id (sub_…)');

const details = z.object({
  name: z.string(),
  purpose: z.string(),
  location: z.string(),
  phi: z.boolean(),
});

export const SUBPROCESSOR_STATUSES = ['upcoming', 'in_effect', 'removal_announced', 'removed'] as const;

export const subprocessorView = details.extend({
  id: z.string(),
  status: z
    .enum(SUBPROCESSOR_STATUSES)
    .describe('upcoming until its first effective date; removal_announced until its removal takes effect'),
  effective_at: z.string().describe('when the details shown took (or take) effect'),
  next: details
    .extend({ effective_at: z.string() })
    .nullable()
    .describe('an announced change to its details, not yet in effect'),
  removal_effective_at: z.string().nullable(),
  created_at: z.string(),
});

export const noticeView = z.object({
  id: z.string(),
  subprocessor_id: z.string(),
  change: z.enum(NOTICE_CHANGES),
  summary: z.string(),
  effective_at: z.string(),
  created_at: z.string(),
});

export const publicSubprocessor = details.extend({
  status: z.enum(['in_effect', 'upcoming']),
  effective_at: z.string(),
  removal_effective_at: z.string().nullable().describe('announced: it will no longer be used from then'),
  next: details
    .extend({ effective_at: z.string() })
    .nullable()
    .describe('announced: its details change then'),
});

export const trustView = z.object({
  org_id: z.string(),
  org_name: z.string().describe("the organization's legal name, or its name"),
  checked: z.string().nullable().describe('the day of the latest check (YYYY-MM-DD), null before the first'),
  required_score: z.number().nullable(),
  addressable_score: z.number().nullable(),
  required_met: z.boolean().nullable(),
  safeguards: z.array(
    z.object({
      id: z.string(),
      title: z.string(),
      controls: z.array(
        z.object({
          citation: z.string(),
          title: z.string(),
          kind: z.enum(['required', 'addressable']),
          state: z.enum(CONTROL_STATES).nullable(),
        }),
      ),
    }),
  ),
  subprocessors: z.array(publicSubprocessor),
});

export type PublicityBody = z.infer<typeof publicityBody>;
export type PublicityView = z.infer<typeof publicityView>;
export type CreateSubprocessorBody = z.infer<typeof createSubprocessorBody>;
export type UpdateSubprocessorBody = z.infer<typeof updateSubprocessorBody>;
export type RemoveSubprocessorBody = z.infer<typeof removeSubprocessorBody>;
export type SubprocessorView = z.infer<typeof subprocessorView>;
export type PublicSubprocessor = z.infer<typeof publicSubprocessor>;
export type NoticeView = z.infer<typeof noticeView>;
export type TrustView = z.infer<typeof trustView>;
