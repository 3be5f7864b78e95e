/**
 * @module cli/service-accounts
 * `ward sa …`: an org's service accounts and their scoped, expiring tokens.
 */
import type { Command } from 'commander';
import { type Api, CliError, connect } from './client.js';
import { action, parseDays, printJson, printTable, say, withJson } from './output.js';

const base = (org: string) => `/api/v1/orgs/${encodeURIComponent(org)}/service-accounts`;

interface SaRow {
  id: string;
  name: string;
  role: string;
  disabled: boolean;
  last_used_at: string | null;
}

async function saId(api: Api, org: string, name: string): Promise<string> {
  const { service_accounts } = await api.request<{ service_accounts: SaRow[] }>('GET', base(org));
  const sa = service_accounts.find((s) => s.name === name || s.id === name);
  if (!sa) throw new CliError(`no service account '${name}' in '${org}'`);
  return sa.id;
}

export function registerServiceAccounts(program: Command): void {
  const sa = program.command('sa').description("an org's service accounts (applications) and their tokens");
  withJson(
    sa
      .command('create')
      .description('create one with an org role (never owner)')
      .requiredOption('--org <org>')
      .requiredOption('--name <name>')
      .option('--role <role>', 'admin, developer, auditor or member', 'developer'),
  ).action(
    action(async (opts: { org: string; name: string; role: string; json?: boolean }) => {
      const s = await (await connect()).request<SaRow>('POST', base(opts.org), {
        name: opts.name,
        role: opts.role,
      });
      if (opts.json) return printJson(s);
      say(`Created service account ${s.name} (${s.id}) as ${s.role}`);
    }),
  );
  withJson(sa.command('list').requiredOption('--org <org>')).action(
    action(async (opts: { org: string; json?: boolean }) => {
      const { service_accounts } = await (await connect()).request<{ service_accounts: SaRow[] }>(
        'GET',
        base(opts.org),
      );
      if (opts.json) return printJson(service_accounts);
      printTable(service_accounts, [
        { header: 'NAME', value: (s) => s.name },
        { header: 'ROLE', value: (s) => s.role },
        { header: 'DELETED', value: (s) => (s.disabled ? 'yes' : '') },
        { header: 'LAST USED', value: (s) => s.last_used_at },
        { header: 'ID', value: (s) => s.id },
      ]);
    }),
  );
  sa.command('delete')
    .description('delete one: its tokens and grants are revoked')
    .argument('<name>')
    .requiredOption('--org <org>')
    .action(
      action(async (name: string, opts: { org: string }) => {
        const api = await connect();
        await api.request('DELETE', `${base(opts.org)}/${await saId(api, opts.org, name)}`);
        say(`Deleted service account ${name}`);
      }),
    );
  const token = sa.command('token').description("a service account's tokens");
  withJson(
    token
      .command('create')
      .description('create a scoped, expiring token; shown once')
      .argument('<name>', 'the service account')
      .requiredOption('--org <org>')
      .requiredOption('--token-name <name>')
      .requiredOption(
        '--scopes <list>',
        'comma-separated: projects:read, projects:write, db:connect, audit:read, org:read, org:admin',
      )
      .requiredOption('--expires-in <days>', 'such as 30d (at most 90d in a HIPAA org)'),
  ).action(
    action(
      async (
        name: string,
        opts: { org: string; tokenName: string; scopes: string; expiresIn: string; json?: boolean },
      ) => {
        const api = await connect();
        const t = await api.request<{ id: string; token: string; expires_at: string }>(
          'POST',
          `${base(opts.org)}/${await saId(api, opts.org, name)}/tokens`,
          {
            name: opts.tokenName,
            scopes: opts.scopes.split(',').map((s) => s.trim()),
            expires_in_days: parseDays(opts.expiresIn),
          },
        );
        if (opts.json) return printJson(t);
        say(`Token ${t.id} expires ${t.expires_at}. Copy it now; Ward cannot show it again:`);
        say(t.token);
      },
    ),
  );
  withJson(token.command('list').argument('<name>').requiredOption('--org <org>')).action(
    action(async (name: string, opts: { org: string; json?: boolean }) => {
      const api = await connect();
      const { tokens } = await api.request<{ tokens: Record<string, unknown>[] }>(
        'GET',
        `${base(opts.org)}/${await saId(api, opts.org, name)}/tokens`,
      );
      if (opts.json) return printJson(tokens);
      printTable(tokens, [
        { header: 'ID', value: (t) => t.id },
        { header: 'NAME', value: (t) => t.name },
        { header: 'SCOPES', value: (t) => (t.scopes as string[]).join(' ') },
        { header: 'EXPIRES', value: (t) => t.expires_at },
        { header: 'REVOKED', value: (t) => t.revoked_at },
      ]);
    }),
  );
  token
    .command('revoke')
    .argument('<name>')
    .argument('<token-id>')
    .requiredOption('--org <org>')
    .action(
      action(async (name: string, id: string, opts: { org: string }) => {
        const api = await connect();
        await api.request('DELETE', `${base(opts.org)}/${await saId(api, opts.org, name)}/tokens/${id}`);
        say(`Revoked ${id}`);
      }),
    );
}
