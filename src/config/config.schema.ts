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
  /**
   * What Ward itself does: `fscrypt` encrypts each project's directory with the kernel's fscrypt
   * under the project's own key (and refuses projects where the kernel cannot); `auto` does so
   * where the kernel can; `none` does not. Default: `auto` in HIPAA regions, `none` elsewhere.
   */
  project_encryption: z.enum(['fscrypt', 'auto', 'none']).optional(),
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

const DURATION_RULE = 'a duration such as 7d, 12h, 30m or 45s';
const UNIT_MS = { d: 86_400_000, h: 3_600_000, m: 60_000, s: 1000 } as const;

/** "7d", "12h", "30m", "45s" → milliseconds (at least one second, at most a year). */
export const durationSchema = z
  .string()
  .regex(/^\d{1,6}(d|h|m|s)$/, DURATION_RULE)
  .transform((s) => Number(s.slice(0, -1)) * UNIT_MS[s.slice(-1) as keyof typeof UNIT_MS])
  .refine((ms) => ms >= 1000 && ms <= 366 * 86_400_000, `${DURATION_RULE}, from 1s to 366d`);

const PORT_RULE = 'must be a port number from 0 to 65535';
const port = z.coerce.number({ error: PORT_RULE }).int(PORT_RULE).min(0, PORT_RULE).max(65535, PORT_RULE);

/**
 * Where backup repositories live: Ward's disk, or an S3-compatible bucket over HTTPS. The keys
 * can come from the environment (WARD_BACKUPS_S3_ACCESS_KEY_ID, WARD_BACKUPS_S3_SECRET_ACCESS_KEY)
 * so that they need not be in ward.yaml.
 */
const s3Key = (variable: string) =>
  z
    .string({
      error: (i) => (i.input === undefined ? `is required (here or in ${variable})` : 'must be text'),
    })
    .min(1, `is required (here or in ${variable})`);

export const repositorySchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('local') }),
  z.strictObject({
    type: z.literal('s3'),
    endpoint: z
      .string()
      .max(253)
      .regex(
        /^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?$/,
        'a host name such as s3.us-east-1.amazonaws.com, without https:// or a path',
      ),
    port: port.default(443),
    bucket: z
      .string()
      .regex(
        /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/,
        'an S3 bucket name: 3 to 63 lowercase letters, digits, dots and dashes',
      ),
    region: z.string().regex(/^[a-z0-9-]{1,50}$/, 'a region such as us-east-1'),
    prefix: z
      .string()
      .max(200)
      .regex(/^(\/[A-Za-z0-9._-]+)+$/, 'a key prefix such as /ward (a leading slash, no trailing slash)')
      .default('/ward'),
    uri_style: z.enum(['host', 'path']).default('host'),
    /** CA certificates (PEM) to trust for the endpoint besides the system's, for a private S3. */
    ca_file: z.string().min(1).max(500).optional(),
    access_key_id: s3Key('WARD_BACKUPS_S3_ACCESS_KEY_ID').max(200),
    secret_access_key: s3Key('WARD_BACKUPS_S3_SECRET_ACCESS_KEY').max(500),
  }),
]);

/**
 * The SMTP server alerts are e-mailed through (nodemailer). The password comes from the
 * environment (WARD_SMTP_PASSWORD) or a file (`password_file`, relative paths under $WARD_HOME),
 * never logged. `secure`: TLS from the first byte (port 465); otherwise STARTTLS, required unless
 * `starttls: false` (only for a server on this machine).
 */
export const smtpSchema = z.strictObject({
  host: z.string().min(1).max(253),
  port: port.default(587),
  secure: z.boolean().default(false),
  starttls: z.boolean().default(true),
  user: z.string().min(1).max(320).optional(),
  password: z.string().min(1).max(500).optional(),
  password_file: z.string().min(1).max(500).optional(),
  from: z
    .string()
    .min(3)
    .max(320)
    .regex(/^[^\s@<>]+@[^\s@<>]+$/, 'an e-mail address such as ward@example.org'),
  /** CA certificates (PEM file) to trust for the server besides the system's. */
  ca_file: z.string().min(1).max(500).optional(),
});
export type SmtpSettings = z.infer<typeof smtpSchema>;

const TLS_RULE =
  "give either cert and key (PEM files; relative paths are under $WARD_HOME) or ward_ca: true (a certificate from Ward's own CA)";

/**
 * HTTPS for the API and the console: the operator's certificate and key, or one that Ward's own
 * CA ($WARD_HOME/tls/ca.crt) issues for `host`, localhost, 127.0.0.1 and ::1.
 */
