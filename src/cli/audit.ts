/**
 * @module cli/audit
 * `ward audit …`: list, show, verify (online, or an export file offline), prove an event,
 * check a proof offline, export, the public key, the break-glass read of a statement's raw
 * text, and (cli/audit-witnesses) witnesses. `--org <org>` names an org's chain,
 * `--operator` the operator's.
 */
import { createWriteStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Command } from 'commander';
import {
  AUDIT_PAGE_MAX,
  checkProof,
  type ExportReport,
  type InclusionProofView,
  type VerifyReport,
  verifyExportFile,
} from '../evidence/index.js';
import { registerAuditSinks } from './audit-sinks.js';
import {
  registerAuditWitnesses,
  sayWitnessed,
  type WitnessSummary,
  witnessTrust,
} from './audit-witnesses.js';
import { type Api, CliError, connect } from './client.js';
import { action, printFields, printJson, printTable, say, withJson } from './output.js';

interface EventRow {
  seq: number;
  id: string;
  time: string;
  action: string;
  outcome: string;
  actor: Record<string, unknown>;
  target: Record<string, unknown>;
  details: Record<string, unknown>;
  hash: string;
}

interface ChainOpts {
  org?: string;
  operator?: boolean;
}

/**
 * The chain holding event `id`, when the command names none: each org the person may read (and
 * the operator's log, for the operator), in turn.
 */
async function chainOfEvent(api: Api, id: string, opts: ChainOpts): Promise<string> {
  if (opts.org || opts.operator) return chainPath(opts);
  const { orgs } = await api.request<{ orgs: { name: string }[] }>('GET', '/api/v1/orgs');
  const me = await api.request<{ operator: boolean }>('GET', '/api/v1/me');
  const candidates = [
    ...orgs.map((o) => chainPath({ org: o.name })),
    ...(me.operator ? [chainPath({ operator: true })] : []),
  ];
  for (const base of candidates) {
    const found = await api.request('GET', `${base}/${encodeURIComponent(id)}`).then(
      () => true,
      () => false,
    );
    if (found) return base;
  }
  throw new CliError(`no audit event '${id}' in any log you can read`);
}

function chainPath(opts: ChainOpts): string {
  if (opts.operator) return '/api/v1/operator/audit-events';
  if (!opts.org) throw new CliError('name the chain: --org <org> (or --operator for the operator’s log)', 2);
  return `/api/v1/orgs/${encodeURIComponent(opts.org)}/audit-events`;
}

const chainOptions = (cmd: Command) =>
  cmd
    .option('--org <org>', 'the organization whose log to use')
    .option('--operator', "the operator's log (accounts, tokens, sign-ins)");

/** "1h", "30m", "7d" ago, or an ISO time as given. */
export function parseSince(text: string, now = Date.now()): string {
  const m = /^(\d+)\s*([smhd])$/.exec(text.trim());
  if (m)
    return new Date(now - Number(m[1]) * { s: 1e3, m: 6e4, h: 3.6e6, d: 8.64e7 }[m[2] as 's']).toISOString();
  if (!Number.isNaN(Date.parse(text))) return new Date(text).toISOString();
  throw new CliError(
    `'${text}' is not a time: use 30m, 1h, 7d or an ISO time such as 2026-11-22T10:00:00Z`,
    2,
  );
}

/** A PEM public key given inline or as a file path. */
export async function publicKeyFrom(arg: string): Promise<string> {
  if (arg.includes('BEGIN PUBLIC KEY')) return arg;
  try {
    return await readFile(arg, 'utf8');
  } catch {
    throw new CliError(`--public-key '${arg}' is neither a PEM key nor a readable file`, 2);
  }
}

function actorLabel(a: Record<string, unknown>): string {
  if (a.type === 'user') return String(a.email);
  if (a.type === 'system') return 'ward';
  return `anonymous${a.ip ? ` (${a.ip})` : ''}`;
}

/** A chain's report (the API's) or an export file's (which may also say `unsigned`). */
function report(
  r: (VerifyReport | ExportReport) & { witnesses?: WitnessSummary | null },
  json?: boolean,
): void {
  if (json) printJson(r);
  else if (r.ok)
    say(
      `OK: chain ${r.chain}: ${r.events} events and ${r.checkpoints} checkpoints checked${r.external_checkpoints ? `, ${r.external_checkpoints} held elsewhere` : ''}`,
    );
  if (!json && r.witnesses) sayWitnessed(r.witnesses);
  if (!r.ok) {
    if (!json) say(`DAMAGED: chain ${r.chain}: first bad seq ${r.first_bad_seq} (${r.damage}): ${r.detail}`);
    process.exitCode = 1;
  }
}

async function writeOut(body: ReadableStream<Uint8Array>, file?: string): Promise<void> {
  const src = Readable.fromWeb(body as import('node:stream/web').ReadableStream<Uint8Array>);
  await pipeline(src, file ? createWriteStream(file, { mode: 0o600 }) : process.stdout);
}

