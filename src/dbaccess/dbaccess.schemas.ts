/**
 * @module dbaccess/schemas
 * Request and response shapes for database credentials.
 */
import { z } from 'zod';

export const CREDENTIAL_TTL = { defaultMinutes: 15, maxMinutes: 60 } as const;

export const createCredentialsBody = z
  .strictObject({
    ttl_minutes: z.coerce
      .number()
      .int('ttl_minutes must be a whole number of minutes')
      .min(1, 'ttl_minutes must be at least 1')
      .max(CREDENTIAL_TTL.maxMinutes, `ttl_minutes must be at most ${CREDENTIAL_TTL.maxMinutes} (one hour)`)
      .optional(),
  })
  .optional();

export const credentialsView = z.object({
  id: z.string(),
  project_id: z.string(),
  /** The user name to connect with: your email, or the service account's name. */
  user: z.string(),
  password: z.string(),
  expires_at: z.string(),
  host: z.string(),
  port: z.number(),
  database: z.string(),
  sslmode: z.literal('verify-full'),
  /** Ward's CA certificate, to verify the gateway with (the file is at ca_cert_path on Ward's machine). */
  ca_cert: z.string(),
  ca_cert_path: z.string(),
  /** A connection URI without the password (give it as PGPASSWORD or when asked). */
  uri: z.string(),
  project_role: z.enum(['owner', 'readwrite', 'readonly']),
  db_role: z.string(),
});

export type CreateCredentialsBody = z.infer<typeof createCredentialsBody>;
export type CredentialsView = z.infer<typeof credentialsView>;

export const statementTextBody = z.strictObject({
  reason: z
    .string()
    .trim()
    .min(10, 'say why you need the raw text (at least 10 characters); the reason is recorded')
    .max(500, 'the reason can be at most 500 characters'),
});

export const statementTextView = z.object({
  event_id: z.string(),
  session_id: z.string(),
  text_id: z.number(),
  project_id: z.string(),
  /** The statement exactly as the client sent it: it may hold PHI. */
  text: z.string(),
  bytes: z.number(),
});

export type StatementTextView = z.infer<typeof statementTextView>;