export const tlsSchema = z
  .strictObject({
    cert: z.string().min(1).max(500).optional(),
    key: z.string().min(1).max(500).optional(),
    ward_ca: z.boolean().optional(),
  })
  .transform((t, ctx): { cert: string; key: string } | { ward_ca: true } => {
    if (t.ward_ca === true && t.cert === undefined && t.key === undefined) return { ward_ca: true };
    if (t.ward_ca !== true && t.cert !== undefined && t.key !== undefined)
      return { cert: t.cert, key: t.key };
    ctx.addIssue({ code: 'custom', message: TLS_RULE });
    return z.NEVER;
  });

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
  tls: tlsSchema.optional(),
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
      /** Failed sign-ins from one client address, within `minutes`, before it is locked. */
      address_max_failures: z.coerce.number().int().min(5).max(10_000).default(20),
    })
    .default({ max_failures: 5, minutes: 15, address_max_failures: 20 }),
  regions: z.array(regionSchema).min(1).max(100).default(DEFAULT_REGIONS),
  /**
   * The size (GiB) of the ext4 image Ward makes for encrypted project directories where the file
   * system under WARD_HOME has no fscrypt; sparse, and doubled when less than a fifth is free.
   */
  encrypted_volume_gb: z.coerce.number().int().min(1).max(65_536).default(16),
  console_dir: z.string().max(500).optional(),
  /** The business associate a BAA names: the organization that runs this Ward (the operator's). */
  business_associate: z
    .strictObject({
      legal_name: z.string().trim().min(1).max(200),
      address: z.string().trim().min(1).max(500),
    })
    .optional(),
  /**
   * PKCS#11 modules (absolute paths of HSM libraries) that orgs may keep their root key behind.
   * Ward dlopens a module as its own user, so only the operator chooses them; empty: no HSM.
   */
  hsm_modules: z
    .array(z.string().regex(/^\/[^\0]{1,499}$/, 'an absolute path to a PKCS#11 library (.so)'))
    .max(20)
    .default([]),
  /** How often Ward probes each org's HSM key (backing off to at most 60s while it is unreachable). */
  hsm_poll_every: durationSchema.prefault('15s'),
  /** How long a deleted HIPAA project stays recoverable before its cluster and keys are destroyed. */
  hipaa_deletion_grace: durationSchema.prefault('7d'),
  /**
   * How often Ward re-checks every HIPAA org's controls (the compliance center), so that a control
   * that stops holding raises its alert without anyone looking; each day's first check is its snapshot.
   */
  compliance_check_every: durationSchema.prefault('10m'),
  /**
   * Days of notice HIPAA orgs get before a change to the subprocessor list takes effect (the BAA
   * template names no period of its own); an earlier effective date is refused.
   */
  subprocessor_notice_days: z.coerce.number().int().min(0).max(365).default(30),
  /** Where alerts are e-mailed from; without it, alerts go to the webhook and the console only. */
  smtp: smtpSchema.optional(),
  /** Backups (pgBackRest): how often Ward looks for due work, drills, retries. */
  backups: z
    .strictObject({
      /** How often the scheduler looks for due backups and drills (the org's time is per minute). */
      scheduler_tick: durationSchema.prefault('1m'),
      /** How often each project gets a restore drill. */
      drill_every: durationSchema.prefault('7d'),
      /** The first retry of a failed backup job after this; each later one waits twice as long. */
      retry_delay: durationSchema.prefault('1m'),
      retry_limit: z.coerce.number().int().min(0).max(10).default(3),
      /** pgBackRest's process-max: parallel compression and transfer per backup or restore. */
      process_max: z.coerce.number().int().min(1).max(32).default(1),
      repository: repositorySchema.prefault({ type: 'local' }),
    })
    .prefault({}),
  audit: z
    .strictObject({
      checkpoint_every_events: z.coerce.number().int().min(1).max(1_000_000).default(1000),
      checkpoint_every_seconds: z.coerce.number().int().min(1).max(86_400).default(10),
    })
    .default({ checkpoint_every_events: 1000, checkpoint_every_seconds: 10 }),
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
      message: `serving on '${host}' (beyond loopback) needs TLS: set tls.cert and tls.key, or tls.ward_ca: true, in ward.yaml`,
    });
  }
  const smtp = raw.smtp as { host?: unknown; secure?: unknown; starttls?: unknown } | undefined;
  if (
    smtp &&
    smtp.secure !== true &&
    smtp.starttls === false &&
    !['127.0.0.1', '::1', 'localhost'].includes(String(smtp.host))
  )
    problems.push({
      path: 'smtp',
      message: `e-mail to '${String(smtp.host)}' without TLS: set secure: true (port 465) or keep starttls on; starttls: false is only for a relay on this machine`,
    });
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
