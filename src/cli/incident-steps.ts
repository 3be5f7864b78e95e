/**
 * @module cli/incident-steps
 * `ward incident update|affected|know|link|assess|hold`: the steps of a response, each one audited
 * and on the incident's timeline.
 */
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import type { Command } from 'commander';
import { isoTime, readRoster } from './access-accounting.js';
import { CliError, connect } from './client.js';
import {
  byRef,
  collect,
  count,
  type Incident,
  incidentPath,
  parseStates,
  printObligations,
  readJsonFile,
  yesNo,
} from './incident-format.js';
import { action, say } from './output.js';
import { resolveProject } from './projects.js';

export function registerIncidentSteps(incident: Command): void {
  byRef(
    incident
      .command('update')
      .description("change details, owner, status, the org's role or the affected counts"),
  )
    .option('--title <title>')
    .option('--summary <text>')
    .option('--status <status>', 'open, assessing, notifying or closed')
    .option('--owner <email>', 'a member')
    .option('--occurred-from <day>')
    .option('--occurred-to <day>')
    .option('--affected <STATE=N,…>', 'affected individuals per State, e.g. MA=501,NH=20')
    .option('--insufficient-contact <n>', 'how many have insufficient or out-of-date contact information')
    .option('--deceased <n>', 'deceased individuals whose next of kin or representative is known')
    .option('--misuse-imminent <yes|no>', 'whether misuse may be imminent (urgent telephone notice)')
    .option(
      '--business-associate <covered entity>',
      'the org is a business associate of this covered entity here',
    )
    .option('--agreement-days <n>', 'a shorter notice period the business associate agreement sets')
    .option('--agent <yes|no>', "whether the org acts as the covered entity's agent")
    .action(
      action(async (id: string, o: Record<string, string | undefined> & { org: string }) => {
        const api = await connect();
        const body: Record<string, unknown> = {};
        for (const [flag, key] of [
          ['title', 'title'],
          ['summary', 'summary'],
          ['status', 'status'],
          ['owner', 'owner'],
          ['occurredFrom', 'occurred_from'],
          ['occurredTo', 'occurred_to'],
        ] as const)
          if (o[flag] !== undefined) body[key] = o[flag];
        if (
          o.affected !== undefined ||
          o.insufficientContact !== undefined ||
          o.deceased !== undefined ||
          o.misuseImminent !== undefined
        ) {
          const now = await api.request<{
            affected: {
              by_state: Record<string, number>;
              insufficient_contact: number;
              deceased: number;
              misuse_imminent: boolean;
            };
          }>('GET', incidentPath(o.org, id));
          const { by_state, insufficient_contact, deceased, misuse_imminent } = now.affected;
          body.affected = {
            by_state: o.affected !== undefined ? parseStates(o.affected) : by_state,
            insufficient_contact:
              o.insufficientContact !== undefined
                ? count(o.insufficientContact, '--insufficient-contact')
                : insufficient_contact,
            deceased: o.deceased !== undefined ? count(o.deceased, '--deceased') : deceased,
            misuse_imminent:
              o.misuseImminent !== undefined ? yesNo(o.misuseImminent, '--misuse-imminent') : misuse_imminent,
          };
        }
        if (o.businessAssociate !== undefined) {
          body.role = 'business_associate';
          body.business_associate = {
            covered_entity: o.businessAssociate,
            agreement_days: o.agreementDays !== undefined ? count(o.agreementDays, '--agreement-days') : null,
            agent: o.agent !== undefined ? yesNo(o.agent, '--agent') : null,
          };
        }
        if (Object.keys(body).length === 0)
          throw new CliError('nothing to change: give at least one option', 2);
        const i = await api.request<Incident>('PATCH', incidentPath(o.org, id), body);
        say(`Incident ${i.id} updated (${Object.keys(body).join(', ')})`);
        printObligations(i.obligations);
      }),
    );
  byRef(
    incident
      .command('affected')
      .description(
        "count the affected individuals per State from the accounting of access: which of your roster's people a person's statements reached",
      ),
  )
    .requiredOption('--project <project>', 'the project whose accesses count: id, or name in --org')
    .requiredOption('--actor <email>', "the person's e-mail or the service account's name")
    .requiredOption('--from <time>', 'start of the window (ISO 8601)')
    .requiredOption('--to <time>', 'end of the window (ISO 8601)')
    .requiredOption(
      '--candidates <file>',
      'CSV roster with an identifier column and a State column (not kept)',
    )
    .action(
      action(
        async (
          id: string,
          o: { org: string; project: string; actor: string; from: string; to: string; candidates: string },
        ) => {
          const from = isoTime(o.from, '--from');
          const to = isoTime(o.to, '--to');
          const candidates = await readRoster(o.candidates);
          const api = await connect();
          const project = await resolveProject(api, o.project, o.org);
          const i = await api.request<Incident>('POST', `${incidentPath(o.org, id)}/affected/from-access`, {
            project: project.id,
            actor: o.actor,
            from,
            to,
            candidates,
          });
          const states = Object.entries(i.affected.by_state).map(([state, n]) => `${state} ${n}`);
          say(`Incident ${i.id}: ${i.affected.total} affected (${states.join(', ') || 'none'})`);
          printObligations(i.obligations);
        },
      ),
    );
  byRef(
    incident
      .command('know')
      .description('record who knew when (164.404(a)(2)); the discovery date is derived'),
  )
    .requiredOption('--person <name>', 'who')
    .requiredOption('--relation <workforce|agent>', 'a workforce member or an agent')
    .requiredOption('--known-on <day>', 'the day they knew, or would have known (YYYY-MM-DD)')
    .option('--should-have-known', 'they would have known by reasonable diligence, rather than knew')
    .option('--committed-breach', 'this is the person who committed the breach (not counted)')
    .action(
      action(
        async (
          id: string,
          o: {
            org: string;
            person: string;
            relation: string;
            knownOn: string;
            shouldHaveKnown?: boolean;
            committedBreach?: boolean;
          },
        ) => {
          const i = await (await connect()).request<Incident>(
            'POST',
            `${incidentPath(o.org, id)}/knowledge`,
            {
              person: o.person,
              relation: o.relation,
              known_on: o.knownOn,
              basis: o.shouldHaveKnown ? 'should_have_known' : 'knew',
              committed_breach: Boolean(o.committedBreach),
            },
          );
          say(`Discovered: ${i.discovery.discovered_on ?? 'not yet'} (${i.discovery.reason})`);
        },
      ),
    );
  byRef(incident.command('link').description("cite audit events of the org's chain"))
    .requiredOption('--event <evt_…>', 'an audit event (repeat for more)', collect, [])
    .action(
      action(async (id: string, o: { org: string; event: string[] }) => {
        const i = await (await connect()).request<Incident>('POST', `${incidentPath(o.org, id)}/events`, {
          audit_events: o.event,
        });
        say(`Incident ${i.id} cites ${i.audit_events.length} audit event(s)`);
      }),
    );
  byRef(
    incident
      .command('assess')
      .description('record the 164.402 risk assessment from a JSON file (factors, exclusions, unsecured)'),
  )
    .requiredOption(
      '--file <assessment.json>',
      '{"factors":{"nature":{…},"recipient":{…},"acquired":{…},"mitigation":{…}},"exclusions":{},"unsecured":true}',
    )
    .action(
      action(async (id: string, o: { org: string; file: string }) => {
        const i = await (await connect()).request<Incident>(
          'PUT',
          `${incidentPath(o.org, id)}/assessment`,
          await readJsonFile(o.file),
        );
        say(`Determination: ${i.determination.determination} (${i.determination.reason})`);
        if (i.determination.open.length) say(`Open: ${i.determination.open.join('; ')}`);
      }),
    );
  byRef(incident.command('hold').description('record a law-enforcement statement delaying notices (164.412)'))
    .requiredOption('--kind <written|oral>', 'a written statement, or an oral one (30 days at most)')
    .requiredOption('--stated-on <day>', 'the day of the statement')
    .requiredOption('--agency <agency>', "the official's agency")
    .requiredOption('--statement <text>', 'what the official stated')
    .option('--official <name>', "the official's name (required for an oral statement)")
    .option('--until <day>', 'the end of the period a written statement specifies')
    .option('--file <letter>', 'the written statement (kept encrypted under the org key)')
    .action(
      action(
        async (
          id: string,
          o: {
            org: string;
            kind: string;
            statedOn: string;
            agency: string;
            statement: string;
            official?: string;
            until?: string;
            file?: string;
          },
        ) => {
          const document = o.file
            ? {
                file_name: basename(o.file),
                content_base64: (
                  await readFile(o.file).catch(() => {
                    throw new CliError(`cannot read '${o.file}'`, 2);
                  })
                ).toString('base64'),
              }
            : undefined;
          const i = await (await connect()).request<Incident>('POST', `${incidentPath(o.org, id)}/holds`, {
            kind: o.kind,
            stated_on: o.statedOn,
            agency: o.agency,
            statement: o.statement,
            ...(o.official ? { official_name: o.official } : {}),
            ...(o.until ? { until: o.until } : {}),
            ...(document ? { document } : {}),
          });
          say(`Notices held through ${i.hold.until}: ${i.hold.reason}`);
        },
      ),
    );
}
