/**
 * @module cli/orgs
 * `ward org …`: organizations, plans and members.
 */
import type { Command } from 'commander';
import { type Api, connect } from './client.js';
import { action, printFields, printJson, printTable, say, withJson } from './output.js';

export interface OrgRow {
  id: string;
  name: string;
  plan: string;
  hipaa_enabled: boolean;
  role: string | null;
  settings: Record<string, string>;
  created_at: string;
}

interface MemberRow {
  user_id: string;
  email: string;
  name: string;
  role: string;
  added_at: string;
}

const orgPath = (org: string) => `/api/v1/orgs/${encodeURIComponent(org)}`;

export async function listOrgs(api: Api): Promise<OrgRow[]> {
  return (await api.request<{ orgs: OrgRow[] }>('GET', '/api/v1/orgs')).orgs;
}

function showOrg(o: OrgRow): void {
  printFields([
    ['name', o.name],
    ['id', o.id],
    ['plan', o.plan],
    ['hipaa', o.hipaa_enabled ? 'enabled' : 'not enabled'],
    ['your role', o.role ?? '(operator)'],
    ['legal name', o.settings.legal_name],
    ['address', o.settings.address],
    [
      'session idle limit',
      o.settings.session_idle_minutes ? `${o.settings.session_idle_minutes} min` : 'default',
    ],
    [
      'session lifetime',
      o.settings.session_absolute_hours ? `${o.settings.session_absolute_hours} h` : 'default',
    ],
    ['require MFA', o.hipaa_enabled || String(o.settings.require_mfa) === 'true' ? 'yes' : 'no'],
    ['created', o.created_at],
  ]);
}

export function registerOrgs(program: Command): void {
  const org = program.command('org').description('organizations');
  withJson(
    org
      .command('create')
      .description('create an organization; you become its owner')
      .argument('<name>', 'lowercase letters, digits, dashes'),
  ).action(
    action(async (name: string, opts: { json?: boolean }) => {
      const o = await (await connect()).request<OrgRow>('POST', '/api/v1/orgs', { name });
      if (opts.json) printJson(o);
      else say(`Created organization ${o.name} (${o.id}); you are its owner`);
    }),
  );
  withJson(
    org.command('list').description('organizations you belong to (all of them, for the operator)'),
  ).action(
    action(async (opts: { json?: boolean }) => {
      const orgs = await listOrgs(await connect());
      if (opts.json) return printJson(orgs);
      printTable(orgs, [
        { header: 'NAME', value: (o) => o.name },
        { header: 'PLAN', value: (o) => o.plan },
        { header: 'HIPAA', value: (o) => (o.hipaa_enabled ? 'enabled' : '') },
        { header: 'ROLE', value: (o) => o.role ?? '(operator)' },
        { header: 'ID', value: (o) => o.id },
      ]);
    }),
  );
  withJson(org.command('show').description('one organization').argument('<org>', 'name or id')).action(
    action(async (ref: string, opts: { json?: boolean }) => {
      const o = await (await connect()).request<OrgRow>('GET', orgPath(ref));
      if (opts.json) printJson(o);
      else showOrg(o);
    }),
  );
  withJson(
    org
      .command('set-plan')
      .description("change an organization's plan (operator)")
      .argument('<org>', 'name or id')
      .argument('<plan>', 'basic, scale or enterprise'),
  ).action(
    action(async (ref: string, plan: string, opts: { json?: boolean }) => {
      const o = await (await connect()).request<OrgRow>('PATCH', orgPath(ref), { plan });
      if (opts.json) printJson(o);
      else say(`${o.name} is now on the ${o.plan} plan`);
    }),
  );
  withJson(
    org
      .command('set')
      .description("change an organization's details (owner, admin)")
      .argument('<org>', 'name or id')
      .option('--legal-name <text>', 'legal name, as it appears on the BAA')
      .option('--address <text>', 'postal address')
      .option(
        '--audit-retention-days <days>',
        'how long the audit log keeps events (HIPAA: at least 2192, 6 years)',
      )
      .option('--session-idle-minutes <n>', 'end sessions after this many minutes without activity (5-60)')
      .option('--session-absolute-hours <n>', 'end sessions this many hours after sign-in (1-24)')
      .option('--require-mfa <yes|no>', 'require two-step verification of every member'),
  ).action(
    action(
      async (
        ref: string,
        opts: {
          legalName?: string;
          address?: string;
          auditRetentionDays?: string;
          sessionIdleMinutes?: string;
          sessionAbsoluteHours?: string;
          requireMfa?: string;
          json?: boolean;
        },
      ) => {
        const settings = {
          ...(opts.legalName ? { legal_name: opts.legalName } : {}),
          ...(opts.address ? { address: opts.address } : {}),
          ...(opts.auditRetentionDays ? { audit_retention_days: Number(opts.auditRetentionDays) } : {}),
          ...(opts.sessionIdleMinutes ? { session_idle_minutes: Number(opts.sessionIdleMinutes) } : {}),
          ...(opts.sessionAbsoluteHours ? { session_absolute_hours: Number(opts.sessionAbsoluteHours) } : {}),
          ...(opts.requireMfa ? { require_mfa: /^(yes|true|on)$/i.test(opts.requireMfa) } : {}),
        };
        const o = await (await connect()).request<OrgRow>('PATCH', orgPath(ref), { settings });
        if (opts.json) printJson(o);
        else showOrg(o);
      },
    ),
  );

  const member = org.command('member').description('members of an organization');
  withJson(
    member
      .command('add')
      .description('add an existing account with a role (owner)')
      .requiredOption('--org <org>', 'name or id')
      .requiredOption('--email <email>', 'the account’s email')
      .requiredOption('--role <role>', 'owner, admin, developer, auditor or member'),
  ).action(
    action(async (opts: { org: string; email: string; role: string; json?: boolean }) => {
      const m = await (await connect()).request<MemberRow>('POST', `${orgPath(opts.org)}/members`, {
        email: opts.email,
        role: opts.role,
      });
      if (opts.json) printJson(m);
      else say(`Added ${m.email} to ${opts.org} as ${m.role}`);
    }),
  );
  withJson(
    member.command('list').description('list members').requiredOption('--org <org>', 'name or id'),
  ).action(
    action(async (opts: { org: string; json?: boolean }) => {
      const { members } = await (await connect()).request<{ members: MemberRow[] }>(
        'GET',
        `${orgPath(opts.org)}/members`,
      );
      if (opts.json) return printJson(members);
      printTable(members, [
        { header: 'EMAIL', value: (m) => m.email },
        { header: 'NAME', value: (m) => m.name },
        { header: 'ROLE', value: (m) => m.role },
        { header: 'ADDED', value: (m) => m.added_at },
      ]);
    }),
  );
}
