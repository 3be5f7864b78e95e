/**
 * @module audit/sinks/schemas
 * Sink request and response shapes.
 */
import { z } from 'zod';
import { slugSchema } from '../../lib/schemas.js';

const pem = z
  .string()
  .max(20_000)
  .regex(
    /-----BEGIN CERTIFICATE-----[\s\S]+-----END CERTIFICATE-----/,
    'a PEM certificate (-----BEGIN CERTIFICATE-----)',
  );

export const createSinkBody = z
  .strictObject({
    name: slugSchema,
    kind: z.enum(['file', 'syslog', 'webhook']),
    format: z.enum(['json', 'ocsf']).default('json'),
    file_name: slugSchema.optional(),
    host: z
      .string()
      .min(1)
      .max(255)
      .regex(/^[A-Za-z0-9.:-]+$/, 'a host name or IP address')
      .optional(),
    port: z.number().int().min(1).max(65535).optional(),
    url: z.url().max(2000).optional(),
    ca_pem: pem.optional(),
  })
  .superRefine((b, ctx) => {
    const need = (field: keyof typeof b, why: string) => {
      if (b[field] === undefined)
        ctx.addIssue({ code: 'custom', path: [field], message: `a ${b.kind} sink needs ${why}` });
    };
    if (b.kind === 'syslog') {
      need('host', 'a host');
      need('port', 'a port');
    }
    if (b.kind === 'webhook') {
      need('url', 'an https URL');
      if (b.url && !b.url.startsWith('https://')) {
        ctx.addIssue({
          code: 'custom',
          path: ['url'],
          message: `'${b.url}' is not https: audit events leave Ward only over TLS`,
        });
      }
    }
  });
export type CreateSinkBody = z.infer<typeof createSinkBody>;

export const updateSinkBody = z.strictObject({ enabled: z.boolean() });

export const sinkView = z.object({
  id: z.string(),
  name: z.string(),
  kind: z.enum(['file', 'syslog', 'webhook']),
  format: z.enum(['json', 'ocsf']),
  target: z.string(),
  enabled: z.boolean(),
  delivered_seq: z.number(),
  head_seq: z.number(),
  lag_events: z.number(),
  lag_seconds: z.number().nullable(),
  last_success_at: z.string().nullable(),
  last_error: z.string().nullable(),
  last_error_at: z.string().nullable(),
  attempts: z.number(),
  created_at: z.string(),
});
export type SinkView = z.infer<typeof sinkView>;

export const createdSink = sinkView.extend({ secret: z.string().optional() });
