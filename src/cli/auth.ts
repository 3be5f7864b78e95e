/**
 * @module cli/auth
 * `ward login`, `ward logout`, `ward whoami`.
 */
import type { Command } from 'commander';
import { CliError, connect, defaultUrl, forgetLogin, readLogin, saveLogin } from './client.js';
import { action, printFields, printJson, say, withJson } from './output.js';
import { ask, readFirstLine } from './prompt.js';

interface LoginAnswer {
  token: string;
  expires_at: string;
  user: { id: string; email: string; name: string; operator: boolean };
}

export function registerAuth(program: Command): void {
  withJson(
    program
      .command('login')
      .description('sign in and save a session token for the next commands')
      .option('--url <url>', `Ward's address (default ${defaultUrl()}, or WARD_URL)`)
      .option('--email <email>', 'your email (asked for when omitted)')
      .option('--password-stdin', 'read the password from the first line of standard input')
      .option('--totp <code>', 'the code from your authenticator app (asked for when needed)'),
  ).action(
    action(
      async (opts: {
        url?: string;
        email?: string;
        passwordStdin?: boolean;
        totp?: string;
        json?: boolean;
      }) => {
        const api = await connect({ url: opts.url, anonymous: true });
        const email = opts.email ?? (await ask('Email: ', false, '--email'));
        const password = opts.passwordStdin
          ? await readFirstLine()
          : await ask('Password: ', true, '--password-stdin');
        if (!password) throw new CliError('no password given', 2);
        const signIn = (totp?: string) =>
          api.request<LoginAnswer>('POST', '/api/v1/auth/login', {
            email,
            password,
            ...(totp ? { totp } : {}),
          });
        const answer = await signIn(opts.totp).catch(async (err: unknown) => {
          // Two-step verification: ask for the code on a terminal, as for the password.
          if (err instanceof CliError && err.reason === 'mfa_required' && !opts.totp && process.stdin.isTTY)
            return signIn(await ask('Authentication code: '));
          throw err;
        });
        await saveLogin({
          url: api.url,
          token: answer.token,
          email: answer.user.email,
          expires_at: answer.expires_at,
        });
        if (opts.json) printJson({ url: api.url, user: answer.user, expires_at: answer.expires_at });
        else say(`Signed in to ${api.url} as ${answer.user.email} until ${answer.expires_at}`);
      },
    ),
  );

  program
    .command('logout')
    .description('revoke the saved session and forget it')
    .action(
      action(async () => {
        const saved = await readLogin();
        if (saved) {
          const api = await connect({ url: saved.url });
          await api.request('POST', '/api/v1/auth/logout').catch(() => undefined);
        }
        await forgetLogin();
        say('Signed out.');
      }),
    );

  withJson(program.command('whoami').description('show who the saved login or WARD_TOKEN is')).action(
    action(async (opts: { json?: boolean }) => {
      const api = await connect();
      const me = await api.request<{ id: string; email: string; name: string; operator: boolean }>(
        'GET',
        '/api/v1/me',
      );
      if (opts.json) return printJson(me);
      printFields([
        ['email', me.email],
        ['name', me.name],
        ['id', me.id],
        ['operator', me.operator ? 'yes' : 'no'],
        ['url', api.url],
      ]);
    }),
  );
}
