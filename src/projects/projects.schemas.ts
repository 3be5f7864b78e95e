/**
 * @module projects/schemas
 * Project request and response shapes. Creation also accepts Neon's envelope,
 * `{"project": {...}}`, so scripts written for Neon's API work unchanged.
 */
import { z } from 'zod';
import { AUDIT_DELIVERIES, AUDIT_LOG_LEVELS, PROJECT_STATUSES } from '../db/index.js';
import { slugSchema } from '../lib/schemas.js';

export const projectId = z
  .string()
  .regex(/^prj_[a-z2-7]{16}$/, 'a project id looks like prj_ followed by 16 characters');

const settings = z.strictObject({
  audit_log_level: z.enum(AUDIT_LOG_LEVELS).optional(),
  /** How the gateway delivers statement events: `sync` (durable before results) or `async`. */
  audit_delivery: z.enum(AUDIT_DELIVERIES).optional(),
});

const createFields = z.strictObject({
  name: slugSchema,
  region_id: z.string().min(1).max(40),
  settings: settings.optional(),
});

export const createProjectBody = z.preprocess(
  (b) =>
    b && typeof b === 'object' && 'project' in b && Object.keys(b).length === 1
      ? (b as { project: unknown }).project
      : b,
  createFields,
);

export const updateProjectBody = z
  .strictObject({ name: slugSchema.optional(), settings: settings.optional() })
  .refine((b) => b.name !== undefined || b.settings !== undefined, 'give name or settings to change');

export const listProjectsQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(500).default(100),
  cursor: z.string().max(200).optional(),
});

export const clusterView = z.object({
  state: z.enum(['starting', 'running', 'restarting', 'stopping', 'stopped']),
  pid: z.number().optional(),
  restarts: z.number(),
  last_exit: z.string().optional(),
  last_error: z.string().optional(),
  since: z.string(),
});

export const projectView = z.object({
  id: z.string(),
  org_id: z.string(),
  name: z.string(),
  region_id: z.string(),
  settings: z.object({
    audit_log_level: z.enum(AUDIT_LOG_LEVELS),
    audit_delivery: z.enum(AUDIT_DELIVERIES),
    /** Plaintext connections from the gateway's loopback address are allowed (standard projects only). */
    allow_plaintext: z.boolean(),
  }),
  status: z.enum(PROJECT_STATUSES),
  status_reason: z.string().nullable(),
  cluster: clusterView.nullable(),
  created_at: z.string(),
  updated_at: z.string(),
  /** A deleted HIPAA project, recoverable (ward project undelete) until purge_after. */
  deletion: z.object({ purge_after: z.string(), requested_at: z.string().nullable() }).nullable(),
  /**
   * Encryption at rest of the project's directory, as the kernel reports it (fscrypt: its own
   * key); present when one project is read.
   */
  encryption: z
    .object({ kind: z.enum(['fscrypt', 'none']), detail: z.string(), unlocked: z.boolean().optional() })
    .optional(),
});

/**
 * Whether the gateway takes plaintext connections to the project from its own machine (loopback);
 * every other connection needs TLS. HIPAA projects always require TLS.
 */
export const setPlaintextBody = z.strictObject({ allowed: z.boolean() });

/** Deleting a HIPAA project needs the owner's confirmation that its audit log was exported. */
export const deleteProjectBody = z.strictObject({ audit_log_exported: z.boolean().optional() }).nullish();

export const projectList = z.object({ projects: z.array(projectView), next_cursor: z.string().nullable() });

export type CreateProjectBody = z.infer<typeof createFields>;
export type UpdateProjectBody = z.infer<typeof updateProjectBody>;
export type SetPlaintextBody = z.infer<typeof setPlaintextBody>;
export type ProjectView = z.infer<typeof projectView>;
