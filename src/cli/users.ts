/**
 * @module cli/users
 * `ward user …` (operator) and `ward token …` (your personal API tokens).
 */
import type { Command } from 'commander';
import { connect } from './client.js';
import { action, parseDays, printJson, printTable, say, withJson } from './output.js';
import { ask, readFirstLine } from './prompt.js';

interface UserRow {
  id: string;
  email: string;
  name: string;
  operator: boolean;
  disabled: boolean;
  created_at: string;
}

interface TokenRow {
  id: string;
  name: string;
  created_at: string;
  expires_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
  scopes: string[];
  token?: string;
}

export function registerUsers(program: Command): void {
  const user = program.command('user').description('accounts (operator only)');
  withJson(
    user
      .command('create')
      .description('create an account')
      .requiredOption('--email <email>', 'the person’s email (their sign-in name)')
      .requiredOption('--name <name>', 'their full name')
      .option('--operator', 'make them an operator too')
      .option(
        '--password-stdin',
        'read the initial password from standard input; without it Ward asks on a terminal, and otherwise generates one, shown once',
      ),
  ).action(
    action(
      async (opts: {
        email: string;
        name: string;
        operator?: boolean;
        passwordStdin?: boolean;
        json?: boolean;
      }) => {
        const api = await connect();
        // No terminal and no --password-stdin (a script): Ward generates the password.
        const typed = opts.passwordStdin
          ? await readFirstLine()
          : process.stdin.isTTY
            ? await ask('Initial password (12+ characters; empty: Ward generates one): ', true)
            : '';
        const u = await api.request<UserRow & { initial_password?: string }>('POST', '/api/v1/users', {
          email: opts.email,
          name: opts.name,
          ...(typed ? { password: typed } : {}),
          operator: opts.operator ?? false,
        });
        if (opts.json) return printJson(u);
        say(`Created ${u.email} (${u.id})`);
        if (u.initial_password)
          say(
            `Initial password, shown once (give it to them over a secure channel; they sign in with it): ${u.initial_password}`,
          );
      },
    ),
  );
  withJson(user.command('list').description('list accounts')).action(
    action(async (opts: { json?: boolean }) => {
      const { users } = await (await connect()).request<{ users: UserRow[] }>('GET', '/api/v1/users');
      if (opts.json) return printJson(users);
      printTable(users, [
        { header: 'EMAIL', value: (u) => u.email },
        { header: 'NAME', value: (u) => u.name },
        { header: 'OPERATOR', value: (u) => (u.operator ? 'yes' : '') },
        { header: 'ID', value: (u) => u.id },
      ]);
    }),
  );

  const token = program
    .command('token')
    .description('your personal API tokens (always expiring; the secret is shown once)');
  withJson(
    token
      .command('create')
      .description('create a token')
      .requiredOption('--name <name>', 'what the token is for')
      .requiredOption('--expires-in <days>', 'lifetime, such as 30d (at most 365d)')
      .option(
        '--scopes <list>',
        'comma-separated, to narrow it: projects:read, projects:write, db:connect, audit:read, org:read, org:admin, metrics:read (default: everything you may do)',
      ),
  ).action(
    action(async (opts: { name: string; expiresIn: string; scopes?: string; json?: boolean }) => {
      const t = await (await connect()).request<TokenRow>('POST', '/api/v1/tokens', {
        name: opts.name,
        expires_in_days: parseDays(opts.expiresIn),
        ...(opts.scopes === undefined
          ? {}
          : {
              scopes: opts.scopes
                .split(',')
                .map((s) => s.trim())
                .filter(Boolean),
            }),
      });
      if (opts.json) return printJson(t);
      say(
        `Token ${t.id} '${t.name}' (${t.scopes.join(' ')}) expires ${t.expires_at}. Copy it now; Ward cannot show it again:`,
      );
      say(t.token ?? '');
    }),
  );
  withJson(token.command('list').description('list your tokens')).action(
    action(async (opts: { json?: boolean }) => {
      const { tokens } = await (await connect()).request<{ tokens: TokenRow[] }>('GET', '/api/v1/tokens');
      if (opts.json) return printJson(tokens);
      printTable(tokens, [
        { header: 'ID', value: (t) => t.id },
        { header: 'NAME', value: (t) => t.name },
        { header: 'SCOPES', value: (t) => t.scopes.join(' ') },
        { header: 'EXPIRES', value: (t) => t.expires_at },
        { header: 'LAST USED', value: (t) => t.last_used_at },
        { header: 'REVOKED', value: (t) => t.revoked_at },
      ]);
    }),
  );
  withJson(
    token.command('revoke').description('revoke a token').argument('<id>', 'the token id (tok_…)'),
  ).action(
    action(async (id: string, opts: { json?: boolean }) => {
      const t = await (await connect()).request<TokenRow>(
        'DELETE',
        `/api/v1/tokens/${encodeURIComponent(id)}`,
      );
      if (opts.json) printJson(t);
      else say(`Revoked ${t.id} '${t.name}'`);
    }),
  );
}
