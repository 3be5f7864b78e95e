/**
 * @module cli/alerts
 * `ward alert list|show|ack|dismiss|escalate --org`: what the alert rules raised over the org's
 * audit log and what people did with it. The rules and the org's working hours are
 * cli/alert-rules.ts.
 */
import type { Command } from 'commander';
import { addRuleCommands } from './alert-rules.js';
import { orgPath } from './baa.js';
import { CliError, connect } from './client.js';
import { action, printFields, printJson, printTable, say, withJson } from './output.js';

interface AlertRow {
  id: string;
  rule: string;
  title: string;
  summary: string;
  status: string;
  event_time: string;
  raised_at: string;
  chain: string;
  seq: number;
  events: { seq: number; id: string }[];
  status_by: string | null;
  status_at: string | null;
  status_note: string | null;
  deliveries?: { channel: string; status: string; attempts: number }[];
}

const STATUSES = ['open', 'acknowledged', 'dismissed', 'escalated'];
const alertsPath = (org: string) => `${orgPath(org)}/alerts`;
const when = (iso: string | null) => (iso ? iso.slice(0, 16).replace('T', ' ') : null);

function show(a: AlertRow): void {
  printFields([
    ['alert', a.id],
    ['rule', `${a.rule}: ${a.title}`],
    ['status', a.status],
    ['summary', a.summary],
    ['happened', a.event_time],
    ['raised', a.raised_at],
    ['audit events', a.events.map((e) => `${a.chain}#${e.seq}`).join(', ')],
    ['by', a.status_by ? `${a.status_by} at ${a.status_at}` : null],
    ['note', a.status_note],
    ['deliveries', a.deliveries?.map((d) => `${d.channel} ${d.status} (${d.attempts})`).join(', ')],
  ]);
}

export function registerAlerts(program: Command): Command {
  const alert = program
    .command('alert')
    .description(
      "alerts the rules raised over the org's audit log: list, show, acknowledge, dismiss, turn into an incident (escalate); rules and hours",
    );
  withJson(
    alert
      .command('list')
      .description('the org’s alerts, newest first, and how many are open')
      .requiredOption('--org <org>', 'name or id')
      .option('--status <status>', `only alerts in this status (${STATUSES.join(', ')})`)
      .option('--rule <rule>', 'only alerts of this rule (ward alert rules lists them)')
      .option('--limit <n>', 'at most this many', '100'),
  ).action(
    action(async (opts: { org: string; status?: string; rule?: string; limit: string; json?: boolean }) => {
      if (opts.status && !STATUSES.includes(opts.status))
        throw new CliError(`--status must be one of ${STATUSES.join(', ')}`, 2);
      const q = new URLSearchParams({ limit: opts.limit });
      if (opts.status) q.set('status', opts.status);
      if (opts.rule) q.set('rule', opts.rule);
      const r = await (await connect()).request<{ open: number; alerts: AlertRow[] }>(
        'GET',
        `${alertsPath(opts.org)}?${q}`,
      );
      if (opts.json) return printJson(r);
      say(`${r.open} open`);
      printTable(r.alerts, [
        { header: 'ALERT', value: (a) => a.id },
        { header: 'RULE', value: (a) => a.rule },
        { header: 'STATUS', value: (a) => a.status },
        { header: 'WHEN', value: (a) => when(a.event_time) },
        { header: 'SUMMARY', value: (a) => a.summary },
      ]);
    }),
  );
  withJson(
    alert
      .command('show <id>')
      .description('one alert with the audit events it rests on and how it was delivered')
      .requiredOption('--org <org>', 'name or id'),
  ).action(
    action(async (id: string, opts: { org: string; json?: boolean }) => {
      const a = await (await connect()).request<AlertRow>(
        'GET',
        `${alertsPath(opts.org)}/${encodeURIComponent(id)}`,
      );
      if (opts.json) printJson(a);
      else show(a);
    }),
  );
  const change = (name: string, path: string, description: string, reason: boolean) => {
    const cmd = alert
      .command(`${name} <id>`)
      .description(description)
      .requiredOption('--org <org>', 'name or id');
    if (reason) cmd.option('--reason <text>', 'why (required; kept in the audit log)');
    else cmd.option('--note <text>', 'a note (kept in the audit log)');
    withJson(cmd).action(
      action(async (id: string, opts: { org: string; reason?: string; note?: string; json?: boolean }) => {
        if (reason && !opts.reason?.trim())
          throw new CliError('give --reason: why the alert is dismissed', 2);
        const body = reason ? { reason: opts.reason } : opts.note ? { note: opts.note } : {};
        const a = await (await connect()).request<AlertRow>(
          'POST',
          `${alertsPath(opts.org)}/${encodeURIComponent(id)}/${path}`,
          body,
        );
        if (opts.json) printJson(a);
        else say(`Alert ${a.id} is ${a.status}.`);
      }),
    );
  };
  change('ack', 'acknowledge', 'acknowledge an open alert', false);
  change('dismiss', 'dismiss', 'dismiss an alert, saying why', true);
  withJson(
    alert
      .command('escalate <id>')
      .description('turn an open or acknowledged alert into a new incident (its audit events cited)')
      .requiredOption('--org <org>', 'name or id')
      .option('--title <text>', "the incident's title (the alert's if absent)")
      .option('--owner <email>', "the incident's owner (an org member)"),
  ).action(
    action(async (id: string, opts: { org: string; title?: string; owner?: string; json?: boolean }) => {
      const body = {
        ...(opts.title ? { title: opts.title } : {}),
        ...(opts.owner ? { owner: opts.owner } : {}),
      };
      const r = await (await connect()).request<{ alert: AlertRow; incident: { id: string; title: string } }>(
        'POST',
        `${alertsPath(opts.org)}/${encodeURIComponent(id)}/escalate`,
        body,
      );
      if (opts.json) printJson(r);
      else
        say(
          `Alert ${r.alert.id} is now incident ${r.incident.id}: ward incident show ${r.incident.id} --org ${opts.org}`,
        );
    }),
  );
  addRuleCommands(alert);
  return alert;
}
