/**
 * @module cli/audit-witnesses
 * `ward audit witness …`: run a witness (`--listen`, on a machine of the customer's own), and
 * register, list and remove an org's witnesses, set its quorum, and print the log key a witness
 * trusts.
 */
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import type { WitnessStatus, WitnessView } from '../audit/index.js';
import { COSIGNATURE_V1, type NoteVerifier, parseVkey, type WitnessTrust } from '../evidence/index.js';
import { CliError, connect } from './client.js';
import { action, printJson, printTable, say, withJson } from './output.js';

const base = (org: string) => `/api/v1/orgs/${encodeURIComponent(org)}/audit-witnesses`;

/** A value given inline, or read from the file it names. */
async function inlineOrFile(value: string, what: string, looksInline: (v: string) => boolean) {
  if (looksInline(value)) return value.trim();
  return (
    await readFile(value, 'utf8').catch(() => {
      throw new CliError(`cannot read ${what} '${value}'`, 2);
    })
  ).trim();
}

const isVkey = (v: string) => /^[^\s+]+\+[0-9a-f]{8}\+[A-Za-z0-9+/=]+$/.test(v.trim());

async function serve(opts: {
  listen: string;
  data: string;
  name?: string;
  log: string[];
  tlsCert?: string;
  tlsKey?: string;
}) {
  if (opts.log.length === 0)
    throw new CliError(
      'a witness needs the log it witnesses: --log <key or file> (ward audit witness log-key prints it)',
      2,
    );
  if (Boolean(opts.tlsCert) !== Boolean(opts.tlsKey))
    throw new CliError('--tls-cert and --tls-key go together', 2);
  const logs: string[] = [];
  for (const l of opts.log)
    for (const line of (await inlineOrFile(l, '--log', isVkey)).split('\n'))
      if (line.trim()) logs.push(line.trim());
  const read = (f: string, what: string) =>
    readFile(f, 'utf8').catch(() => {
      throw new CliError(`cannot read ${what} '${f}'`, 2);
    });
  const tls =
    opts.tlsCert && opts.tlsKey
      ? { certPem: await read(opts.tlsCert, '--tls-cert'), keyPem: await read(opts.tlsKey, '--tls-key') }
      : undefined;
  // The witness's code loads only here, so the other commands start fast.
  const { startWitness } = await import('../witness/index.js');
  const w = await startWitness({ listen: opts.listen, dataDir: opts.data, name: opts.name, logs, tls }).catch(
    (err: Error) => {
      throw new CliError(err.message, 1);
    },
  );
  process.stderr.write(
    `Witness ${w.name} is listening at ${w.url} for ${logs.length} log${logs.length === 1 ? '' : 's'}.\n` +
      `Register it with: ward audit witness add --org <org> --name <name> --url ${w.url} --public-key ${opts.data}/witness.vkey\n`,
  );
  process.stdout.write(`${w.vkey}\n`);
  await new Promise<void>((resolve) => {
    const stop = () => void w.stop().then(resolve);
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
}

async function byName(org: string, name: string): Promise<WitnessView> {
  const status = await (await connect()).request<WitnessStatus>('GET', base(org));
  const w = status.witnesses.find((x) => x.name === name || x.id === name);
  if (!w)
    throw new CliError(`no witness named '${name}' in ${org}; see ward audit witness list --org ${org}`, 1);
  return w;
}

function show(s: WitnessStatus): void {
  printTable(s.witnesses, [
    { header: 'NAME', value: (w) => w.name },
    { header: 'URL', value: (w) => w.url },
    { header: 'COSIGNED', value: (w) => String(w.cosigned_size) },
    { header: 'LAG', value: (w) => `${w.lag_events} events` },
    {
      header: 'LAST',
      value: (w) =>
        w.last_error ? `${w.last_status ?? 'error'}: ${w.last_error}` : (w.last_success_at ?? 'not yet'),
    },
  ]);
  const q = s.quorum_checkpoint;
  say(
    q
      ? `Quorum ${s.quorum}: newest checkpoint cosigned by a quorum covers ${q.tree_size} of ${s.head_seq} events (${q.witnesses.join(', ')}, ${q.cosigned_at}); ${s.lag_events} events behind the head`
      : `Quorum ${s.quorum}: no checkpoint cosigned by a quorum yet; the log holds ${s.head_seq} events`,
  );
}

/** The witness keys and quorum `ward audit verify --file` checks cosignatures with. */
export async function witnessTrust(given: string[], quorum?: string): Promise<WitnessTrust | undefined> {
  if (given.length === 0) {
    if (quorum) throw new CliError('--quorum needs --witness-key', 2);
    return undefined;
  }
  const keys: NoteVerifier[] = [];
  for (const g of given) {
    const text = await inlineOrFile(g, '--witness-key', isVkey);
    try {
      keys.push(parseVkey(text, COSIGNATURE_V1));
    } catch (err) {
      throw new CliError(`--witness-key '${g}': ${(err as Error).message}`, 2);
    }
  }
  const q = quorum === undefined ? 1 : Number(quorum);
  if (!Number.isInteger(q) || q < 1 || q > keys.length)
    throw new CliError(
      `--quorum is a whole number from 1 to the ${keys.length} witness keys given, not '${quorum}'`,
      2,
    );
  return { keys, quorum: q };
}

/** What `ward audit verify` learns from the chain's witnesses. */
export interface WitnessSummary {
  quorum: number;
  quorum_checkpoint: { tree_size: number; witnesses: string[]; cosigned_at: string } | null;
  unreachable: string[];
}

/** `ward audit verify`'s lines about the witnesses. */
export function sayWitnessed(w: WitnessSummary): void {
  const q = w.quorum_checkpoint;
  say(
    q
      ? `Witnessed: the newest checkpoint cosigned by a quorum of ${w.quorum} covers ${q.tree_size} events (${q.witnesses.join(', ')}, ${q.cosigned_at})`
      : `Witnessed: no checkpoint cosigned by a quorum of ${w.quorum} yet`,
  );
  for (const u of w.unreachable) say(`  not asked: ${u}`);
}

export function registerAuditWitnesses(audit: Command): void {
  const witness = audit
    .command('witness')
    .description(
      "witnesses that cosign an org's checkpoints, so a rollback or rewrite by whoever runs Ward is caught; with --listen, run one",
    )
    .option(
      '--listen <host:port>',
      'run a witness listening here (127.0.0.1:7380; beyond loopback only with TLS)',
    )
    .option(
      '--data <dir>',
      "the witness's data directory: its key, state and history (made 0700)",
      './witness',
    )
    .option('--key-name <name>', "the witness key's name, fixed on first start (default witness-<key hash>)")
    .option(
      '--log <key>',
      'a log it witnesses: the key `ward audit witness log-key` prints, or a file of them (repeatable)',
      (v: string, all: string[]) => [...all, v],
      [] as string[],
    )
    .option('--tls-cert <file>', 'serve HTTPS with this certificate (PEM)')
    .option('--tls-key <file>', 'and this key (PEM)')
    .action(
      action(
        async (opts: {
          listen?: string;
          data: string;
          keyName?: string;
          log: string[];
          tlsCert?: string;
          tlsKey?: string;
        }) => {
          if (!opts.listen) {
            witness.outputHelp();
            throw new CliError('run a witness with --listen <host:port>, or use a subcommand', 2);
          }
          await serve({ ...opts, name: opts.keyName, listen: opts.listen });
        },
      ),
    );

  withJson(
    witness
      .command('add')
      .description('register a witness: Ward submits every new checkpoint to it and keeps its cosignatures')
      .requiredOption('--org <org>', 'organization')
      .requiredOption('--name <name>', 'a name for the witness')
      .requiredOption('--url <url>', 'its address: https, or http on this machine')
      .requiredOption('--public-key <key>', 'its public key: the vkey, or the witness.vkey file')
      .option('--ca <file>', 'a CA certificate (PEM) to trust for an https witness'),
  ).action(
    action(
      async (opts: {
        org: string;
        name: string;
        url: string;
        publicKey: string;
        ca?: string;
        json?: boolean;
      }) => {
        const public_key = await inlineOrFile(opts.publicKey, '--public-key', isVkey);
        const ca_pem = opts.ca
          ? await readFile(opts.ca, 'utf8').catch(() => {
              throw new CliError(`cannot read --ca '${opts.ca}'`, 2);
            })
          : undefined;
        const w = await (await connect()).request<WitnessView>('POST', base(opts.org), {
          name: opts.name,
          url: opts.url,
          public_key,
          ...(ca_pem ? { ca_pem } : {}),
        });
        if (opts.json) return printJson(w);
        say(
          `Registered witness ${w.name} (${w.key_name}) at ${w.url}; Ward submits each new checkpoint to it`,
        );
      },
    ),
  );

  withJson(
    witness
      .command('list')
      .description('witnesses, what each cosigned, and the newest checkpoint a quorum cosigned')
      .requiredOption('--org <org>', 'organization'),
  ).action(
    action(async (opts: { org: string; json?: boolean }) => {
      const s = await (await connect()).request<WitnessStatus>('GET', base(opts.org));
      if (opts.json) return printJson(s);
      show(s);
    }),
  );

  witness
    .command('remove')
    .description('stop submitting to a witness (its cosignatures stay as evidence)')
    .requiredOption('--org <org>', 'organization')
    .requiredOption('--name <name>', 'the witness')
    .action(
      action(async (opts: { org: string; name: string }) => {
        const w = await byName(opts.org, opts.name);
        await (await connect()).request('DELETE', `${base(opts.org)}/${w.id}`);
        say(`Removed witness ${w.name}`);
      }),
    );

  withJson(
    witness
      .command('quorum')
      .description('how many witnesses must cosign a checkpoint for it to count')
      .requiredOption('--org <org>', 'organization')
      .argument('<n>', 'a number of registered witnesses, from 1'),
  ).action(
    action(async (n: string, opts: { org: string; json?: boolean }) => {
      if (!/^[1-9][0-9]*$/.test(n)) throw new CliError(`the quorum is a whole number from 1, not '${n}'`, 2);
      const s = await (await connect()).request<WitnessStatus>('PUT', `${base(opts.org)}/quorum`, {
        quorum: Number(n),
      });
      if (opts.json) return printJson(s);
      show(s);
    }),
  );

  witness
    .command('log-key')
    .description("the org log's verifier key, for a witness's --log (its name is the log's origin)")
    .requiredOption('--org <org>', 'organization')
    .action(
      action(async (opts: { org: string }) => {
        const k = await (await connect()).request<{ origin: string; log_key: string }>(
          'GET',
          `${base(opts.org)}/log-key`,
        );
        process.stdout.write(`${k.log_key}\n`);
      }),
    );
}
