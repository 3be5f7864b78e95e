/**
 * @module cli/baa
 * `ward org baa …`: render the BAA to read, sign it (owner), countersign it and list those waiting
 * (operator), show its state, download the executed PDF.
 */
import type { Command } from 'commander';
import { connect } from './client.js';
import { download, saveText } from './files.js';
import { action, printFields, printJson, printTable, say, withJson } from './output.js';

export interface Signature {
  name: string;
  title: string;
  email: string;
  at: string;
  ip: string | null;
}

export interface BaaRow {
  id: string;
  org_id: string;
  status: string;
  template_version: string;
  document_sha256: string;
  document?: string;
  signed: Signature;
  countersigned: Signature | null;
  org_name?: string;
}

export interface BaaDocument {
  template_version: string;
  document: string;
  document_sha256: string;
}

export const orgPath = (org: string) => `/api/v1/orgs/${encodeURIComponent(org)}`;
const sig = (s: Signature | null) =>
  s ? `${s.name}, ${s.title} <${s.email}> at ${s.at} from ${s.ip ?? '?'}` : null;

export function showBaa(b: BaaRow): void {
  printFields([
    ['id', b.id],
    ['status', b.status],
    ['template', b.template_version],
    ['sha256', b.document_sha256],
    ['signed', sig(b.signed)],
    ['countersigned', sig(b.countersigned)],
  ]);
}

/** Prints the rendered BAA (or saves it), then its digest: what a signature binds. */
export async function printDocument(doc: BaaDocument, out?: string): Promise<void> {
  if (out) {
    await saveText(out, doc.document);
    say(`Saved the BAA (template ${doc.template_version}) to ${out}`);
  } else say(doc.document);
  say(`SHA-256 ${doc.document_sha256}`);
}

export function registerBaa(org: Command): void {
  const baa = org.command('baa').description('the Business Associate Agreement (HIPAA)');
  withJson(
    baa
      .command('render')
      .description('the BAA as it reads for the org now, and its SHA-256 (enterprise plan; owner, admin)')
      .argument('<org>', 'name or id')
      .option('--out <file>', 'save the text to a file instead of printing it'),
  ).action(
    action(async (ref: string, opts: { out?: string; json?: boolean }) => {
      const doc = await (await connect()).request<BaaDocument>('POST', `${orgPath(ref)}/baa`);
      if (opts.json) return printJson(doc);
      await printDocument(doc, opts.out);
    }),
  );
  withJson(
    baa
      .command('sign')
      .description('sign the BAA whose SHA-256 you read (owner)')
      .argument('<org>', 'name or id')
      .requiredOption('--sha256 <hex>', 'the SHA-256 printed by `ward org baa render`')
      .requiredOption('--name <name>', 'your full name')
      .requiredOption('--title <title>', 'your title')
      .option('--accept', 'you accept the agreement (required)'),
  ).action(
    action(
      async (
        ref: string,
        opts: { sha256: string; name: string; title: string; accept?: boolean; json?: boolean },
      ) => {
        const b = await (await connect()).request<BaaRow>('POST', `${orgPath(ref)}/baa/sign`, {
          document_sha256: opts.sha256,
          name: opts.name,
          title: opts.title,
          accept: opts.accept === true,
        });
        if (opts.json) return printJson(b);
        say(
          `Signed the BAA of ${ref} (SHA-256 ${b.document_sha256}); it waits for the operator's countersignature`,
        );
      },
    ),
  );
  withJson(
    baa
      .command('countersign')
      .description('countersign a signed BAA: it is executed and HIPAA is enabled (operator)')
      .argument('<org>', 'name or id')
      .requiredOption('--sha256 <hex>', 'the SHA-256 of the signed BAA (see `ward org baa pending`)')
      .requiredOption('--name <name>', 'your full name')
      .requiredOption('--title <title>', 'your title'),
  ).action(
    action(async (ref: string, opts: { sha256: string; name: string; title: string; json?: boolean }) => {
      const b = await (await connect()).request<BaaRow>('POST', `${orgPath(ref)}/baa/countersign`, {
        document_sha256: opts.sha256,
        name: opts.name,
        title: opts.title,
      });
      if (opts.json) return printJson(b);
      say(`Countersigned the BAA of ${ref}: it is executed and HIPAA is enabled`);
    }),
  );
  withJson(baa.command('pending').description('BAAs waiting for your countersignature (operator)')).action(
    action(async (opts: { json?: boolean }) => {
      const { baas } = await (await connect()).request<{ baas: BaaRow[] }>('GET', '/api/v1/baas/pending');
      if (opts.json) return printJson(baas);
      printTable(baas, [
        { header: 'ORG', value: (b) => b.org_name },
        { header: 'SIGNED BY', value: (b) => `${b.signed.name}, ${b.signed.title}` },
        { header: 'SIGNED AT', value: (b) => b.signed.at },
        { header: 'SHA-256', value: (b) => b.document_sha256 },
      ]);
    }),
  );
  withJson(
    baa
      .command('show')
      .description('the signed or executed BAA: status and signatures')
      .argument('<org>', 'name or id')
      .option('--text', 'print the signed text too'),
  ).action(
    action(async (ref: string, opts: { text?: boolean; json?: boolean }) => {
      const b = await (await connect()).request<BaaRow>('GET', `${orgPath(ref)}/baa`);
      if (opts.json) return printJson(b);
      showBaa(b);
      if (opts.text && b.document) say(`\n${b.document}`);
    }),
  );
  baa
    .command('download')
    .description('the executed BAA as a PDF')
    .argument('<org>', 'name or id')
    .requiredOption('--out <file>', 'where to save the PDF')
    .action(
      action(async (ref: string, opts: { out: string }) => {
        await download(await connect(), `${orgPath(ref)}/baa.pdf`, opts.out);
        say(`Saved the executed BAA of ${ref} to ${opts.out}`);
      }),
    );
}
