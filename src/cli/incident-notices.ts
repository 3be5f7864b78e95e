/**
 * @module cli/incident-notices
 * `ward incident notice draft|update|sent|pdf`, `ward incident packet` (the signed evidence
 * packet's PDF and, beside it, its JSON) and `ward incident verify-packet <file.json>`, which
 * checks a packet offline, without Ward (evidence/incident-packet.ts): its signature and every
 * inclusion proof in it. `--public-key` pins Ward's key; the output says which key was used.
 */
import type { Command } from 'commander';
import { checkIncidentPacket } from '../evidence/index.js';
import { publicKeyFrom } from './audit.js';
import { CliError, connect } from './client.js';
import { jsonBeside } from './compliance-report.js';
import { download, saveText } from './files.js';
import { incidentPath, readJsonFile } from './incident-format.js';
import { action, say } from './output.js';

interface Notice {
  id: string;
  kind: string;
  scheduled_on: string;
  could_send_on: string;
  deadline: string | null;
  delayed: boolean;
  late: boolean;
  missing: string[];
  sent_at: string | null;
  sent_via: string | null;
}

function report(n: Notice): void {
  say(
    `Notice ${n.id} (${n.kind}): scheduled ${n.scheduled_on}, deadline ${n.deadline ?? 'none yet'}${n.delayed ? ', DELAYED past the day it could be sent' : ''}${n.late ? ', LATE' : ''}`,
  );
  if (n.sent_at) say(`Sent ${n.sent_at} by ${n.sent_via}`);
  else if (n.missing.length) say(`Missing before it can be sent: ${n.missing.join('; ')}`);
  else say('Ready to send');
}

const scheduleOptions = (cmd: Command) =>
  cmd
    .option(
      '--file <content.json>',
      'the content: description, phi_types, steps, org_actions, contact{toll_free,email,website,postal}, identities',
    )
    .option('--recipient <text>', 'who it goes to')
    .option('--jurisdiction <state>', 'media notices: the State or jurisdiction')
    .option('--ready-on <day>', 'the first day it could be sent (default today)')
    .option('--scheduled-on <day>', 'the day it will be sent (default the first day it could be)')
    .option('--delay-reason <text>', 'why it goes later than it could (required then)');

async function scheduleBody(o: Record<string, string | undefined>) {
  return {
    ...(o.file ? { content: await readJsonFile(o.file) } : {}),
    ...(o.recipient ? { recipient: o.recipient } : {}),
    ...(o.jurisdiction ? { jurisdiction: o.jurisdiction } : {}),
    ...(o.readyOn ? { ready_on: o.readyOn } : {}),
    ...(o.scheduledOn ? { scheduled_on: o.scheduledOn } : {}),
    ...(o.delayReason ? { delay_reason: o.delayReason } : {}),
  };
}

