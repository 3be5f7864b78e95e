/**
 * @module compliance/schemas
 * The compliance center's API shapes (zod): an org's posture (scores, history, every control with
 * its evidence), attestations and decisions. The same schemas produce the OpenAPI document.
 */
import { z } from 'zod';
import { CONTROL_STATES, DECISIONS } from '../db/index.js';

export const controlId = z
  .string()
  .regex(/^[a-z][a-z-]{1,99}$/, 'a control id such as risk-analysis (ward compliance controls lists them)');

export const attestationView = z.object({
  id: z.string(),
  statement: z.string(),
  file_name: z.string(),
  sha256: z.string(),
  size_bytes: z.number(),
  review_by: z
    .string()
    .describe('YYYY-MM-DD: past it, the control fails until a reviewed document is uploaded'),
  attested_by: z.string(),
  attested_at: z.string(),
});

export const decisionView = z.object({
  id: z.string(),
  decision: z.enum(DECISIONS),
  rationale: z.string(),
  decided_by: z.string(),
  decided_at: z.string(),
  expires_at: z.string(),
  in_force: z.boolean(),
});

export const controlView = z.object({
  id: z.string(),
  citation: z.string(),
  safeguard: z.enum(['administrative', 'physical', 'technical', 'organizational', 'documentation']),
  standard: z.string(),
  title: z.string(),
  kind: z.enum(['required', 'addressable']),
  responsibility: z.enum(['ward', 'shared', 'customer']),
  check: z.string().describe("the live check Ward runs, or 'attestation'"),
  threshold: z.string().nullable(),
  applies_when: z.string().nullable(),
  state: z.enum(CONTROL_STATES),
  previous_state: z.enum(CONTROL_STATES).nullable().describe('the state before the last change'),
  since: z.string().describe('when the control entered its state'),
  message: z.string(),
  evidence: z.record(z.string(), z.unknown()),
  attestation: attestationView.nullable(),
  decision: decisionView.nullable(),
});

export const historyPoint = z.object({
  day: z.string(),
  required_score: z.number(),
  addressable_score: z.number(),
  required_met: z.boolean(),
});

export const complianceView = z.object({
  org_id: z.string(),
  org_name: z.string(),
  hipaa_enabled: z.boolean(),
  checked_at: z.string(),
  required_score: z.number().describe('share of required controls met, 0–100; 100 only when every one is'),
  addressable_score: z.number().describe('share of addressable controls met, 0–100'),
  required_met: z.boolean(),
  failing_required: z.array(z.string()).describe('ids of the required controls that fail'),
  controls: z.array(controlView),
  history: z.array(historyPoint).describe('one point per day, the last 90 days'),
});

/** Whether `s` begins with a calendar day that exists (2027-02-30 does not). */
export function isRealDay(s: string): boolean {
  const d = new Date(`${s.slice(0, 10)}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s.slice(0, 10);
}

const day = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'a date as YYYY-MM-DD')
  .refine(isRealDay, 'not a day of the calendar');

export const attestBody = z.strictObject({
  control: controlId,
  statement: z.string().trim().min(1, 'say what the document shows').max(4000),
  file_name: z.string().trim().min(1).max(255),
  content_type: z.string().trim().min(1).max(255).default('application/octet-stream'),
  content_base64: z
    .string()
    .min(1, 'the document is empty')
    .max(14_000_000, 'a document may be at most 10 MB'),
  review_by: day,
});

export const decideBody = z.strictObject({
  control: controlId,
  decision: z.enum(DECISIONS),
  rationale: z
    .string()
    .trim()
    .min(20, 'give the rationale in a sentence or more (at least 20 characters)')
    .max(4000),
});

export type ComplianceView = z.infer<typeof complianceView>;
export type ControlView = z.infer<typeof controlView>;
export type AttestBody = z.infer<typeof attestBody>;
export type DecideBody = z.infer<typeof decideBody>;
