/**
 * @module cli/compliance
 * `ward compliance status|controls|attest|decide|document --org`: the org's HIPAA posture from the
 * compliance center. `status` exits 1 while a required control fails, for scripts and CI. The
 * signed report (`report`, `verify-report`) is cli/compliance-report.ts.
 */
import { readFile } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import type { Command } from 'commander';
import { orgPath } from './baa.js';
import { CliError, connect } from './client.js';
import { addReportCommands } from './compliance-report.js';
import { download } from './files.js';
import { action, printJson, printTable, say, withJson } from './output.js';

interface ControlRow {
  id: string;
  citation: string;
  safeguard: string;
  title: string;
  kind: 'required' | 'addressable';
  responsibility: string;
  threshold: string | null;
  state: string;
  since: string;
  message: string;
}

interface Posture {
  org_name: string;
  checked_at: string;
  required_score: number;
  addressable_score: number;
  required_met: boolean;
  controls: ControlRow[];
}

const STATES = ['passing', 'failing', 'attested', 'alternative', 'not_applicable'];
const CONTENT_TYPES: Record<string, string> = {
  '.pdf': 'application/pdf',
  '.txt': 'text/plain',
  '.md': 'text/markdown',
  '.docx': 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
};

const compliancePath = (org: string) => `${orgPath(org)}/compliance`;
const posture = async (org: string) => (await connect()).request<Posture>('GET', compliancePath(org));

export function registerCompliance(program: Command): Command {
  const compliance = program
    .command('compliance')
    .description(
      "the org's HIPAA controls: scores, live checks, attestations, decisions, the signed report and publicity",
    );
  withJson(
    compliance
      .command('status')
      .description('both scores and every failing control; exits 1 while a required control fails')
      .requiredOption('--org <org>', 'name or id'),
  ).action(
    action(async (opts: { org: string; json?: boolean }) => {
      const p = await posture(opts.org);
      const failing = p.controls.filter((c) => c.state === 'failing');
      if (opts.json) printJson({ ...p, controls: failing });
      else {
        say(
          `${p.org_name}: HIPAA Required ${p.required_score}% · Addressable ${p.addressable_score}% (checked ${p.checked_at})`,
        );
        if (failing.length === 0) say('Every control holds.');
        else {
          say(`${failing.length} failing:`);
          for (const c of failing)
            say(`  ${c.kind === 'required' ? 'R' : 'A'} ${c.citation} ${c.title} [${c.id}]: ${c.message}`);
        }
      }
      if (!p.required_met) process.exitCode = 1;
    }),
  );
  withJson(
    compliance
      .command('controls')
      .description(
        'every control: citation, required or addressable, who is responsible, state and since when',
      )
      .requiredOption('--org <org>', 'name or id')
      .option('--state <state>', `only controls in this state (${STATES.join(', ')})`),
  ).action(
    action(async (opts: { org: string; state?: string; json?: boolean }) => {
      if (opts.state && !STATES.includes(opts.state))
        throw new CliError(`--state must be one of ${STATES.join(', ')}`, 2);
      const controls = (await posture(opts.org)).controls.filter(
        (c) => !opts.state || c.state === opts.state,
      );
      if (opts.json) return printJson(controls);
      printTable(controls, [
        { header: 'CITATION', value: (c) => c.citation },
        { header: 'CONTROL', value: (c) => `${c.title} [${c.id}]` },
        { header: 'R/A', value: (c) => (c.kind === 'required' ? 'R' : 'A') },
        { header: 'BY', value: (c) => c.responsibility },
        { header: 'STATE', value: (c) => c.state },
        { header: 'SINCE', value: (c) => c.since.slice(0, 16).replace('T', ' ') },
      ]);
    }),
  );
  compliance
    .command('attest')
    .description('attest a control Ward cannot see: upload its document (kept encrypted) and its review date')
    .requiredOption('--org <org>', 'name or id')
    .requiredOption('--control <id>', 'the control (ward compliance controls lists them), e.g. risk-analysis')
    .requiredOption('--file <path>', 'the document: the risk analysis, training records, a policy, …')
    .requiredOption('--review-by <date>', 'YYYY-MM-DD: past it the control fails until it is reviewed')
    .option('--statement <text>', 'what the document shows', 'the attached document')
    .action(
      action(
        async (opts: { org: string; control: string; file: string; reviewBy: string; statement: string }) => {
          const content = await readFile(opts.file).catch(() => {
            throw new CliError(`cannot read '${opts.file}'`, 2);
          });
          const r = await (await connect()).request<{ id: string; sha256: string }>(
            'POST',
            `${compliancePath(opts.org)}/attestations`,
            {
              control: opts.control,
              statement: opts.statement,
              file_name: basename(opts.file),
              content_type: CONTENT_TYPES[extname(opts.file).toLowerCase()] ?? 'application/octet-stream',
              content_base64: content.toString('base64'),
              review_by: opts.reviewBy,
            },
          );
          say(
            `Attested ${opts.control} with ${basename(opts.file)} (${r.id}, SHA-256 ${r.sha256}); review by ${opts.reviewBy}`,
          );
        },
      ),
    );
  compliance
    .command('decide')
    .description(
      'record a decision on an addressable specification: implemented, alternative or not_reasonable (expires after 12 months)',
    )
    .requiredOption('--org <org>', 'name or id')
    .requiredOption('--control <id>', 'the control, e.g. encryption-at-rest')
    .requiredOption(
      '--decision <decision>',
      'implemented | alternative | not_reasonable | not_applicable (only where the control applies to some entities)',
    )
    .requiredOption(
      '--rationale <text>',
      'why: the alternative measure, or why it is not reasonable and appropriate',
    )
    .action(
      action(async (opts: { org: string; control: string; decision: string; rationale: string }) => {
        const r = await (await connect()).request<{ id: string; expires_at: string }>(
          'POST',
          `${compliancePath(opts.org)}/decisions`,
          { control: opts.control, decision: opts.decision, rationale: opts.rationale },
        );
        say(
          `Recorded '${opts.decision}' for ${opts.control} (${r.id}); it expires ${r.expires_at.slice(0, 10)}`,
        );
      }),
    );
  compliance
    .command('document')
    .description('save an attested document as it was uploaded')
    .argument('<id>', 'the attestation id (att_…)')
    .requiredOption('--org <org>', 'name or id')
    .requiredOption('--out <file>', 'where to save it')
    .action(
      action(async (id: string, opts: { org: string; out: string }) => {
        await download(
          await connect(),
          `${compliancePath(opts.org)}/attestations/${encodeURIComponent(id)}`,
          opts.out,
        );
        say(`Saved ${id} to ${opts.out}`);
      }),
    );
  addReportCommands(compliance);
  return compliance;
}
