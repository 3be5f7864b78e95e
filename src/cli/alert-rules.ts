/**
 * @module cli/alert-rules
 * `ward alert rules`, `ward alert rule set <rule>`, `ward alert hours`, `ward alert email-to`:
 * an org's alert rules (on by default for HIPAA orgs), its declared working hours with their time
 * zone (for the off-hours rule) and who alerts are e-mailed to.
 */
import type { Command } from 'commander';
import { orgPath } from './baa.js';
import { CliError, connect } from './client.js';
import { action, printJson, printTable, say, withJson } from './output.js';

interface RuleRow {
  rule: string;
  title: string;
  counts: boolean;
  enabled: boolean;
  threshold: number;
  window_seconds: number;
  default: boolean;
}

interface Settings {
  working_hours: { start: string; end: string; days: number[]; time_zone: string } | null;
  email_to: string[];
  smtp: boolean;
}

const UNIT: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400 };

/** "600", "600s", "10m", "1h", "7d" → seconds. */
export function parseWindow(text: string): number {
  const m = /^(\d+)\s*([smhd]?)$/.exec(text.trim());
  if (!m) throw new CliError(`--window '${text}' is not a duration such as 600, 10m or 1h`, 2);
  return Number(m[1]) * (UNIT[m[2] || 's'] ?? 1);
}

/** "1-5", "1,3,5", "1-7" → ISO weekdays. */
export function parseDays(text: string): number[] {
  const days = new Set<number>();
  for (const part of text.split(',')) {
    const m = /^([1-7])(?:-([1-7]))?$/.exec(part.trim());
    if (!m) throw new CliError(`--days '${text}' is not ISO weekdays such as 1-5 (1 Monday … 7 Sunday)`, 2);
    for (let d = Number(m[1]); d <= Number(m[2] ?? m[1]); d++) days.add(d);
  }
  return [...days].sort();
}

const windowText = (s: number) => (s % 3600 === 0 ? `${s / 3600}h` : s % 60 === 0 ? `${s / 60}m` : `${s}s`);

function printSettings(s: Settings): void {
  const h = s.working_hours;
  say(
    h
      ? `Working hours: ${h.start}–${h.end}, days ${h.days.join(',')}, ${h.time_zone}`
      : 'Working hours: none declared',
  );
  say(
    `E-mail: ${s.email_to.length ? s.email_to.join(', ') : "the org's owners and admins"}${s.smtp ? '' : ' (this Ward has no SMTP server configured)'}`,
  );
}

export function addRuleCommands(alert: Command): void {
  withJson(
    alert
      .command('rules')
      .description("every built-in rule with the org's setting")
      .requiredOption('--org <org>', 'name or id'),
  ).action(
    action(async (opts: { org: string; json?: boolean }) => {
      const rules = await (await connect()).request<RuleRow[]>('GET', `${orgPath(opts.org)}/alert-rules`);
      if (opts.json) return printJson(rules);
      printTable(rules, [
        { header: 'RULE', value: (r) => r.rule },
        { header: 'ON', value: (r) => (r.enabled ? 'yes' : 'no') },
        { header: 'THRESHOLD', value: (r) => (r.counts ? r.threshold : '-') },
        { header: 'WINDOW', value: (r) => (r.counts ? windowText(r.window_seconds) : '-') },
        { header: 'SETTING', value: (r) => (r.default ? 'default' : 'own') },
        { header: 'WHAT', value: (r) => r.title },
      ]);
    }),
  );
  const rule = alert.command('rule').description('change one alert rule');
  withJson(
    rule
      .command('set <rule>')
      .description('switch a rule on or off, or change its threshold or window')
      .requiredOption('--org <org>', 'name or id')
      .option('--threshold <n>', 'how many (failures, rows) within the window fire it')
      .option('--window <duration>', 'the window: seconds, or 10m, 1h, 7d')
      .option('--enabled <on>', 'true or false'),
  ).action(
    action(
      async (
        id: string,
        opts: { org: string; threshold?: string; window?: string; enabled?: string; json?: boolean },
      ) => {
        const body: Record<string, unknown> = {};
        if (opts.threshold !== undefined) {
          if (!/^\d+$/.test(opts.threshold))
            throw new CliError(`--threshold '${opts.threshold}' is not a whole number`, 2);
          body.threshold = Number(opts.threshold);
        }
        if (opts.window !== undefined) body.window_seconds = parseWindow(opts.window);
        if (opts.enabled !== undefined) {
          if (!['true', 'false'].includes(opts.enabled))
            throw new CliError('--enabled must be true or false', 2);
          body.enabled = opts.enabled === 'true';
        }
        if (Object.keys(body).length === 0) throw new CliError('give --threshold, --window or --enabled', 2);
        const r = await (await connect()).request<RuleRow>(
          'PUT',
          `${orgPath(opts.org)}/alert-rules/${encodeURIComponent(id)}`,
          body,
        );
        if (opts.json) return printJson(r);
        say(
          `${r.rule} is ${r.enabled ? 'on' : 'off'}${r.counts ? `: ${r.threshold} within ${windowText(r.window_seconds)}` : ''}.`,
        );
      },
    ),
  );
  withJson(
    alert
      .command('hours')
      .description('show or declare the org’s working hours (the off-hours rule alerts access outside them)')
      .requiredOption('--org <org>', 'name or id')
      .option('--start <hh:mm>', 'when work starts, e.g. 08:00')
      .option('--end <hh:mm>', 'when it ends, e.g. 18:00')
      .option('--days <days>', 'ISO weekdays, e.g. 1-5 (Monday to Friday)', '1-5')
      .option('--tz <zone>', 'an IANA time zone, e.g. America/Chicago', 'UTC')
      .option('--clear', 'declare no working hours'),
  ).action(
    action(
      async (opts: {
        org: string;
        start?: string;
        end?: string;
        days: string;
        tz: string;
        clear?: boolean;
        json?: boolean;
      }) => {
        const api = await connect();
        const path = `${orgPath(opts.org)}/alert-settings`;
        let s: Settings;
        if (opts.clear) s = await api.request<Settings>('PUT', path, { working_hours: null });
        else if (opts.start || opts.end) {
          if (!opts.start || !opts.end) throw new CliError('give both --start and --end', 2);
          s = await api.request<Settings>('PUT', path, {
            working_hours: {
              start: opts.start,
              end: opts.end,
              days: parseDays(opts.days),
              time_zone: opts.tz,
            },
          });
        } else s = await api.request<Settings>('GET', path);
        if (opts.json) printJson(s);
        else printSettings(s);
      },
    ),
  );
  withJson(
    alert
      .command('email-to [addresses...]')
      .description(
        "who alerts are e-mailed to (when this Ward has SMTP); none given with --owners: the org's owners and admins",
      )
      .requiredOption('--org <org>', 'name or id')
      .option('--owners', "e-mail the org's owners and admins (the default)"),
  ).action(
    action(async (addresses: string[], opts: { org: string; owners?: boolean; json?: boolean }) => {
      if (!opts.owners && addresses.length === 0) throw new CliError('give the addresses, or --owners', 2);
      const s = await (await connect()).request<Settings>('PUT', `${orgPath(opts.org)}/alert-settings`, {
        email_to: opts.owners ? [] : addresses,
      });
      if (opts.json) printJson(s);
      else printSettings(s);
    }),
  );
}
