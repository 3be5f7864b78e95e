/**
 * @module cli/projects
 * `ward project …` and `ward region list`. A project is named by its id (prj_…) or by its name
 * with `--org` (or alone, when the name is unique across your orgs).
 */
import type { Command } from 'commander';
import { type Api, CliError, connect } from './client.js';
import { listOrgs } from './orgs.js';
import { action, printFields, printJson, printTable, say, withJson } from './output.js';

export interface ProjectRow {
  id: string;
  org_id: string;
  name: string;
  region_id: string;
  settings: { audit_log_level: string; audit_delivery?: string; allow_plaintext?: boolean };
  status: string;
  status_reason: string | null;
  cluster: { state: string; restarts: number; pid?: number } | null;
  created_at: string;
  updated_at: string;
  /** A deleted HIPAA project: recoverable until purge_after. */
  deletion?: { purge_after: string; requested_at: string | null } | null;
  /** Encryption at rest of its directory (when one project is read). */
  encryption?: { kind: string; detail: string };
}

interface RegionRow {
  id: string;
  name: string;
  type: string;
  provider: string;
  storage_encryption: string;
  storage_encryption_status: { state: string; detail: string };
}

async function orgProjects(api: Api, org: string): Promise<ProjectRow[]> {
  const all: ProjectRow[] = [];
  let cursor: string | null = null;
  do {
    const q: string = cursor ? `?limit=500&cursor=${encodeURIComponent(cursor)}` : '?limit=500';
    const page: { projects: ProjectRow[]; next_cursor: string | null } = await api.request(
      'GET',
      `/api/v1/orgs/${encodeURIComponent(org)}/projects${q}`,
    );
    all.push(...page.projects);
    cursor = page.next_cursor;
  } while (cursor);
  return all;
}

export async function resolveProject(api: Api, ref: string, org?: string): Promise<ProjectRow> {
  if (/^prj_[a-z2-7]{16}$/.test(ref)) return api.request<ProjectRow>('GET', `/api/v1/projects/${ref}`);
  const orgs = org ? [org] : (await listOrgs(api)).map((o) => o.name);
  const found: ProjectRow[] = [];
  for (const o of orgs) found.push(...(await orgProjects(api, o)).filter((p) => p.name === ref));
  if (found.length === 0)
    throw new CliError(`no project '${ref}'${org ? ` in '${org}'` : ' in your organizations'}`);
  if (found.length > 1) throw new CliError(`'${ref}' names projects in several organizations; add --org`);
  return found[0] as ProjectRow;
}

/** How the gateway takes connections to `p`, in the words the console uses. */
export const connections = (p: ProjectRow): string =>
  p.settings.allow_plaintext ? 'TLS, or plaintext from loopback' : 'TLS required';

function show(p: ProjectRow): void {
  printFields([
    ['name', p.name],
    ['id', p.id],
    ['org', p.org_id],
    ['region', p.region_id],
    ['audit_log_level', p.settings.audit_log_level],
    ['connections', connections(p)],
    ['status', p.status],
    ['reason', p.status_reason],
    [
      'cluster',
      p.cluster
        ? `${p.cluster.state}${p.cluster.restarts ? ` (restarted ${p.cluster.restarts}×)` : ''}`
        : null,
    ],
    ['created', p.created_at],
    ['destroyed after', p.deletion?.purge_after],
    ['encryption at rest', p.encryption ? `${p.encryption.kind}: ${p.encryption.detail}` : null],
  ]);
}

async function waitForSettled(api: Api, p: ProjectRow, timeoutMs: number): Promise<ProjectRow> {
  const started = Date.now();
  const tty = process.stderr.isTTY;
  let current = p;
  while (current.status === 'provisioning') {
    if (Date.now() - started > timeoutMs)
      throw new CliError(
        `project '${p.name}' is still provisioning after ${timeoutMs / 1000} s; check \`ward project show ${p.id}\``,
      );
    if (tty)
      process.stderr.write(`\rprovisioning ${p.name}… ${((Date.now() - started) / 1000).toFixed(1)} s`);
    await new Promise((r) => setTimeout(r, 200));
    current = await api.request<ProjectRow>('GET', `/api/v1/projects/${p.id}`);
  }
  if (tty) process.stderr.write('\r\x1b[K');
  return current;
}

