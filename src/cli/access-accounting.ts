/**
 * @module cli/access-accounting
 * `ward access who-read` (every access to an individual's rows; `--format pdf|csv` writes the
 * accounting report) and `ward access subjects` (which of the org's candidates, from a CSV roster
 * with each one's State, a person's statements reached in a window, counted per State). The
 * identifier and the roster go to Ward in a request body and are not kept.
 */
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { CliError, connect } from './client.js';
import { download } from './files.js';
import { action, printJson, printTable, say, withJson } from './output.js';
import { resolveProject } from './projects.js';

interface Access {
  time: string;
  actor: string;
  actor_kind: string;
  role: string | null;
  statement: string | null;
  command: string;
  match: string;
  client_address: string | null;
  break_glass_reason: string | null;
  bulk_read: boolean;
}

interface Reached {
  statements: number;
  candidates: number;
  reached: number;
  by_state: { state: string; count: number }[];
  uncovered_rows: number;
}

/** One CSV record's fields (RFC 4180 quoting). */
function csvRecord(line: string): string[] {
  const out: string[] = [];
  let i = 0;
  for (;;) {
    let v = '';
    if (line[i] === '"') {
      i++;
      while (i < line.length && !(line[i] === '"' && line[i + 1] !== '"')) {
        v += line[i] === '"' ? '"' : line[i];
        i += line[i] === '"' ? 2 : 1;
      }
      i++;
    } else {
      const comma = line.indexOf(',', i);
      v = line.slice(i, comma < 0 ? line.length : comma);
      i = comma < 0 ? line.length : comma;
    }
    out.push(v.trim());
    if (line[i] !== ',') return out;
    i++;
  }
}

/** A roster: a header naming an identifier column (identifier, id, mrn, subject) and a State column. */
export function parseRoster(text: string, file: string): { identifier: string; state: string }[] {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  const header = csvRecord(lines[0] ?? '').map((h) => h.toLowerCase());
  const idAt = header.findIndex((h) => ['identifier', 'id', 'mrn', 'subject'].includes(h));
  const stateAt = header.indexOf('state');
  if (idAt < 0 || stateAt < 0)
    throw new CliError(
      `${file}: the first line must name an identifier column (identifier) and a State column (state)`,
      2,
    );
  return lines.slice(1).map((l, n) => {
    const f = csvRecord(l);
    const identifier = f[idAt] ?? '';
    if (!identifier) throw new CliError(`${file}:${n + 2}: no identifier`, 2);
    return { identifier, state: f[stateAt] ?? '' };
  });
}

/** The roster in `file` (see parseRoster); a file that cannot be read is a one-line error. */
export async function readRoster(file: string): Promise<{ identifier: string; state: string }[]> {
  const text = await readFile(file, 'utf8').catch(() => {
    throw new CliError(`cannot read ${file}`, 2);
  });
  return parseRoster(text, file);
}

/** `t` as an ISO 8601 time, or a one-line error naming option `name`. */
export function isoTime(t: string, name: string): string {
  const d = new Date(t);
  if (Number.isNaN(d.getTime()))
    throw new CliError(`${name} '${t}' is not a time such as 2026-12-01T00:00:00Z`, 2);
  return d.toISOString();
}

export function registerAccessAccounting(program: Command): void {
  const access =
    program.commands.find((c) => c.name() === 'access') ??
    program.command('access').description('accounting of access: who read whose rows');
  withJson(
    access
      .command('who-read')
      .description(
        "every access to an individual's rows: when, who, their role, the statement, how it matched",
      )
      .requiredOption('--project <project>', 'project id, or name')
      .option('--org <org>', 'organization, when naming the project by name')
      .requiredOption('--subject <identifier>', 'the identifier as a declared subject key column holds it')
      .option('--since <duration>', 'how far back: 6y, 90d, 12h, 30m', '6y')
      .option('--format <format>', 'table (default), pdf or csv: the accounting report')
      .option('-o, --out <file>', 'where to write the pdf or csv report'),
  ).action(
    action(
      async (opts: {
        project: string;
        org?: string;
        subject: string;
        since: string;
        format?: string;
        out?: string;
        json?: boolean;
      }) => {
        const api = await connect();
        const p = await resolveProject(api, opts.project, opts.org);
        const path = `/api/v1/projects/${p.id}/accesses/who-read`;
        const body = { subject: opts.subject, since: opts.since };
        if (opts.format === 'pdf' || opts.format === 'csv') {
          const out = opts.out ?? `accounting-${p.name}.${opts.format}`;
          await download(api, `${path}/report`, out, { ...body, format: opts.format });
          return say(`wrote the accounting of access (${opts.format}) to ${out}`);
        }
        if (opts.format !== undefined && opts.format !== 'table')
          throw new CliError(`--format '${opts.format}' is not one of table, pdf, csv`, 2);
        const v = await api.request<{ accesses: Access[] }>('POST', path, body);
        if (opts.json) return printJson(v);
        if (v.accesses.length === 0)
          return say(`no access to that individual's rows in ${p.name} since ${opts.since}`);
        printTable(v.accesses, [
          { header: 'WHEN', value: (a) => a.time },
          { header: 'WHO', value: (a) => `${a.actor}${a.actor_kind === 'service' ? ' (service)' : ''}` },
          { header: 'ROLE', value: (a) => a.role },
          { header: 'COMMAND', value: (a) => a.command },
          { header: 'MATCH', value: (a) => a.match + (a.bulk_read ? ' (bulk)' : '') },
          { header: 'STATEMENT', value: (a) => (a.statement ?? '').slice(0, 60) },
          { header: 'FROM', value: (a) => a.client_address },
          { header: 'BREAK-GLASS', value: (a) => a.break_glass_reason },
        ]);
      },
    ),
  );
  withJson(
    access
      .command('subjects')
      .description(
        "the individuals a person's statements reached in a window, from your candidates, per State",
      )
      .requiredOption('--project <project>', 'project id, or name')
      .option('--org <org>', 'organization, when naming the project by name')
      .requiredOption('--actor <email>', 'the person’s email or the service account’s name')
      .requiredOption('--from <time>', 'start of the window (ISO 8601)')
      .requiredOption('--to <time>', 'end of the window (ISO 8601)')
      .requiredOption('--candidates <file>', 'CSV with an identifier column and a State column'),
  ).action(
    action(
      async (opts: {
        project: string;
        org?: string;
        actor: string;
        from: string;
        to: string;
        candidates: string;
        json?: boolean;
      }) => {
        const candidates = await readRoster(opts.candidates);
        const api = await connect();
        const p = await resolveProject(api, opts.project, opts.org);
        const v = await api.request<Reached>('POST', `/api/v1/projects/${p.id}/accesses/subjects`, {
          actor: opts.actor,
          from: isoTime(opts.from, '--from'),
          to: isoTime(opts.to, '--to'),
          candidates,
        });
        if (opts.json) return printJson(v);
        say(
          `${v.reached} of ${v.candidates} candidates reached by ${opts.actor}'s ${v.statements} statements`,
        );
        if (v.uncovered_rows > 0)
          say(`${v.uncovered_rows} rows returned without a subject key (not counted)`);
        if (v.by_state.length)
          printTable(v.by_state, [
            { header: 'STATE', value: (s) => s.state || '(none)' },
            { header: 'INDIVIDUALS', value: (s) => String(s.count) },
          ]);
      },
    ),
  );
}
