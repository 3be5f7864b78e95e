/**
 * @module cli/incidents
 * `ward incident create|list|show|obligations --org`: the incident record and its deadlines. The
 * response's steps are cli/incident-steps.ts (update, know, link, assess, hold); notices, packets
 * and the offline check of a packet are cli/incident-notices.ts. Dates are calendar days (YYYY-MM-DD).
 */
import type { Command } from 'commander';
import { connect } from './client.js';
import {
  byRef,
  collect,
  type Incident,
  incidentPath,
  type Obligation,
  printObligations,
} from './incident-format.js';
import { registerIncidentNotices } from './incident-notices.js';
import { registerIncidentSteps } from './incident-steps.js';
import { action, printFields, printJson, printTable, say, withJson } from './output.js';

function show(i: Incident): void {
  printFields([
    ['incident', `${i.id}  ${i.title}`],
    ['status', i.status],
    ['occurred', `${i.occurred_from ?? 'unknown'}${i.occurred_to ? ` to ${i.occurred_to}` : ''}`],
    ['reported by', i.reported_by],
    ['owner', i.owner?.email ?? '-'],
    ['discovered', `${i.discovery.discovered_on ?? 'not yet'}: ${i.discovery.reason}`],
    ['determination', `${i.determination.determination}: ${i.determination.reason}`],
    ['hold', i.hold.until ? `through ${i.hold.until}` : 'none'],
    ['affected', i.affected.total],
    ['audit events', i.audit_events.map((e) => e.id).join(', ') || '-'],
  ]);
  if (i.determination.open.length) say(`Open for another conclusion: ${i.determination.open.join('; ')}`);
  say('');
  printObligations(i.obligations);
  if (i.notices.length) {
    say('');
    printTable(i.notices, [
      { header: 'notice', value: (n) => n.id },
      { header: 'kind', value: (n) => n.kind },
      { header: 'scheduled', value: (n) => `${n.scheduled_on}${n.delayed ? ' (delayed)' : ''}` },
      {
        header: 'sent',
        value: (n) =>
          n.sent_at
            ? `${n.sent_at} by ${n.sent_via}`
            : n.missing.length
              ? `missing ${n.missing.length}`
              : 'ready',
      },
    ]);
  }
  say('');
  for (const t of i.timeline) say(`${t.at}  ${t.actor}  ${t.summary}`);
}

export function registerIncidents(program: Command): void {
  const incident = program
    .command('incident')
    .description(
      'security incidents: the record, who knew when, risk assessment, holds, deadlines, notices, evidence packets',
    );
  withJson(
    incident.command('create').description('record a security incident (optionally citing audit events)'),
  )
    .requiredOption('--org <org>', 'name or id')
    .requiredOption('--title <title>', 'a short title')
    .requiredOption('--reported-by <who>', 'who reported it')
    .option('--summary <text>', 'what happened (no PHI)')
    .option('--occurred-from <day>', 'when it happened (YYYY-MM-DD); leave out when unknown')
    .option('--occurred-to <day>', 'the last day, when it happened over a range')
    .option('--owner <email>', 'the member who owns the response')
    .option('--event <evt_…>', 'an audit event it cites (repeat for more)', collect, [])
    .action(
      action(
        async (o: {
          org: string;
          title: string;
          reportedBy: string;
          summary?: string;
          occurredFrom?: string;
          occurredTo?: string;
          owner?: string;
          event: string[];
          json?: boolean;
        }) => {
          const i = await (await connect()).request<Incident>('POST', incidentPath(o.org), {
            title: o.title,
            reported_by: o.reportedBy,
            ...(o.summary ? { summary: o.summary } : {}),
            ...(o.occurredFrom ? { occurred_from: o.occurredFrom } : {}),
            ...(o.occurredTo ? { occurred_to: o.occurredTo } : {}),
            ...(o.owner ? { owner: o.owner } : {}),
            sources: o.event.map((id) => ({ type: 'audit_event', id })),
          });
          if (o.json) return printJson(i);
          say(`Incident ${i.id} recorded: ${i.title}`);
          say(
            `Next: ward incident know ${i.id} --org ${o.org} --person … --relation workforce --known-on YYYY-MM-DD`,
          );
        },
      ),
    );
  withJson(
    incident
      .command('list')
      .description("the org's incidents with their next deadline")
      .requiredOption('--org <org>', 'name or id'),
  ).action(
    action(async (o: { org: string; json?: boolean }) => {
      const { incidents } = await (await connect()).request<{
        incidents: {
          id: string;
          title: string;
          status: string;
          determination: string;
          discovered_on: string | null;
          next_deadline: string | null;
          days_left: number | null;
        }[];
      }>('GET', incidentPath(o.org));
      if (o.json) return printJson(incidents);
      printTable(incidents, [
        { header: 'id', value: (i) => i.id },
        { header: 'title', value: (i) => i.title },
        { header: 'status', value: (i) => i.status },
        { header: 'determination', value: (i) => i.determination },
        { header: 'discovered', value: (i) => i.discovered_on },
        {
          header: 'next deadline',
          value: (i) => (i.next_deadline ? `${i.next_deadline} (${i.days_left} days)` : '-'),
        },
      ]);
    }),
  );
  withJson(
    byRef(
      incident
        .command('show')
        .description('the whole record: discovery, determination, obligations, notices, timeline'),
    ),
  ).action(
    action(async (id: string, o: { org: string; json?: boolean }) => {
      const i = await (await connect()).request<Incident>('GET', incidentPath(o.org, id));
      if (o.json) printJson(i);
      else show(i);
    }),
  );
  withJson(
    byRef(
      incident
        .command('obligations')
        .description('every notice owed, its recipient, deadline (days left) and reason'),
    ),
  ).action(
    action(async (id: string, o: { org: string; json?: boolean }) => {
      const r = await (await connect()).request<{
        discovered_on: string | null;
        determination: string;
        hold: { until: string | null };
        obligations: Obligation[];
      }>('GET', `${incidentPath(o.org, id)}/obligations`);
      if (o.json) return printJson(r);
      say(
        `Discovered ${r.discovered_on ?? 'not yet'} · ${r.determination}${r.hold.until ? ` · held through ${r.hold.until}` : ''}`,
      );
      printObligations(r.obligations);
    }),
  );
  registerIncidentSteps(incident);
  registerIncidentNotices(incident);
}
