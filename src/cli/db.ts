/**
 * @module cli/db
 * `ward db …`: getting into a project's database through the gateway. `credentials` prints a
 * short-lived password and the connection URI (psql works with it as is); `audit-delivery`
 * shows or sets how a standard project's statement events reach the audit log.
 */
import type { Command } from 'commander';
import { CliError, connect } from './client.js';
import { action, printFields, printJson, say, withJson } from './output.js';
import { type ProjectRow, resolveProject } from './projects.js';

interface CredentialsRow {
  id: string;
  user: string;
  password: string;
  expires_at: string;
  host: string;
  port: number;
  database: string;
  uri: string;
  project_role: string;
  db_role: string;
  ca_cert_path: string;
}

/** "15", "15m", "1h" → minutes. */
function minutes(text: string): number {
  const m = /^(\d+)\s*(m|min|minutes?|h|hours?)?$/i.exec(text.trim());
  if (!m) throw new CliError(`--ttl '${text}' is not a duration such as 15m or 1h`, 2);
  return Number(m[1]) * (m[2]?.toLowerCase().startsWith('h') ? 60 : 1);
}

export function registerDb(program: Command): void {
  const db = program.command('db').description('databases: connect to a project through the gateway');
  withJson(
    db
      .command('credentials')
      .description(
        'a short-lived database password (15 minutes unless --ttl says otherwise, at most 1h) and the URI to connect with',
      )
      .requiredOption('--project <project>', 'project id, or name')
      .option('--org <org>', 'organization, when naming the project by name')
      .option('--ttl <duration>', 'how long the password works for starting sessions: 15m, 30m, 1h'),
  ).action(
    action(async (opts: { project: string; org?: string; ttl?: string; json?: boolean }) => {
      const api = await connect();
      const p = await resolveProject(api, opts.project, opts.org);
      const body = opts.ttl ? { ttl_minutes: minutes(opts.ttl) } : {};
      const c = await api.request<CredentialsRow>('POST', `/api/v1/projects/${p.id}/credentials`, body);
      if (opts.json) return printJson(c);
      printFields([
        ['user', c.user],
        ['password', c.password],
        ['expires', c.expires_at],
        ['host', c.host],
        ['port', c.port],
        ['database', c.database],
        ['role', `${c.project_role} (database role ${c.db_role})`],
        ['uri', c.uri],
      ]);
      say('');
      say(`PGPASSWORD='${c.password}' psql "${c.uri}"`);
    }),
  );
  withJson(
    db
      .command('audit-delivery')
      .description(
        "show or set how a project's statement events reach the audit log: sync (durable before results; always for HIPAA) or async",
      )
      .argument('<project>', 'project id, or name')
      .argument('[mode]', 'sync or async')
      .option('--org <org>', 'organization, when naming the project by name'),
  ).action(
    action(async (ref: string, mode: string | undefined, opts: { org?: string; json?: boolean }) => {
      const api = await connect();
      let p = await resolveProject(api, ref, opts.org);
      if (mode !== undefined) {
        if (mode !== 'sync' && mode !== 'async') throw new CliError(`'${mode}' is not sync or async`, 2);
        p = await api.request<ProjectRow>('PATCH', `/api/v1/projects/${p.id}`, {
          settings: { audit_delivery: mode },
        });
      }
      const delivery = (p.settings as { audit_delivery?: string }).audit_delivery ?? 'sync';
      if (opts.json) return printJson({ project: p.id, name: p.name, audit_delivery: delivery });
      say(`${p.name}: audit delivery ${delivery}`);
    }),
  );
}
