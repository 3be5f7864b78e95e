/**
 * @module config/schema
 * The shape of Ward's settings: environment variables over `$WARD_HOME/ward.yaml` over
 * defaults. Validated once at start; every problem is reported at once; no secret has a default.
 */
import { z } from 'zod';

const slug = z
  .string()
  .min(1)
  .max(40)
  .regex(/^[a-z0-9][a-z0-9-]*$/, 'lowercase letters, digits and dashes');

export const regionSchema = z.strictObject({
  id: slug,
  name: z.string().min(1).max(80),
  type: z.enum(['standard', 'hipaa']),
  provider: z.enum(['local']).default('local'),
  /** What the operator declares about the disk under this region's data. */
  storage_encryption: z.enum(['none', 'dm-crypt', 'provider']).default('none'),
});
export type Region = z.infer<typeof regionSchema>;

export const DEFAULT_REGIONS: Region[] = [
  {
    id: 'local',
    name: 'Local (this machine)',
    type: 'standard',
    provider: 'local',
    storage_encryption: 'none',
  },
  {
    id: 'local-hipaa',
    name: 'Local, HIPAA (this machine)',
    type: 'hipaa',
    provider: 'local',
    storage_encryption: 'none',
  },
];

const PORT_RULE = 'must be a port number from 0 to 65535';
const port = z.coerce.number({ error: PORT_RULE }).int(PORT_RULE).min(0, PORT_RULE).max(65535, PORT_RULE);

export const configSchema = z.strictObject({
  home: z.string().min(1).max(200),
  host: z.string().min(1).max(255).default('127.0.0.1'),
  port: port.default(8080),
  gateway_port: port.default(6432),
  database_url: z.string().max(1000).optional(),
  database_owner_url: z.string().max(1000).optional(),
  pg_bin: z.string().max(500).optional(),
  service_user: z
    .string()
    .regex(/^[a-z_][a-z0-9_-]{0,31}$/)
    .default('ward'),
  log_level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  tls: z.strictObject({ cert: z.string().min(1), key: z.string().min(1) }).optional(),
  session_ttl_minutes: z.coerce
    .number()
    .int()
    .min(5)
    .max(24 * 60)
    .default(12 * 60),
  lockout: z
    .strictObject({
      max_failures: z.coerce.number().int().min(3).max(100).default(5),
      minutes: z.coerce
        .number()
        .int()
        .min(1)
        .max(24 * 60)
        .default(15),
    })
    .default({ max_failures: 5, minutes: 15 }),
  regions: z.array(regionSchema).min(1).max(100).default(DEFAULT_REGIONS),
  console_dir: z.string().max(500).optional(),
});

/**
 * Rules across settings. Checked on the raw input beside the schema (zod skips object-level rules
 * once any field fails), so that every problem is reported at once.
 */
export function crossFieldProblems(raw: Record<string, unknown>): { path: string; message: string }[] {
  const problems: { path: string; message: string }[] = [];
  const host = typeof raw.host === 'string' ? raw.host : '127.0.0.1';
  if (!['127.0.0.1', '::1', 'localhost'].includes(host) && raw.tls === undefined) {
    problems.push({
      path: 'host',
      message: `serving on '${host}' (beyond loopback) needs TLS: set tls.cert and tls.key in ward.yaml`,
    });
  }
  if (Array.isArray(raw.regions)) {
    const seen = new Set<unknown>();
    for (const r of raw.regions as { id?: unknown }[]) {
      if (seen.has(r?.id))
        problems.push({ path: 'regions', message: `region id '${String(r?.id)}' appears twice` });
      seen.add(r?.id);
    }
  }
  return problems;
}

export type WardConfig = z.infer<typeof configSchema>;