export function registerAudit(program: Command): void {
  const audit = program.command('audit').description('the tamper-evident audit log');
  registerAuditSinks(audit);
  registerAuditWitnesses(audit);

  withJson(
    chainOptions(audit.command('list').description('events, newest first'))
      .option('--actor <who>', 'an email or user id ("ward" for Ward itself)')
      .option('--action <action>', 'an action, or a prefix such as project.*')
      .option('--project <project>', 'a project id or name')
      .option('--outcome <outcome>', 'success, failure or denied')
      .option(
        '--target <id>',
        'what the events acted on, by id (with --action), e.g. a control: risk-analysis',
      )
      .option('--since <when>', 'from this time: 30m, 1h, 7d or ISO')
      .option('--until <when>', 'before this time')
      .option('--limit <n>', `at most this many events (fetched ${AUDIT_PAGE_MAX} a page)`, '50'),
  ).action(
    action(async (opts: ChainOpts & Record<string, string | undefined> & { json?: boolean }) => {
      const q = new URLSearchParams();
      for (const k of ['actor', 'action', 'project', 'outcome', 'target'] as const)
        if (opts[k]) q.set(k, opts[k] as string);
      if (opts.since) q.set('since', parseSince(opts.since));
      if (opts.until) q.set('until', parseSince(opts.until));
      const limit = Number(opts.limit);
      if (!Number.isInteger(limit) || limit < 1)
        throw new CliError(`--limit takes a whole number of events from 1, not '${opts.limit}'`, 2);
      const api = await connect();
      const events: EventRow[] = [];
      let cursor: string | null = null;
      do {
        q.set('limit', String(Math.min(AUDIT_PAGE_MAX, limit - events.length)));
        if (cursor) q.set('cursor', cursor);
        const page: { events: EventRow[]; next_cursor: string | null } = await api.request(
          'GET',
          `${chainPath(opts)}?${q}`,
        );
        events.push(...page.events);
        cursor = page.next_cursor;
      } while (cursor && events.length < limit);
      if (opts.json) return printJson(events);
      printTable(events, [
        { header: 'SEQ', value: (e) => e.seq },
        { header: 'TIME', value: (e) => e.time },
        { header: 'ACTOR', value: (e) => actorLabel(e.actor) },
        { header: 'ACTION', value: (e) => e.action },
        { header: 'OUTCOME', value: (e) => e.outcome },
        { header: 'TARGET', value: (e) => `${e.target.type} ${e.target.name ?? e.target.id}` },
        { header: 'ID', value: (e) => e.id },
      ]);
    }),
  );

  withJson(
    chainOptions(
      audit
        .command('show')
        .description('one event, with its details and hash')
        .argument('<event-id>', 'evt_…'),
    ),
  ).action(
    action(async (id: string, opts: ChainOpts & { json?: boolean }) => {
      const api = await connect();
      const e = await api.request<EventRow>(
        'GET',
        `${await chainOfEvent(api, id, opts)}/${encodeURIComponent(id)}`,
      );
      if (opts.json) return printJson(e);
      printFields([
        ['seq', e.seq],
        ['id', e.id],
        ['time', e.time],
        ['actor', `${actorLabel(e.actor)}${e.actor.ip ? ` from ${e.actor.ip}` : ''}`],
        ['action', e.action],
        ['outcome', e.outcome],
        ['target', `${e.target.type} ${e.target.id}${e.target.name ? ` (${e.target.name})` : ''}`],
        ['details', JSON.stringify(e.details)],
        ['hash', e.hash],
      ]);
    }),
  );

  withJson(
    chainOptions(
      audit
        .command('verify')
        .description(
          'recompute a chain and its signed checkpoints; or check an export file offline (--file, --public-key)',
        ),
    )
      .option('--checkpoints <file>', 'JSON lines of checkpoints held elsewhere (detects rollback and forks)')
      .option('--file <export>', 'an export file to verify offline, without a server')
      .option('--public-key <key>', "Ward's public key (PEM or a file), for --file")
      .option(
        '--witness-key <key>',
        "for --file: a witness's public key (its witness.vkey, or the key itself); repeatable",
        (v: string, all: string[]) => [...all, v],
        [] as string[],
      )
      .option('--quorum <n>', 'for --file: how many of the witness keys must cosign (default 1)'),
  ).action(
    action(
      async (
        opts: ChainOpts & {
          checkpoints?: string;
          file?: string;
          publicKey?: string;
          witnessKey: string[];
          quorum?: string;
          json?: boolean;
        },
      ) => {
        if (opts.file) {
          if (!opts.publicKey)
            throw new CliError(
              'offline verification needs --public-key (ward audit public-key prints it)',
              2,
            );
          const trust = await witnessTrust(opts.witnessKey, opts.quorum);
          return report(
            await verifyExportFile(opts.file, await publicKeyFrom(opts.publicKey), trust),
            opts.json,
          );
        }
        if (opts.witnessKey.length > 0 || opts.quorum)
          throw new CliError(
            '--witness-key and --quorum are for --file; the server checks the witnesses registered with the org',
            2,
          );
        const api = await connect();
        if (opts.checkpoints) {
          const text = await readFile(opts.checkpoints, 'utf8').catch(() => {
            throw new CliError(`cannot read --checkpoints '${opts.checkpoints}'`, 2);
          });
          const checkpoints = text
            .split('\n')
            .filter((l) => l.trim())
            .map((l) => JSON.parse(l))
            .filter((c) => c.type === undefined || c.type === 'checkpoint')
            .map(({ type: _t, ...c }) => c);
          return report(
            await api.request<VerifyReport>('POST', `${chainPath(opts)}/verify`, { checkpoints }),
            opts.json,
          );
        }
        report(await api.request<VerifyReport>('GET', `${chainPath(opts)}/verify`), opts.json);
      },
    ),
  );

  chainOptions(
    audit
      .command('prove')
      .description('an inclusion proof of one event against a signed checkpoint')
      .argument('<event-id>', 'evt_…'),
  )
    .option('-o, --output <file>', 'write the proof here instead of standard output')
    .action(
      action(async (id: string, opts: ChainOpts & { output?: string }) => {
        const api: Api = await connect();
        const base = await chainOfEvent(api, id, opts);
        const proof = await api.request<InclusionProofView>('GET', `${base}/${encodeURIComponent(id)}/proof`);
        const text = `${JSON.stringify(proof, null, 2)}\n`;
        if (opts.output) {
          const { writeFile } = await import('node:fs/promises');
          await writeFile(opts.output, text, { mode: 0o600 });
          say(`Wrote the proof of ${id} (leaf ${proof.leaf_index} of ${proof.tree_size}) to ${opts.output}`);
        } else process.stdout.write(text);
      }),
    );

  withJson(
    audit
      .command('statement-text')
      .description(
        "break-glass: a db.statement event's raw text, decrypted (owners; it may hold PHI, and the read is recorded with your reason)",
      )
      .argument('<event-id>', 'evt_… of a db.statement event')
      .option('--org <org>', 'the organization whose log holds the event (found by itself when left out)')
      .requiredOption('--reason <why>', 'why you need the raw text (recorded in the audit log)'),
  ).action(
    action(async (id: string, opts: { org?: string; reason: string; json?: boolean }) => {
      const api = await connect();
      const base = await chainOfEvent(api, id, opts);
      if (base === chainPath({ operator: true }))
        throw new CliError(`event '${id}' is in the operator's log; statement texts belong to an org`, 2);
      const t = await api.request<{ text: string; session_id: string; text_id: number; bytes: number }>(
        'POST',
        `${base}/${encodeURIComponent(id)}/statement-text`,
        { reason: opts.reason },
      );
      if (opts.json) return printJson(t);
      process.stderr.write(
        `Raw text of ${id} (session ${t.session_id}, ${t.bytes} bytes). It may hold PHI; this read is in the audit log.\n`,
      );
      process.stdout.write(`${t.text}\n`);
    }),
  );

  audit
    .command('check-proof')
    .description('check an inclusion proof offline, with nothing but the public key')
    .argument('<file>', 'a proof written by ward audit prove')
    .requiredOption('--public-key <key>', "Ward's public key (PEM or a file)")
    .action(
      action(async (file: string, opts: { publicKey: string }) => {
        let proof: InclusionProofView;
        try {
          proof = JSON.parse(await readFile(file, 'utf8'));
        } catch {
          throw new CliError(`${file} is not a readable JSON proof`, 2);
        }
        const r = checkProof(proof, await publicKeyFrom(opts.publicKey));
        if (!r.ok) throw new CliError(`proof does not hold: ${r.problem}`);
        say(
          `OK: event ${r.event?.seq} (${r.event?.action}, ${r.event?.id}) is in chain ${r.event?.chain}, under the checkpoint of ${proof.tree_size} events signed by key ${proof.checkpoint.key_id}`,
        );
      }),
    );

  chainOptions(
    audit
      .command('export')
      .description(
        'the chain with its signed checkpoints, as JSON lines (verify offline with ward audit verify --file)',
      ),
  )
    .option('--format <format>', 'jsonl or ocsf', 'jsonl')
    .option('-o, --output <file>', 'write here instead of standard output')
    .action(
      action(async (opts: ChainOpts & { format: string; output?: string }) => {
        if (!['jsonl', 'ocsf'].includes(opts.format))
          throw new CliError(`--format '${opts.format}' is not jsonl or ocsf`, 2);
        const body = await (await connect()).stream(`${chainPath(opts)}/export?format=${opts.format}`);
        await writeOut(body, opts.output);
        if (opts.output) process.stderr.write(`Wrote ${opts.output}\n`);
      }),
    );

  audit
    .command('public-key')
    .description("Ward's public key that signs audit checkpoints (PEM)")
    .action(
      action(async () => {
        const k = await (await connect({ anonymous: true })).request<{ public_key: string; key_id: string }>(
          'GET',
          '/api/v1/audit/public-key',
        );
        process.stdout.write(k.public_key);
      }),
    );
}
