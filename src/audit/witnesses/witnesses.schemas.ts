/**
 * @module audit/witnesses/schemas
 * Witness request and response shapes.
 */
import { z } from 'zod';
import { COSIGNATURE_V1, NoteError, parseVkey } from '../../evidence/index.js';
import { slugSchema } from '../../lib/schemas.js';

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

export const addWitnessBody = z
  .strictObject({
    name: slugSchema,
    url: z.url().max(2000),
    public_key: z.string().min(1).max(1000),
    ca_pem: z
      .string()
      .max(20_000)
      .regex(
        /-----BEGIN CERTIFICATE-----[\s\S]+-----END CERTIFICATE-----/,
        'a PEM certificate (-----BEGIN CERTIFICATE-----)',
      )
      .optional(),
  })
  .superRefine((b, ctx) => {
    const u = URL.canParse(b.url) ? new URL(b.url) : undefined;
    if (u && u.protocol !== 'https:' && !(u.protocol === 'http:' && LOOPBACK_HOSTS.has(u.hostname)))
      ctx.addIssue({
        code: 'custom',
        path: ['url'],
        message: `'${b.url}' is not https: checkpoints leave Ward only over TLS (plain http only to this machine)`,
      });
    try {
      parseVkey(b.public_key, COSIGNATURE_V1);
    } catch (err) {
      if (!(err instanceof NoteError)) throw err;
      ctx.addIssue({
        code: 'custom',
        path: ['public_key'],
        message: `${err.message} (the witness writes it to witness.vkey in its data directory)`,
      });
    }
  });
export type AddWitnessBody = z.infer<typeof addWitnessBody>;

export const quorumBody = z.strictObject({ quorum: z.number().int().min(1).max(64) });

export const witnessView = z.object({
  id: z.string(),
  name: z.string(),
  key_name: z.string(),
  public_key: z.string(),
  url: z.string(),
  /** The largest checkpoint it cosigned (0: none yet). */
  cosigned_size: z.number(),
  cosigned_at: z.string().nullable(),
  lag_events: z.number(),
  last_success_at: z.string().nullable(),
  last_status: z.number().nullable(),
  last_error: z.string().nullable(),
  last_error_at: z.string().nullable(),
  attempts: z.number(),
  created_at: z.string(),
});
export type WitnessView = z.infer<typeof witnessView>;

export const witnessStatusView = z.object({
  /** The chain's origin line and Ward's verifier key for it: what a witness is configured with. */
  origin: z.string(),
  log_key: z.string(),
  quorum: z.number(),
  quorum_set: z.boolean(),
  head_seq: z.number(),
  newest_checkpoint: z.number().nullable(),
  /** The newest checkpoint cosigned by a quorum of the registered witnesses. */
  quorum_checkpoint: z
    .object({
      tree_size: z.number(),
      root_hash: z.string(),
      witnesses: z.array(z.string()),
      cosigned_at: z.string(),
    })
    .nullable(),
  lag_events: z.number(),
  lag_seconds: z.number().nullable(),
  witnesses: z.array(witnessView),
});
export type WitnessStatus = z.infer<typeof witnessStatusView>;

export const logKeyView = z.object({ origin: z.string(), log_key: z.string() });
