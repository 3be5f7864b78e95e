/**
 * @module cli/certificates
 * `ward certificate list|show|download --org`: certificates of destruction of deleted HIPAA
 * projects. `download` saves the PDF, or with `.json` the signed document, its signature and
 * Ward's public key, to check offline.
 */
import type { Command } from 'commander';
import { orgPath } from './baa.js';
import { connect } from './client.js';
import { download, saveText } from './files.js';
import { action, printFields, printJson, printTable, say, withJson } from './output.js';

interface CertificateRow {
  id: string;
  project_id: string;
  project_name: string;
  issued_at: string;
  key_id: string;
  signature?: string;
}

const certPath = (org: string, ref: string) => `${orgPath(org)}/certificates/${encodeURIComponent(ref)}`;

export function registerCertificates(program: Command): void {
  const cert = program
    .command('certificate')
    .description('certificates of destruction of deleted HIPAA projects');
  withJson(
    cert
      .command('list')
      .description('an organization’s certificates')
      .requiredOption('--org <org>', 'name or id'),
  ).action(
    action(async (opts: { org: string; json?: boolean }) => {
      const { certificates } = await (await connect()).request<{ certificates: CertificateRow[] }>(
        'GET',
        `${orgPath(opts.org)}/certificates`,
      );
      if (opts.json) return printJson(certificates);
      printTable(certificates, [
        { header: 'ID', value: (c) => c.id },
        { header: 'PROJECT', value: (c) => `${c.project_name} (${c.project_id})` },
        { header: 'ISSUED', value: (c) => c.issued_at },
      ]);
    }),
  );
  withJson(
    cert
      .command('show')
      .description('one certificate')
      .argument('<id>', 'certificate id (crt_…) or the destroyed project’s id (prj_…)')
      .requiredOption('--org <org>', 'name or id'),
  ).action(
    action(async (ref: string, opts: { org: string; json?: boolean }) => {
      const c = await (await connect()).request<CertificateRow>('GET', certPath(opts.org, ref));
      if (opts.json) return printJson(c);
      printFields([
        ['id', c.id],
        ['project', `${c.project_name} (${c.project_id})`],
        ['issued', c.issued_at],
        ['signing key', c.key_id],
        ['signature', c.signature],
      ]);
    }),
  );
  cert
    .command('download')
    .description('save a certificate: a PDF, or the signed JSON when the file name ends in .json')
    .argument('<id>', 'certificate id (crt_…) or the destroyed project’s id (prj_…)')
    .requiredOption('--org <org>', 'name or id')
    .requiredOption('--out <file>', 'where to save it (.pdf or .json)')
    .action(
      action(async (ref: string, opts: { org: string; out: string }) => {
        const api = await connect();
        if (opts.out.endsWith('.json'))
          await saveText(
            opts.out,
            `${JSON.stringify(await api.request('GET', certPath(opts.org, ref)), null, 2)}\n`,
          );
        else await download(api, `${certPath(opts.org, ref)}.pdf`, opts.out);
        say(`Saved the certificate of destruction to ${opts.out}`);
      }),
    );
}
