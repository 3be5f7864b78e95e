/**
 * @module cli/access
 * Members' roles and removal, project access (grants, break-glass), alert webhook, SSO.
 */
import type { Command } from 'commander';
import { type Api, CliError, connect } from './client.js';
import { action, printJson, printTable, say, withJson } from './output.js';
import { resolveProject } from './projects.js';
import { readFirstLine } from './prompt.js';

const org = (o: string) => `/api/v1/orgs/${encodeURIComponent(o)}`;

export async function memberId(api: Api, o: string, email: string): Promise<string> {
  const { members } = await api.request<{ members: { user_id: string; email: string }[] }>(
    'GET',
    `${org(o)}/members`,
  );
  const m = members.find((x) => x.email.toLowerCase() === email.toLowerCase());
  if (!m) throw new CliError(`'${email}' is not a member of '${o}'`);
  return m.user_id;
}

interface AccessRow {
  email: string;
  org_role: string;
  role: string | null;
  source: string | null;
  grant: string | null;
}

function printAccess(rows: AccessRow[]) {
  printTable(rows, [
    { header: 'WHO', value: (r) => r.email },
    { header: 'ORG ROLE', value: (r) => r.org_role },
    { header: 'DATABASE ROLE', value: (r) => r.role ?? 'none' },
    { header: 'BECAUSE OF', value: (r) => r.source },
  ]);
}

