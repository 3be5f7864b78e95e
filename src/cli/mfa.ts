/**
 * @module cli/mfa
 * `ward mfa …`: two-step verification for the signed-in person (the QR code is drawn in the
 * terminal), and `ward user disable|enable|unlock|reset-mfa` for the operator.
 */
import type { Command } from 'commander';
import { type Api, CliError, connect } from './client.js';
import { action, printFields, printJson, say, withJson } from './output.js';

interface UserRow {
  id: string;
  email: string;
  disabled: boolean;
}

async function userId(api: Api, email: string): Promise<string> {
  const { users } = await api.request<{ users: UserRow[] }>('GET', '/api/v1/users');
  const u = users.find((x) => x.email.toLowerCase() === email.toLowerCase());
  if (!u) throw new CliError(`no account '${email}'`);
  return u.id;
}

export function registerMfa(program: Command): void {
  const mfa = program.command('mfa').description('two-step verification (TOTP) for your account');
  withJson(mfa.command('status').description('whether it is on, and recovery codes left')).action(
    action(async (opts: { json?: boolean }) => {
      const s = await (await connect()).request<Record<string, unknown>>('GET', '/api/v1/auth/mfa');
      if (opts.json) return printJson(s);
      printFields([
        ['totp', s.totp],
        ['recovery codes left', s.recovery_codes_left],
        ['required by an org', s.required ? 'yes' : 'no'],
      ]);
    }),
  );
  withJson(
    mfa.command('enroll').description('start: shows a QR code to scan; then `ward mfa confirm <code>`'),
  ).action(
    action(async (opts: { json?: boolean }) => {
      const e = await (await connect()).request<{ secret: string; otpauth_uri: string }>(
        'POST',
        '/api/v1/auth/mfa/totp',
      );
      if (opts.json) return printJson(e);
      const { renderUnicodeCompact } = await import('uqr');
      say(renderUnicodeCompact(e.otpauth_uri, { border: 2 }));
      say(`Scan this with your authenticator app, or type the secret ${e.secret}`);
      say('Then run: ward mfa confirm <the 6-digit code>');
    }),
  );
  withJson(
    mfa
      .command('confirm')
      .description('turn it on with a first code; prints recovery codes once')
      .argument('<code>'),
  ).action(
    action(async (code: string, opts: { json?: boolean }) => {
      const r = await (await connect()).request<{ recovery_codes: string[] }>(
        'POST',
        '/api/v1/auth/mfa/totp/verify',
        { code },
      );
      if (opts.json) return printJson(r);
      say('Two-step verification is on. Keep these recovery codes safe; each works once:');
      for (const c of r.recovery_codes) say(`  ${c}`);
    }),
  );
  mfa
    .command('disable')
    .description('turn it off (not allowed when an org requires it)')
    .requiredOption('--code <code>', 'a current code or a recovery code')
    .action(
      action(async (opts: { code: string }) => {
        await (await connect()).request('DELETE', '/api/v1/auth/mfa/totp', { code: opts.code });
        say('Two-step verification is off.');
      }),
    );

  const user = program.commands.find((c) => c.name() === 'user') ?? program.command('user');
  for (const [verb, what] of [
    ['disable', 'disable an account: its sessions and tokens are revoked at once'],
    ['enable', 'enable an account again'],
    ['unlock', 'clear an account’s sign-in lockout'],
    ['reset-mfa', 'remove an account’s two-step verification (lost device and codes)'],
  ] as const) {
    withJson(user.command(verb).description(`${what} (operator)`).argument('<email>')).action(
      action(async (email: string, opts: { json?: boolean }) => {
        const api = await connect();
        const id = await userId(api, email);
        const path = verb === 'reset-mfa' ? `/api/v1/users/${id}/mfa/reset` : `/api/v1/users/${id}/${verb}`;
        const r = await api.request('POST', path);
        if (opts.json) return printJson(r ?? { id });
        const done = {
          disable: 'disabled',
          enable: 'enabled',
          unlock: 'unlocked',
          'reset-mfa': 'two-step verification removed',
        };
        say(`${email}: ${done[verb]}`);
      }),
    );
  }
}
