/**
 * @module cli/compliance-publicity
 * `ward compliance publicity --org [--badge on|off] [--trust-page on|off]`: the org's public HIPAA
 * badge and trust page (both off until an owner turns them on; without a switch, shows them and
 * their public URLs), and `ward compliance notices --org`: what the org was told about changes to
 * the subprocessor list.
 */
import type { Command } from 'commander';
import { orgPath } from './baa.js';
import { CliError, connect } from './client.js';
import { action, printFields, printJson, printTable, say, withJson } from './output.js';

interface Publicity {
  badge: boolean;
  trust_page: boolean;
  updated_at: string | null;
  updated_by: string | null;
  badge_path: string;
  trust_page_path: string;
  trust_json_path: string;
}

interface Notice {
  change: string;
  summary: string;
  effective_at: string;
  created_at: string;
}

function onOff(flag: string, value: string | undefined): boolean | undefined {
  if (value === undefined) return undefined;
  if (value === 'on') return true;
  if (value === 'off') return false;
  throw new CliError(`${flag} must be on or off, not '${value}'`, 2);
}

export function registerCompliancePublicity(compliance: Command): void {
  withJson(
    compliance
      .command('publicity')
      .description(
        'the public HIPAA badge and trust page (off until turned on): show them and their URLs, or switch them',
      )
      .requiredOption('--org <org>', 'name or id')
      .option('--badge <on|off>', 'serve the badge (SVG) without sign-in')
      .option('--trust-page <on|off>', 'serve the trust page (HTML and JSON) without sign-in'),
  ).action(
    action(async (opts: { org: string; badge?: string; trustPage?: string; json?: boolean }) => {
      const body = { badge: onOff('--badge', opts.badge), trust_page: onOff('--trust-page', opts.trustPage) };
      const api = await connect();
      const path = `${orgPath(opts.org)}/compliance/publicity`;
      const changing = body.badge !== undefined || body.trust_page !== undefined;
      const p = changing
        ? await api.request<Publicity>('PUT', path, body)
        : await api.request<Publicity>('GET', path);
      if (opts.json) return printJson(p);
      const url = (path: string, on: boolean) => (on ? `${api.url}${path}` : 'off');
      printFields([
        ['badge', url(p.badge_path, p.badge)],
        ['trust page', url(p.trust_page_path, p.trust_page)],
        ['trust JSON', url(p.trust_json_path, p.trust_page)],
        ['changed', p.updated_at ? `${p.updated_at}${p.updated_by ? ` by ${p.updated_by}` : ''}` : null],
      ]);
      if (p.badge) say(`Embed: ![HIPAA](${api.url}${p.badge_path})`);
    }),
  );
  withJson(
    compliance
      .command('notices')
      .description("what the org was told about changes to this Ward's subprocessors, newest first")
      .requiredOption('--org <org>', 'name or id'),
  ).action(
    action(async (opts: { org: string; json?: boolean }) => {
      const notices = await (await connect()).request<Notice[]>(
        'GET',
        `${orgPath(opts.org)}/compliance/notices`,
      );
      if (opts.json) return printJson(notices);
      if (notices.length === 0) return say('No notices.');
      printTable(notices, [
        { header: 'SENT', value: (n) => n.created_at.slice(0, 10) },
        { header: 'TAKES EFFECT', value: (n) => n.effective_at.slice(0, 16).replace('T', ' ') },
        { header: 'CHANGE', value: (n) => n.change },
        { header: 'WHAT', value: (n) => n.summary },
      ]);
    }),
  );
}