export function registerAccess(program: Command): void {
  const member = program.commands
    .find((c) => c.name() === 'org')
    ?.commands.find((c) => c.name() === 'member');
  if (member) {
    withJson(
      member
        .command('set-role')
        .description("change a member's role (owner, admin)")
        .requiredOption('--org <org>', 'name or id')
        .requiredOption('--email <email>', 'the member')
        .requiredOption('--role <role>', 'owner, admin, developer, auditor or member'),
    ).action(
      action(async (opts: { org: string; email: string; role: string; json?: boolean }) => {
        const api = await connect();
        const m = await api.request(
          'PATCH',
          `${org(opts.org)}/members/${await memberId(api, opts.org, opts.email)}`,
          { role: opts.role },
        );
        if (opts.json) return printJson(m);
        say(`${opts.email} is now ${opts.role} in ${opts.org}`);
      }),
    );
    member
      .command('remove')
      .description('remove a member: their sessions, tokens and database access end at once')
      .requiredOption('--org <org>', 'name or id')
      .requiredOption('--email <email>', 'the member')
      .action(
        action(async (opts: { org: string; email: string }) => {
          const api = await connect();
          await api.request(
            'DELETE',
            `${org(opts.org)}/members/${await memberId(api, opts.org, opts.email)}`,
          );
          say(`Removed ${opts.email} from ${opts.org}; their sessions and tokens are revoked`);
        }),
      );
  }

  const project = program.commands.find((c) => c.name() === 'project') ?? program.command('project');
  withJson(
    project
      .command('access')
      .description('who can reach a project’s data, and why')
      .argument('<project>')
      .option('--org <org>'),
  ).action(
    action(async (ref: string, opts: { org?: string; json?: boolean }) => {
      const api = await connect();
      const p = await resolveProject(api, ref, opts.org);
      const { access } = await api.request<{ access: AccessRow[] }>('GET', `/api/v1/projects/${p.id}/access`);
      if (opts.json) return printJson(access);
      printAccess(access);
    }),
  );
  withJson(
    project
      .command('grant')
      .description('grant a member a project role (owner, admin)')
      .argument('<project>')
      .option('--org <org>')
      .requiredOption('--email <email>', 'the member or service account')
      .requiredOption('--role <role>', 'owner, readwrite or readonly'),
  ).action(
    action(async (ref: string, opts: { org?: string; email: string; role: string; json?: boolean }) => {
      const api = await connect();
      const p = await resolveProject(api, ref, opts.org);
      const r = await api.request<{ access: AccessRow[] }>('PUT', `/api/v1/projects/${p.id}/grants`, {
        email: opts.email,
        role: opts.role,
      });
      if (opts.json) return printJson(r.access);
      say(`${opts.email} has ${opts.role} on ${p.name}`);
    }),
  );
  project
    .command('revoke')
    .description('revoke a project grant')
    .argument('<project>')
    .option('--org <org>')
    .requiredOption('--email <email>')
    .action(
      action(async (ref: string, opts: { org?: string; email: string }) => {
        const api = await connect();
        const p = await resolveProject(api, ref, opts.org);
        await api.request(
          'DELETE',
          `/api/v1/projects/${p.id}/grants/${await memberId(api, p.org_id, opts.email)}`,
        );
        say(`Revoked the grant of ${opts.email} on ${p.name}`);
      }),
    );

  const bg = program
    .command('break-glass')
    .description('emergency project access: at most 4 hours, every owner alerted');
  withJson(
    bg
      .command('request')
      .description('get emergency access to a project now')
      .argument('<project>')
      .option('--org <org>')
      .requiredOption('--reason <text>', 'why (at least 20 characters; every owner reads it)')
      .option('--minutes <n>', 'how long, at most 240', '60')
      .option('--role <role>', 'owner, readwrite or readonly', 'readwrite'),
  ).action(
    action(
      async (
        ref: string,
        opts: { org?: string; reason: string; minutes: string; role: string; json?: boolean },
      ) => {
        const api = await connect();
        const p = await resolveProject(api, ref, opts.org);
        const b = await api.request<{ id: string; role: string; expires_at: string }>(
          'POST',
          `/api/v1/projects/${p.id}/break-glass`,
          {
            reason: opts.reason,
            minutes: Number(opts.minutes),
            role: opts.role,
          },
        );
        if (opts.json) return printJson(b);
        say(
          `Break-glass ${b.id}: ${b.role} on ${p.name} until ${b.expires_at}. Every owner has been alerted.`,
        );
      },
    ),
  );
  withJson(
    bg.command('list').description('break-glass access in an org').requiredOption('--org <org>'),
  ).action(
    action(async (opts: { org: string; json?: boolean }) => {
      const { break_glass } = await (await connect()).request<{
        break_glass: Record<string, string | boolean>[];
      }>('GET', `${org(opts.org)}/break-glass`);
      if (opts.json) return printJson(break_glass);
      printTable(break_glass, [
        { header: 'ID', value: (b) => b.id },
        { header: 'WHO', value: (b) => b.email },
        { header: 'ROLE', value: (b) => b.role },
        { header: 'UNTIL', value: (b) => b.ended_at || b.expires_at },
        { header: 'ACTIVE', value: (b) => (b.active ? 'yes' : '') },
        { header: 'NEEDS REVIEW', value: (b) => (b.flagged ? 'yes' : '') },
        { header: 'REASON', value: (b) => b.reason },
      ]);
    }),
  );
  for (const verb of ['review', 'end'] as const) {
    const cmd = bg
      .command(verb)
      .description(verb === 'review' ? 'review it (owner): clears its flag' : 'end it now')
      .argument('<id>')
      .requiredOption('--org <org>');
    if (verb === 'review') cmd.requiredOption('--note <text>', 'what you checked');
    cmd.action(
      action(async (id: string, opts: { org: string; note?: string }) => {
        await (await connect()).request(
          'POST',
          `${org(opts.org)}/break-glass/${id}/${verb}`,
          verb === 'review' ? { note: opts.note } : undefined,
        );
        say(verb === 'review' ? `Reviewed ${id}` : `Ended ${id}`);
      }),
    );
  }

  const sso = program.command('sso').description("an org's OpenID Connect single sign-on");
  withJson(sso.command('show').requiredOption('--org <org>')).action(
    action(async (opts: { org: string; json?: boolean }) => {
      const s = await (await connect()).request<Record<string, unknown>>('GET', `${org(opts.org)}/sso`);
      if (opts.json) return printJson(s);
      for (const [k, v] of Object.entries(s)) say(`${k.padEnd(12)}  ${String(v)}`);
    }),
  );
  withJson(
    sso
      .command('set')
      .description('configure it (owner); the client secret is read from standard input')
      .requiredOption('--org <org>')
      .requiredOption('--issuer <url>')
      .requiredOption('--client-id <id>')
      .requiredOption('--domain <domain>', 'the email domain whose people sign in this way')
      .option('--require', 'refuse passwords for the org’s members'),
  ).action(
    action(
      async (opts: {
        org: string;
        issuer: string;
        clientId: string;
        domain: string;
        require?: boolean;
        json?: boolean;
      }) => {
        const secret = await readFirstLine();
        if (!secret) throw new CliError('give the client secret on standard input', 2);
        const s = await (await connect()).request<{ redirect_uri: string }>('PUT', `${org(opts.org)}/sso`, {
          issuer: opts.issuer,
          client_id: opts.clientId,
          client_secret: secret,
          email_domain: opts.domain,
          require_sso: opts.require ?? false,
        });
        if (opts.json) return printJson(s);
        say(
          `Single sign-on is set for ${opts.domain}. Register this redirect URI with the provider: ${s.redirect_uri}`,
        );
      },
    ),
  );
  withJson(
    program
      .command('alert-webhook')
      .description("where an org's security alerts (break-glass, the alert rules) are posted, HMAC-signed")
      .requiredOption('--org <org>')
      .requiredOption('--url <url>'),
  ).action(
    action(async (opts: { org: string; url: string; json?: boolean }) => {
      const w = await (await connect()).request<{ secret: string }>('PUT', `${org(opts.org)}/alert-webhook`, {
        url: opts.url,
      });
      if (opts.json) return printJson(w);
      say(`Alerts go to ${opts.url}. Signing secret (shown once): ${w.secret}`);
    }),
  );
}
