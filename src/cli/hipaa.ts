/**
 * @module cli/hipaa
 * `ward org hipaa status|enable|disable`. `enable` walks an owner through the flow: without
 * `--accept` it shows the BAA and its SHA-256 and says how to sign; with `--accept`, `--name`
 * and `--title` it signs (the hash given with `--sha256`, or the one it just rendered) and then
 * HIPAA turns on when the operator countersigns; with an executed BAA it enables HIPAA at once.
 * Also registers `ward org baa …`, `ward keys …`, `ward certificate …` and `ward project undelete`.
 */
import type { Command } from 'commander';
import { type BaaDocument, type BaaRow, orgPath, printDocument, registerBaa } from './baa.js';
import { registerCertificates } from './certificates.js';
import { type Api, CliError, connect } from './client.js';
import { registerKeys } from './keys.js';
import { action, printFields, printJson, say, withJson } from './output.js';
import { registerUndelete } from './undelete.js';

interface HipaaRow {
  org_id: string;
  enabled: boolean;
  plan: string;
  required_plan: string;
  baa: Omit<BaaRow, 'document'> | null;
  baa_current: boolean | null;
  hipaa_projects: { id: string; name: string; status: string; purge_after: string | null }[];
  plaintext_projects: { id: string; name: string }[];
  next_step: string;
}

function showHipaa(h: HipaaRow): void {
  printFields([
    ['hipaa', h.enabled ? 'enabled' : 'not enabled'],
    ['plan', `${h.plan}${h.plan === h.required_plan ? '' : ` (HIPAA needs ${h.required_plan})`}`],
    [
      'baa',
      h.baa
        ? `${h.baa.status} (template ${h.baa.template_version}, SHA-256 ${h.baa.document_sha256})`
        : 'none',
    ],
    [
      'baa current',
      h.baa_current === null
        ? null
        : h.baa_current
          ? 'yes'
          : 'no: the org details or the business associate changed since',
    ],
    ['hipaa projects', h.hipaa_projects.map((p) => `${p.name} (${p.status})`).join(', ') || 'none'],
    [
      'plaintext allowed',
      h.plaintext_projects.length
        ? `${h.plaintext_projects.map((p) => p.name).join(', ')} (from loopback; ward project set <project> --plaintext refused)`
        : 'none: every project requires TLS',
    ],
    ['next step', h.next_step],
  ]);
}

async function status(api: Api, ref: string): Promise<HipaaRow> {
  return api.request<HipaaRow>('GET', `${orgPath(ref)}/hipaa`);
}

interface EnableOpts {
  name?: string;
  title?: string;
  accept?: boolean;
  sha256?: string;
  out?: string;
  json?: boolean;
}

async function enable(ref: string, opts: EnableOpts): Promise<void> {
  const api = await connect();
  const before = await status(api, ref);
  if (!before.enabled && before.baa?.status === 'executed') {
    const after = await api.request<HipaaRow>('PUT', `${orgPath(ref)}/hipaa`, { enabled: true });
    return opts.json ? printJson(after) : say(`HIPAA is enabled for ${ref}`);
  }
  if (before.enabled || before.baa?.status === 'signed') {
    if (opts.json) return printJson(before);
    return say(before.enabled ? `HIPAA is already enabled for ${ref}` : before.next_step);
  }
  const doc = await api.request<BaaDocument>('POST', `${orgPath(ref)}/baa`);
  if (!opts.accept) {
    if (opts.json) return printJson(doc);
    await printDocument(doc, opts.out);
    return say(
      `To sign: ward org hipaa enable ${ref} --sha256 ${doc.document_sha256} --name "<your full name>" --title "<your title>" --accept`,
    );
  }
  if (!opts.name || !opts.title) throw new CliError('signing needs --name and --title', 2);
  const signed = await api.request<BaaRow>('POST', `${orgPath(ref)}/baa/sign`, {
    document_sha256: opts.sha256 ?? doc.document_sha256,
    name: opts.name,
    title: opts.title,
    accept: true,
  });
  if (opts.json) return printJson(signed);
  say(
    `Signed the BAA of ${ref} (SHA-256 ${signed.document_sha256}). HIPAA is enabled when the operator countersigns it.`,
  );
}

export function registerHipaa(program: Command): void {
  const org = program.commands.find((c) => c.name() === 'org') ?? program.command('org');
  const hipaa = org.command('hipaa').description('HIPAA for an organization: plan, BAA, enable, disable');
  withJson(
    hipaa
      .command('status')
      .description('what is in place and what comes next')
      .argument('<org>', 'name or id'),
  ).action(
    action(async (ref: string, opts: { json?: boolean }) => {
      const h = await status(await connect(), ref);
      if (opts.json) printJson(h);
      else showHipaa(h);
    }),
  );
  withJson(
    hipaa
      .command('enable')
      .description(
        'show the BAA; sign it with --accept (owner); HIPAA turns on once the operator countersigns',
      )
      .argument('<org>', 'name or id')
      .option('--name <name>', 'your full name, to sign')
      .option('--title <title>', 'your title, to sign')
      .option('--accept', 'you accept the BAA')
      .option('--sha256 <hex>', 'the SHA-256 of the BAA you read (default: as rendered now)')
      .option('--out <file>', 'save the BAA text to a file instead of printing it'),
  ).action(action((ref: string, opts: EnableOpts) => enable(ref, opts)));
  withJson(
    hipaa
      .command('disable')
      .description('turn HIPAA off (refused while the org has HIPAA projects)')
      .argument('<org>', 'name or id'),
  ).action(
    action(async (ref: string, opts: { json?: boolean }) => {
      const h = await (await connect()).request<HipaaRow>('PUT', `${orgPath(ref)}/hipaa`, { enabled: false });
      if (opts.json) printJson(h);
      else say(`HIPAA is off for ${ref}`);
    }),
  );
  registerBaa(org);
  registerKeys(program);
  registerCertificates(program);
  registerUndelete(program);
}
