/**
 * @module cli/compliance-report
 * `ward compliance report --org --out` issues a signed report and saves its PDF and, beside it,
 * the signed JSON; `ward compliance verify-report <file.json>` checks that JSON offline, without
 * Ward (evidence/report.ts). The key inside the file proves only that the file is intact;
 * `--public-key` pins Ward's own key (`ward audit public-key`), which proves who issued it, and
 * the output says which of the two was used.
 */
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { checkSignedReport, type ReportCheck } from '../evidence/index.js';
import { publicKeyFrom } from './audit.js';
import { orgPath } from './baa.js';
import { CliError, connect } from './client.js';
import { download, saveText } from './files.js';
import { action, say } from './output.js';

interface ReportSummary {
  id: string;
  issued_at: string;
  required_score: number;
  addressable_score: number;
  required_met: boolean;
  sha256: string;
  key_id: string;
}

const reportsPath = (org: string) => `${orgPath(org)}/compliance/reports`;

/** `acme-hipaa.pdf` → `acme-hipaa.json`; a name without `.pdf` gets `.json` added. */
export const jsonBeside = (pdf: string) =>
  /\.pdf$/i.test(pdf) ? pdf.replace(/\.pdf$/i, '.json') : `${pdf}.json`;

async function readReportFile(file: string): Promise<unknown> {
  const text = await readFile(file, 'utf8').catch(() => {
    throw new CliError(`cannot read '${file}'`, 2);
  });
  try {
    return JSON.parse(text);
  } catch {
    throw new CliError(`${file} is not JSON: not a signed Ward compliance report`);
  }
}

function printValid(r: Extract<ReportCheck, { ok: true }>): void {
  const { report } = r;
  say(
    `Valid: compliance report ${report.id} of ${report.organization.name} (${report.organization.id}), issued ${report.issued_at}`,
  );
  say(
    `HIPAA Required ${report.scores.required_score}% · Addressable ${report.scores.addressable_score}%${report.scores.required_met ? '' : ' (required controls are failing)'}`,
  );
  say(
    r.pinned
      ? `Signed by Ward's key ${r.keyId}, the key you gave with --public-key`
      : `Signed by key ${r.keyId}, the key inside the file: this proves the file is intact, not who issued it; pin Ward's key with --public-key (ward audit public-key > ward.pem)`,
  );
  const cp = report.audit_checkpoint;
  if (!cp) say('Audit checkpoint: none quoted (the chain had none yet)');
  else
    say(
      `Audit checkpoint: chain ${cp.chain}, ${cp.tree_size} events, signed ${cp.time}: ${r.checkpoint === 'valid' ? 'signature valid' : `signed by another key (${cp.key_id}), not checked`}`,
    );
}

export function addReportCommands(compliance: Command): void {
  compliance
    .command('report')
    .description('issue a signed report for auditors: save its PDF and, beside it, the signed JSON')
    .requiredOption('--org <org>', 'name or id')
    .requiredOption(
      '--out <file>',
      'the PDF, e.g. acme-hipaa.pdf; the signed JSON is saved beside it (acme-hipaa.json)',
    )
    .action(
      action(async (opts: { org: string; out: string }) => {
        const api = await connect();
        const s = await api.request<ReportSummary>('POST', reportsPath(opts.org));
        const json = jsonBeside(opts.out);
        await download(api, `${reportsPath(opts.org)}/${s.id}.pdf`, opts.out);
        const file = await api.request('GET', `${reportsPath(opts.org)}/${s.id}.json`);
        await saveText(json, `${JSON.stringify(file, null, 2)}\n`);
        say(
          `Report ${s.id}: HIPAA Required ${s.required_score}% · Addressable ${s.addressable_score}% (${s.issued_at})`,
        );
        say(`Saved ${opts.out} and ${json} (SHA-256 of the signed document ${s.sha256})`);
        say(`Check it offline: ward compliance verify-report ${json} --public-key ward.pem`);
      }),
    );
  compliance
    .command('verify-report')
    .description("check a signed report's JSON offline, without Ward; exits 1 when it does not hold")
    .argument('<file>', 'the signed JSON (ward compliance report saves it beside the PDF)')
    .option(
      '--public-key <key>',
      "Ward's public key (PEM or a file; ward audit public-key prints it); without it the key inside the file is used, which proves only integrity",
    )
    .action(
      action(async (file: string, opts: { publicKey?: string }) => {
        const pinned = opts.publicKey ? await publicKeyFrom(opts.publicKey) : undefined;
        const r = checkSignedReport(await readReportFile(file), pinned);
        if (!r.ok) throw new CliError(`${file} does not verify: ${r.problem}`);
        printValid(r);
      }),
    );
}