export function registerIncidentNotices(incident: Command): void {
  const notice = incident.command('notice').description('notices and letters: draft, update, mark sent, PDF');
  scheduleOptions(
    notice
      .command('draft')
      .description('draft a notice: individual, substitute, next_of_kin, media, secretary or covered_entity')
      .argument('<incident>', 'the incident id (inc_…)')
      .requiredOption('--org <org>', 'name or id')
      .requiredOption(
        '--kind <kind>',
        'individual, substitute, next_of_kin, media, secretary, covered_entity',
      ),
  ).action(
    action(async (id: string, o: Record<string, string | undefined> & { org: string; kind: string }) => {
      const n = await (await connect()).request<Notice>('POST', `${incidentPath(o.org, id)}/notices`, {
        kind: o.kind,
        ...(await scheduleBody(o)),
      });
      report(n);
    }),
  );
  scheduleOptions(
    notice
      .command('update')
      .description("change a draft notice's content or schedule")
      .argument('<incident>', 'the incident id (inc_…)')
      .argument('<notice>', 'the notice id (ltr_…)')
      .requiredOption('--org <org>', 'name or id'),
  ).action(
    action(async (id: string, nid: string, o: Record<string, string | undefined> & { org: string }) => {
      const body = await scheduleBody(o);
      if (Object.keys(body).length === 0)
        throw new CliError('nothing to change: give at least one option', 2);
      report(
        await (await connect()).request<Notice>(
          'PATCH',
          `${incidentPath(o.org, id)}/notices/${encodeURIComponent(nid)}`,
          body,
        ),
      );
    }),
  );
  notice
    .command('sent')
    .description(
      'mark a notice sent, with how (refused while required content is missing or notices are held)',
    )
    .argument('<incident>', 'the incident id (inc_…)')
    .argument('<notice>', 'the notice id (ltr_…)')
    .requiredOption('--org <org>', 'name or id')
    .requiredOption('--via <how>', 'mail, email, phone, web or media')
    .option('--at <time>', 'when it was sent (ISO 8601; default now)')
    .action(
      action(async (id: string, nid: string, o: { org: string; via: string; at?: string }) => {
        report(
          await (await connect()).request<Notice>(
            'POST',
            `${incidentPath(o.org, id)}/notices/${encodeURIComponent(nid)}/sent`,
            {
              via: o.via,
              ...(o.at ? { sent_at: o.at } : {}),
            },
          ),
        );
      }),
    );
  notice
    .command('pdf')
    .description('save a notice as a PDF letter')
    .argument('<incident>', 'the incident id (inc_…)')
    .argument('<notice>', 'the notice id (ltr_…)')
    .requiredOption('--org <org>', 'name or id')
    .requiredOption('--out <file>', 'the PDF to write')
    .action(
      action(async (id: string, nid: string, o: { org: string; out: string }) => {
        await download(
          await connect(),
          `${incidentPath(o.org, id)}/notices/${encodeURIComponent(nid)}.pdf`,
          o.out,
        );
        say(`Saved ${o.out}`);
      }),
    );
  incident
    .command('packet')
    .description('issue a signed evidence packet (164.414): save its PDF and, beside it, the signed JSON')
    .argument('<incident>', 'the incident id (inc_…)')
    .requiredOption('--org <org>', 'name or id')
    .requiredOption(
      '--out <file>',
      'the PDF, e.g. inc-42.pdf; the signed JSON is saved beside it (inc-42.json)',
    )
    .action(
      action(async (id: string, o: { org: string; out: string }) => {
        const api = await connect();
        const p = await api.request<{ id: string; sha256: string }>(
          'POST',
          `${incidentPath(o.org, id)}/packets`,
        );
        const json = jsonBeside(o.out);
        await download(api, `${incidentPath(o.org, id)}/packets/${p.id}.pdf`, o.out);
        await saveText(
          json,
          `${JSON.stringify(await api.request('GET', `${incidentPath(o.org, id)}/packets/${p.id}.json`), null, 2)}\n`,
        );
        say(`Packet ${p.id}: saved ${o.out} and ${json} (SHA-256 of the signed document ${p.sha256})`);
        say(`Check it offline: ward incident verify-packet ${json} --public-key ward.pem`);
      }),
    );
  incident
    .command('verify-packet')
    .description("check an evidence packet's JSON offline, without Ward; exits 1 when it does not hold")
    .argument('<file>', 'the signed JSON (ward incident packet saves it beside the PDF)')
    .option(
      '--public-key <key>',
      "Ward's public key (PEM or a file; ward audit public-key prints it); without it the key inside the file is used, which proves only integrity",
    )
    .action(
      action(async (file: string, o: { publicKey?: string }) => {
        const pinned = o.publicKey ? await publicKeyFrom(o.publicKey) : undefined;
        const r = checkIncidentPacket(await readJsonFile(file), pinned);
        if (!r.ok) throw new CliError(`${file} does not verify: ${r.problem}`);
        const p = r.packet;
        say(
          `Valid: evidence packet ${p.id} of incident ${p.incident.id} (${p.incident.title}) of ${p.organization.name}, issued ${p.issued_at}`,
        );
        say(
          `Determination ${p.incident.determination.determination}; discovered ${p.incident.discovery.discovered_on ?? 'not recorded'}`,
        );
        for (const n of p.incident.notices)
          say(`Notice ${n.id} (${n.kind}): ${n.sent_at ? `sent ${n.sent_at} by ${n.sent_via}` : 'not sent'}`);
        say(
          `${r.proofs} inclusion proof(s) of cited audit events hold; ${p.law_enforcement_documents.length} law-enforcement document(s) by SHA-256`,
        );
        say(
          r.pinned
            ? `Signed by Ward's key ${r.keyId}, the key you gave with --public-key`
            : `Signed by key ${r.keyId}, the key inside the file: this proves the file is intact, not who issued it; pin Ward's key with --public-key (ward audit public-key > ward.pem)`,
        );
      }),
    );
}