/** Registers `ward project …` and `ward region list`; returns `project` for its other subcommands. */
export function registerProjects(program: Command): Command {
  const project = program.command('project').description('projects: a dedicated PostgreSQL database each');
  withJson(
    project
      .command('create')
      .description('create a project and wait until it runs')
      .requiredOption('--org <org>', 'organization name or id')
      .requiredOption('--name <name>', 'lowercase letters, digits, dashes')
      .requiredOption('--region <region>', 'region id (see `ward region list`)')
      .option('--hipaa', 'settings.audit_log_level = hipaa (needs a hipaa region and HIPAA enabled)')
      .option('--no-wait', 'return at once, while the project is still provisioning'),
  ).action(
    action(
      async (opts: {
        org: string;
        name: string;
        region: string;
        hipaa?: boolean;
        wait: boolean;
        json?: boolean;
      }) => {
        const api = await connect();
        let p = await api.request<ProjectRow>(
          'POST',
          `/api/v1/orgs/${encodeURIComponent(opts.org)}/projects`,
          {
            name: opts.name,
            region_id: opts.region,
            ...(opts.hipaa ? { settings: { audit_log_level: 'hipaa' } } : {}),
          },
        );
        if (opts.wait) p = await waitForSettled(api, p, 120_000);
        if (opts.json) return printJson(p);
        if (p.status === 'failed') throw new CliError(`project '${p.name}' failed: ${p.status_reason}`);
        say(`Project ${p.name} (${p.id}) is ${p.status} in ${p.region_id}`);
      },
    ),
  );
  withJson(
    project
      .command('list')
      .description('projects of one organization, or of all of yours')
      .option('--org <org>', 'organization name or id'),
  ).action(
    action(async (opts: { org?: string; json?: boolean }) => {
      const api = await connect();
      const orgs = opts.org ? [{ name: opts.org }] : await listOrgs(api);
      const rows: (ProjectRow & { org: string })[] = [];
      for (const o of orgs)
        rows.push(...(await orgProjects(api, o.name)).map((p) => ({ ...p, org: o.name })));
      if (opts.json) return printJson(rows);
      printTable(rows, [
        { header: 'NAME', value: (p) => p.name },
        { header: 'ORG', value: (p) => p.org },
        { header: 'REGION', value: (p) => p.region_id },
        { header: 'AUDIT', value: (p) => p.settings.audit_log_level },
        { header: 'STATUS', value: (p) => p.status },
        { header: 'ID', value: (p) => p.id },
      ]);
    }),
  );
  withJson(
    project
      .command('show')
      .description('one project')
      .argument('<project>', 'id, or name')
      .option('--org <org>', 'organization, when naming by name'),
  ).action(
    action(async (ref: string, opts: { org?: string; json?: boolean }) => {
      const api = await connect();
      const found = await resolveProject(api, ref, opts.org);
      // A name resolves from the list; the project itself says more (its encryption at rest).
      const p = await api.request<ProjectRow>('GET', `/api/v1/projects/${found.id}`);
      if (opts.json) printJson(p);
      else show(p);
    }),
  );
  withJson(
    project
      .command('delete')
      .description('delete a project: stop and remove its cluster (HIPAA: after a grace period)')
      .argument('<project>', 'id, or name')
      .option('--org <org>', 'organization, when naming by name')
      .option(
        '--audit-log-exported',
        "HIPAA projects: you confirm that the project's audit log was exported",
      ),
  ).action(
    action(async (ref: string, opts: { org?: string; auditLogExported?: boolean; json?: boolean }) => {
      const api = await connect();
      const target = await resolveProject(api, ref, opts.org);
      const p = await api.request<ProjectRow>(
        'DELETE',
        `/api/v1/projects/${target.id}`,
        opts.auditLogExported ? { audit_log_exported: true } : undefined,
      );
      if (opts.json) return printJson(p);
      if (p.status === 'failed') throw new CliError(`deleting '${p.name}' failed: ${p.status_reason}`);
      if (p.deletion)
        return say(
          `Project ${p.name} (${p.id}) is deleted; its cluster and keys are destroyed after ${p.deletion.purge_after} unless you run: ward project undelete ${p.id}`,
        );
      say(`Project ${p.name} (${p.id}) is ${p.status}`);
    }),
  );

  withJson(
    project
      .command('set')
      .description(
        "change a project's settings (owner, admin); --plaintext allowed lets clients on the gateway's own machine (127.0.0.1, ::1) connect without TLS to a standard project, refused restores TLS for every connection",
      )
      .argument('<project>', 'id, or name')
      .option('--org <org>', 'organization, when naming by name')
      .requiredOption(
        '--plaintext <allowed|refused>',
        'plaintext connections from loopback: allowed or refused (the default; HIPAA projects always refuse them)',
      ),
  ).action(
    action(async (ref: string, opts: { org?: string; plaintext: string; json?: boolean }) => {
      if (opts.plaintext !== 'allowed' && opts.plaintext !== 'refused')
        throw new CliError(`--plaintext '${opts.plaintext}' is not allowed or refused`, 2);
      const api = await connect();
      const target = await resolveProject(api, ref, opts.org);
      const p = await api.request<ProjectRow>('PUT', `/api/v1/projects/${target.id}/plaintext`, {
        allowed: opts.plaintext === 'allowed',
      });
      if (opts.json) return printJson(p);
      say(
        p.settings.allow_plaintext
          ? `${p.name}: plaintext allowed from loopback (127.0.0.1, ::1); every other connection needs TLS`
          : `${p.name}: TLS required for every connection`,
      );
    }),
  );

  const region = program.command('region').description('where projects can run');
  withJson(region.command('list').description('list regions')).action(
    action(async (opts: { json?: boolean }) => {
      const { regions } = await (await connect()).request<{ regions: RegionRow[] }>('GET', '/api/v1/regions');
      if (opts.json) return printJson(regions);
      printTable(regions, [
        { header: 'ID', value: (r) => r.id },
        { header: 'NAME', value: (r) => r.name },
        { header: 'TYPE', value: (r) => r.type },
        { header: 'STORAGE ENCRYPTION', value: (r) => r.storage_encryption },
        { header: 'CHECKED', value: (r) => r.storage_encryption_status.state },
      ]);
    }),
  );
  return project;
}
