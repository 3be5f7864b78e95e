/**
 * @module cli/audit-sinks
 * `ward audit sink …`: where an org's audit log is copied, and how far each copy has got.
 */
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import type { SinkView } from '../audit/index.js';
import { CliError, connect } from './client.js';
import { action, printJson, printTable, say, withJson } from './output.js';

const base = (org: string) => `/api/v1/orgs/${encodeURIComponent(org)}/audit-sinks`;

export function registerAuditSinks(audit: Command): void {
  const sink = audit
    .command('sink')
    .description("where an org's audit log is copied: a file, syslog over TLS, an HTTPS webhook");

  withJson(
    sink
      .command('add')
      .description('add a sink; it receives the whole chain, then every new event and checkpoint')
      .requiredOption('--org <org>', 'organization')
      .requiredOption('--name <name>', 'a name for the sink')
      .requiredOption('--kind <kind>', 'file, syslog or webhook')
      .option('--format <format>', 'json or ocsf', 'json')
      .option(
        '--file-name <name>',
        'file: the file name under $WARD_HOME/sinks/<org>/ (default: the sink name)',
      )
      .option('--host <host>', 'syslog: the receiver')
      .option('--port <port>', 'syslog: its TLS port')
      .option('--url <url>', 'webhook: an https URL')
      .option('--ca <file>', 'syslog/webhook: a CA certificate (PEM) to trust for the receiver'),
  ).action(
    action(
      async (opts: {
        org: string;
        name: string;
        kind: string;
        format: string;
        fileName?: string;
        host?: string;
        port?: string;
        url?: string;
        ca?: string;
        json?: boolean;
      }) => {
        const ca_pem = opts.ca
          ? await readFile(opts.ca, 'utf8').catch(() => {
              throw new CliError(`cannot read --ca '${opts.ca}'`, 2);
            })
          : undefined;
        const created = await (await connect()).request<SinkView & { secret?: string }>(
          'POST',
          base(opts.org),
          {
            name: opts.name,
            kind: opts.kind,
            format: opts.format,
            ...(opts.fileName ? { file_name: opts.fileName } : {}),
            ...(opts.host ? { host: opts.host } : {}),
            ...(opts.port ? { port: Number(opts.port) } : {}),
            ...(opts.url ? { url: opts.url } : {}),
            ...(ca_pem ? { ca_pem } : {}),
          },
        );
        if (opts.json) return printJson(created);
        say(`Added ${created.kind} sink ${created.name} (${created.id}) → ${created.target}`);
        if (created.secret) say(`Its HMAC secret (X-Ward-Signature), shown once: ${created.secret}`);
      },
    ),
  );

  withJson(
    sink
      .command('list')
      .description('sinks and how far each has got')
      .requiredOption('--org <org>', 'organization'),
  ).action(
    action(async (opts: { org: string; json?: boolean }) => {
      const { sinks } = await (await connect()).request<{ sinks: SinkView[] }>('GET', base(opts.org));
      if (opts.json) return printJson(sinks);
      printTable(sinks, [
        { header: 'NAME', value: (s) => s.name },
        { header: 'KIND', value: (s) => `${s.kind}/${s.format}` },
        { header: 'TARGET', value: (s) => s.target },
        { header: 'ON', value: (s) => (s.enabled ? 'yes' : 'no') },
        { header: 'DELIVERED', value: (s) => `${s.delivered_seq}/${s.head_seq}` },
        {
          header: 'LAG',
          value: (s) => (s.lag_events ? `${s.lag_events} events, ${s.lag_seconds ?? 0} s` : '-'),
        },
        {
          header: 'LAST ERROR',
          value: (s) => (s.last_error ? `${s.last_error} (${s.attempts} attempts)` : '-'),
        },
        { header: 'ID', value: (s) => s.id },
      ]);
    }),
  );

  for (const [name, enabled] of [
    ['enable', true],
    ['disable', false],
  ] as const) {
    withJson(
      sink
        .command(name)
        .description(`${name} a sink`)
        .argument('<id>', 'snk_…')
        .requiredOption('--org <org>', 'organization'),
    ).action(
      action(async (id: string, opts: { org: string; json?: boolean }) => {
        const s = await (await connect()).request<SinkView>(
          'PATCH',
          `${base(opts.org)}/${encodeURIComponent(id)}`,
          { enabled },
        );
        if (opts.json) printJson(s);
        else say(`Sink ${s.name} is ${s.enabled ? 'enabled' : 'disabled'}`);
      }),
    );
  }

  sink
    .command('remove')
    .description('remove a sink (what it already received stays where it is)')
    .argument('<id>', 'snk_…')
    .requiredOption('--org <org>', 'organization')
    .action(
      action(async (id: string, opts: { org: string }) => {
        await (await connect()).request('DELETE', `${base(opts.org)}/${encodeURIComponent(id)}`);
        say(`Removed sink ${id}`);
      }),
    );
}
