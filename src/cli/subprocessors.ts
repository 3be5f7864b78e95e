/**
 * @module cli/subprocessors
 * `ward subprocessor list|add|update|remove`: the subprocessors this Ward uses. Anyone signed in
 * lists them; the operator announces a new one, a change or a removal, each taking effect at
 * `--effective` (at least the notice period ahead; every HIPAA org is told at once).
 */
import type { Command } from 'commander';
import { CliError, connect } from './client.js';
import { action, printJson, printTable, say, withJson } from './output.js';

const PATH = '/api/v1/subprocessors';

interface Details {
  name: string;
  purpose: string;
  location: string;
  phi: boolean;
}

interface Subprocessor extends Details {
  id: string;
  status: string;
  effective_at: string;
  next: (Details & { effective_at: string }) | null;
  removal_effective_at: string | null;
}

const day = (iso: string) => iso.slice(0, 10);

function yesNo(value: string | undefined): boolean | undefined {
  if (value === undefined) return undefined;
  if (value === 'yes') return true;
  if (value === 'no') return false;
  throw new CliError(`--phi must be yes or no, not '${value}'`, 2);
}

function announced(s: Subprocessor): string {
  const parts: string[] = [];
  if (s.status === 'upcoming') parts.push(`from ${day(s.effective_at)}`);
  if (s.next)
    parts.push(
      `from ${day(s.next.effective_at)}: ${s.next.name}, ${s.next.purpose}, ${s.next.location}, PHI ${s.next.phi ? 'yes' : 'no'}`,
    );
  if (s.removal_effective_at) parts.push(`removed from ${day(s.removal_effective_at)}`);
  return parts.join('; ');
}

function said(verb: string, s: Subprocessor, effective: string): void {
  say(`${verb} ${s.name} (${s.id}), taking effect ${effective}; every HIPAA organization was told`);
}

export function registerSubprocessors(program: Command): void {
  const sub = program
    .command('subprocessor')
    .description('the subprocessors this Ward uses (changes: operator only, announced ahead)');
  withJson(
    sub.command('list').description('every subprocessor, what it does, where, and what is announced'),
  ).action(
    action(async (opts: { json?: boolean }) => {
      const list = await (await connect()).request<Subprocessor[]>('GET', PATH);
      if (opts.json) return printJson(list);
      if (list.length === 0) return say('No subprocessors.');
      printTable(list, [
        { header: 'ID', value: (s) => s.id },
        { header: 'NAME', value: (s) => s.name },
        { header: 'PURPOSE', value: (s) => s.purpose },
        { header: 'LOCATION', value: (s) => s.location },
        { header: 'PHI', value: (s) => (s.phi ? 'yes' : 'no') },
        { header: 'STATUS', value: (s) => s.status },
        { header: 'ANNOUNCED', value: announced },
      ]);
    }),
  );
  sub
    .command('add')
    .description('announce a new subprocessor; it takes effect at --effective')
    .requiredOption('--name <name>', 'its name, e.g. "Example Cloud, Inc."')
    .requiredOption('--purpose <text>', 'what it does for this Ward, e.g. "off-site backup storage"')
    .requiredOption('--location <text>', 'where it processes data, e.g. "United States"')
    .requiredOption('--phi <yes|no>', 'whether it may create, receive, maintain or transmit PHI')
    .requiredOption('--effective <date>', 'YYYY-MM-DD: at least the notice period from today')
    .action(
      action(
        async (opts: { name: string; purpose: string; location: string; phi: string; effective: string }) => {
          const s = await (await connect()).request<Subprocessor>('POST', PATH, {
            name: opts.name,
            purpose: opts.purpose,
            location: opts.location,
            phi: yesNo(opts.phi),
            effective_at: opts.effective,
          });
          said('Announced', s, day(s.effective_at));
        },
      ),
    );
  sub
    .command('update')
    .description("announce a change to a subprocessor's details; it takes effect at --effective")
    .argument('<id>', 'the subprocessor (sub_…, ward subprocessor list shows them)')
    .option('--name <name>', 'its new name')
    .option('--purpose <text>', 'what it does now')
    .option('--location <text>', 'where it processes data now')
    .option('--phi <yes|no>', 'whether it may handle PHI now')
    .requiredOption('--effective <date>', 'YYYY-MM-DD: at least the notice period from today')
    .action(
      action(
        async (
          id: string,
          opts: { name?: string; purpose?: string; location?: string; phi?: string; effective: string },
        ) => {
          const s = await (await connect()).request<Subprocessor>(
            'PATCH',
            `${PATH}/${encodeURIComponent(id)}`,
            {
              name: opts.name,
              purpose: opts.purpose,
              location: opts.location,
              phi: yesNo(opts.phi),
              effective_at: opts.effective,
            },
          );
          said('Announced a change to', s, day(s.next?.effective_at ?? s.effective_at));
        },
      ),
    );
  sub
    .command('remove')
    .description('announce that a subprocessor will no longer be used from --effective')
    .argument('<id>', 'the subprocessor (sub_…)')
    .requiredOption('--effective <date>', 'YYYY-MM-DD: at least the notice period from today')
    .action(
      action(async (id: string, opts: { effective: string }) => {
        const s = await (await connect()).request<Subprocessor>(
          'DELETE',
          `${PATH}/${encodeURIComponent(id)}`,
          {
            effective_at: opts.effective,
          },
        );
        said('Announced the removal of', s, day(s.removal_effective_at ?? opts.effective));
      }),
    );
}
