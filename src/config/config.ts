/**
 * @module config
 * Loads Ward's settings. Precedence: environment (`WARD_*`) over `$WARD_HOME/ward.yaml` over
 * defaults. Returns every problem at once, naming the setting and where it came from.
 */
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { configSchema, crossFieldProblems, tlsSchema, type WardConfig } from './config.schema.js';
import { resolveTlsFiles, tlsFileProblems } from './tls.js';

export type { Region, WardConfig } from './config.schema.js';
export { DEFAULT_REGIONS } from './config.schema.js';

/** Environment variable → setting. The README lists the same table. */
export const ENV_SETTINGS = {
  WARD_HOST: 'host',
  WARD_PORT: 'port',
  WARD_GATEWAY_PORT: 'gateway_port',
  WARD_DATABASE_URL: 'database_url',
  WARD_DATABASE_OWNER_URL: 'database_owner_url',
  WARD_PG_BIN: 'pg_bin',
  WARD_SERVICE_USER: 'service_user',
  WARD_LOG_LEVEL: 'log_level',
  WARD_CONSOLE_DIR: 'console_dir',
} as const;

/** Environment variable → a setting inside a section: keys that need not be written in ward.yaml. */
export const ENV_NESTED_SETTINGS = {
  WARD_BACKUPS_S3_ACCESS_KEY_ID: ['backups', 'repository', 'access_key_id'],
  WARD_BACKUPS_S3_SECRET_ACCESS_KEY: ['backups', 'repository', 'secret_access_key'],
  WARD_SMTP_PASSWORD: ['smtp', 'password'],
} as const;

/** Sets raw[path] = value, making the sections on the way (copies, so the YAML is not changed). */
function setNested(raw: Record<string, unknown>, path: readonly string[], value: string): void {
  let at = raw;
  for (const key of path.slice(0, -1)) {
    const next = at[key];
    const section = next && typeof next === 'object' && !Array.isArray(next) ? { ...next } : {};
    at[key] = section;
    at = section as Record<string, unknown>;
  }
  at[path[path.length - 1] as string] = value;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Ward's settings are not valid:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

export function wardHome(env: NodeJS.ProcessEnv = process.env): string {
  return resolve(env.WARD_HOME || join(homedir(), '.ward'));
}

function readYaml(path: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw new ConfigError([`${path}: ${(e as Error).message}`]);
  }
  try {
    const doc = parseYaml(text) ?? {};
    if (typeof doc !== 'object' || Array.isArray(doc)) throw new Error('the top level must be a mapping');
    return doc as Record<string, unknown>;
  } catch (e) {
    throw new ConfigError([`${path}: ${(e as Error).message}`]);
  }
}

export function loadConfig(
  env: NodeJS.ProcessEnv = process.env,
  overrides: Partial<WardConfig> = {},
): WardConfig {
  const home = wardHome(env);
  const yamlPath = join(home, 'ward.yaml');
  const raw: Record<string, unknown> = { ...readYaml(yamlPath), home };
  /** Setting path ('port', 'backups.repository.access_key_id') → the variable that set it. */
  const fromEnv = new Map<string, string>();
  for (const [name, key] of Object.entries(ENV_SETTINGS)) {
    const value = env[name];
    if (value !== undefined && value !== '') {
      raw[key] = value;
      fromEnv.set(key, name);
    }
  }
  for (const [name, path] of Object.entries(ENV_NESTED_SETTINGS)) {
    const value = env[name];
    if (value !== undefined && value !== '') {
      setNested(raw, path, value);
      fromEnv.set(path.join('.'), name);
    }
  }
  Object.assign(raw, overrides);
  const parsed = configSchema.safeParse(raw);
  // The HTTPS certificate and key (relative paths are under WARD_HOME) are checked here too.
  const tls = raw.tls === undefined ? undefined : tlsSchema.safeParse(raw.tls).data;
  const tlsFiles = tls && 'cert' in tls ? resolveTlsFiles(tls, home) : undefined;
  if (parsed.success && tlsFiles) parsed.data.tls = tlsFiles;
  const issues = [
    ...(parsed.success
      ? []
      : parsed.error.issues.map((i) => ({ path: i.path.map(String), message: i.message }))),
    ...crossFieldProblems(raw).map((p) => ({ path: [p.path], message: p.message })),
    ...(tlsFiles ? tlsFileProblems(tlsFiles) : []),
  ];
  if (issues.length > 0 || !parsed.success) {
    throw new ConfigError(
      issues.map((issue) => {
        const variable = fromEnv.get(issue.path.join('.')) ?? fromEnv.get(issue.path[0] ?? '');
        const source = variable ? `environment ${variable}` : `${yamlPath} '${issue.path.join('.')}'`;
        return `${source}: ${issue.message}`;
      }),
    );
  }
  return parsed.data;
}
