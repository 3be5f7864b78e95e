/**
 * @module evidence/schemas
 * Shapes of the audit API: listing filters, events, verification reports, proofs.
 */
import { z } from 'zod';
import { DAMAGE } from './verify.js';

const since = z.iso.datetime({ offset: true });

/** The most events one page of the audit log holds. */
export const AUDIT_PAGE_MAX = 500;

export const listAuditQuery = z.strictObject({
  actor: z.string().min(1).max(254).optional().describe('a user id, an email, or "ward" for Ward itself'),
  action: z
    .string()
    .regex(/^[a-z.]+\*?$/, 'an action such as project.create, or a prefix such as project.*')
    .max(64)
    .optional(),
  project: z.string().min(2).max(40).optional().describe('a project id or name'),
  outcome: z.enum(['success', 'failure', 'denied']).optional(),
  target: z
    .string()
    .min(1)
    .max(100)
    .optional()
    .describe(
      'what the events acted on, by id (a control such as risk-analysis, a sink, …); needs an action',
    ),
  since: since.optional(),
  until: since.optional(),
  cursor: z.string().max(100).optional(),
  limit: z.coerce.number().int().min(1).max(AUDIT_PAGE_MAX).default(50),
});
export type ListAuditQuery = z.infer<typeof listAuditQuery>;

export const auditEventView = z.object({
  chain: z.string(),
  seq: z.number(),
  id: z.string(),
  time: z.string(),
  action: z.string(),
  outcome: z.string(),
  actor: z.record(z.string(), z.unknown()),
  target: z.record(z.string(), z.unknown()),
  details: z.record(z.string(), z.unknown()),
  prev_hash: z.string(),
  hash: z.string(),
});
export type AuditEventView = z.infer<typeof auditEventView>;

export const auditEventList = z.object({
  events: z.array(auditEventView),
  next_cursor: z.string().nullable(),
});

export const checkpointSchema = z.strictObject({
  chain: z.string().max(40),
  tree_size: z.number().int().min(1),
  root_hash: z.string().regex(/^[0-9a-f]{64}$/),
  last_hash: z.string().regex(/^[0-9a-f]{64}$/),
  time: z.string().max(40),
  key_id: z.string().max(64),
  signature: z.string().max(200),
});

export const verifyReportView = z.object({
  ok: z.boolean(),
  chain: z.string(),
  events: z.number(),
  checkpoints: z.number(),
  external_checkpoints: z.number(),
  first_bad_seq: z.number().nullable(),
  damage: z.enum(DAMAGE).nullable(),
  detail: z.string().nullable(),
  /** What the chain's witnesses vouch for; null when none is registered. */
  witnesses: z
    .object({
      quorum: z.number(),
      quorum_checkpoint: z
        .object({ tree_size: z.number(), witnesses: z.array(z.string()), cosigned_at: z.string() })
        .nullable(),
      unreachable: z.array(z.string()),
    })
    .nullable()
    .optional(),
});

export const verifyBody = z.strictObject({ checkpoints: z.array(checkpointSchema).max(100_000) });

/** An inclusion proof, checkable offline with the public key alone (`ward audit check-proof`). */
export const inclusionProofView = z.object({
  format: z.literal('ward-audit-inclusion-proof/v1'),
  event: z.object({ body: z.string(), prev_hash: z.string(), hash: z.string() }),
  leaf_index: z.number(),
  tree_size: z.number(),
  audit_path: z.array(z.string()),
  checkpoint: checkpointSchema,
  public_key: z.string(),
});
export type InclusionProofView = z.infer<typeof inclusionProofView>;

export const exportQuery = z.strictObject({
  format: z.enum(['jsonl', 'ocsf']).default('jsonl'),
});

export const auditEventId = z
  .string()
  .regex(/^evt_[a-z2-7]{16}$/, 'an event id looks like evt_ followed by 16 characters');
