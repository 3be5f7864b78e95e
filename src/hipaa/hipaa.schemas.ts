/**
 * @module hipaa/schemas
 * BAA and HIPAA request and response shapes, and the business associate the operator names.
 */
import { z } from 'zod';
import { BAA_STATUSES, PLANS, PROJECT_STATUSES } from '../db/index.js';
import { hasControlCharacters } from '../lib/text.js';

export const documentSha256 = z
  .string()
  .regex(/^[0-9a-fA-F]{64}$/, 'the SHA-256 of the BAA as Ward rendered it: 64 hex digits')
  .transform((s) => s.toLowerCase());

const person = (what: string) =>
  z
    .string()
    .trim()
    .min(1, `${what} is required`)
    .max(200)
    .refine((s) => !hasControlCharacters(s), 'must not contain control characters');

export const signBaaBody = z.strictObject({
  document_sha256: documentSha256,
  name: person('your full name'),
  title: person('your title'),
  /** Must be true: the explicit acceptance. Checked (and a refusal audited) by the service. */
  accept: z.boolean().optional(),
});

export const countersignBaaBody = z.strictObject({
  document_sha256: documentSha256,
  name: person('your full name'),
  title: person('your title'),
});

export const setHipaaBody = z.strictObject({ enabled: z.boolean() });

/** The business associate's details: trimmed, bounded; an address may span lines, a name not. */
const associateText = (what: string, max: number, lineBreaks: boolean) =>
  z
    .string()
    .trim()
    .min(1, `${what} is required`)
    .max(max, `${what} is at most ${max} characters`)
    .refine((s) => !hasControlCharacters(s, lineBreaks), `${what} must not contain control characters`);

export const businessAssociateBody = z.strictObject({
  legal_name: associateText('the legal name', 200, false),
  address: associateText('the address', 500, true),
});

export const BUSINESS_ASSOCIATE_SOURCES = ['runtime', 'ward.yaml', 'none'] as const;

export const businessAssociateView = z.object({
  /** Null until the operator names it (at runtime or in ward.yaml): no BAA renders until then. */
  legal_name: z.string().nullable(),
  address: z.string().nullable(),
  /** Where it comes from: set at runtime (wins), ward.yaml (the seed), or nowhere yet. */
  source: z.enum(BUSINESS_ASSOCIATE_SOURCES),
  updated_at: z.string().nullable(),
  /** The email of the operator who set it at runtime. */
  updated_by: z.string().nullable(),
});

export const baaDocumentView = z.object({
  org_id: z.string(),
  template_version: z.string(),
  document: z.string(),
  document_sha256: z.string(),
});

export const signatureView = z.object({
  name: z.string(),
  title: z.string(),
  email: z.string(),
  at: z.string(),
  ip: z.string().nullable(),
});

export const baaView = z.object({
  id: z.string(),
  org_id: z.string(),
  status: z.enum(BAA_STATUSES),
  template_version: z.string(),
  document_sha256: z.string(),
  document: z.string(),
  signed: signatureView,
  countersigned: signatureView.nullable(),
});

export const pendingBaaView = baaView.omit({ document: true }).extend({ org_name: z.string() });

export const hipaaProjectView = z.object({
  id: z.string(),
  name: z.string(),
  status: z.enum(PROJECT_STATUSES),
  purge_after: z.string().nullable(),
});

export const hipaaView = z.object({
  org_id: z.string(),
  enabled: z.boolean(),
  plan: z.enum(PLANS),
  required_plan: z.literal('enterprise'),
  /** The BAA in force, or the one waiting for countersignature (whichever is newer). */
  baa: baaView.omit({ document: true }).nullable(),
  /** Whether the BAA in force still matches the org's details and the current template. */
  baa_current: z.boolean().nullable(),
  hipaa_projects: z.array(hipaaProjectView),
  /**
   * Projects that take plaintext connections from the gateway's loopback address (a standard
   * project's opt-in); every other connection to every project needs TLS.
   */
  plaintext_projects: z.array(z.object({ id: z.string(), name: z.string() })),
  /** What has to happen next, in a sentence. */
  next_step: z.string(),
});

export type SignBaaBody = z.infer<typeof signBaaBody>;
export type CountersignBaaBody = z.infer<typeof countersignBaaBody>;
export type BaaView = z.infer<typeof baaView>;
export type BaaDocumentView = z.infer<typeof baaDocumentView>;
export type PendingBaaView = z.infer<typeof pendingBaaView>;
export type HipaaView = z.infer<typeof hipaaView>;
export type HipaaProjectView = z.infer<typeof hipaaProjectView>;
export type BusinessAssociateBody = z.infer<typeof businessAssociateBody>;
export type BusinessAssociateView = z.infer<typeof businessAssociateView>;
