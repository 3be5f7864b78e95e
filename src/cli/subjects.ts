/**
 * @module cli/subjects
 * `ward subjects add|list|remove`: a project's subject keys, the columns that identify an
 * individual (accounting of access), and the tables the last day's statements touched without one.
 */
import type { Command } from 'commander';
import { connect } from './client.js';
import { action, printJson, printTable, say, withJson } from './output.js';
import { resolveProject } from './projects.js';

interface KeyRow {
  id: string;
  column: string;
  case_rule: string;
  views: string[];
  created_at: string;
}

interface KeysView {
  keys: KeyRow[];
  uncovered_tables: { table: string; statements: number; examples: string[] }[];
  statements_scanned: number;
}

const base = (id: string) => `/api/v1/projects/${id}/subject-keys`;

export function registerSubjects(program: Command): void {
  const subjects = program
    .command('subjects')
    .description('subject keys: the columns that identify an individual, for the accounting of access');
  withJson(
    subjects
      .command('add')
      .description('declare a column that identifies an individual (checked against the project’s database)')
      .requiredOption('--project <project>', 'project id, or name')
      .option('--org <org>', 'organization, when naming the project by name')
      .option(
        '--case <rule>',
        'exact (values match as stored) or fold (letters match whatever their case)',
        'exact',
      )
      .argument('<column>', 'table.column or schema.table.column, e.g. patients.mrn'),
  ).action(
    action(async (column: string, opts: { project: string; org?: string; case: string; json?: boolean }) => {
      const api = await connect();
      const p = await resolveProject(api, opts.project, opts.org);
      const k = await api.request<KeyRow>('POST', base(p.id), { column, case_rule: opts.case });
      if (opts.json) return printJson(k);
      say(`${k.column} is a subject key of ${p.name} (${k.case_rule}; ${k.id})`);
      if (k.views.length) say(`also matched through the views: ${k.views.join(', ')}`);
    }),
  );
  withJson(
    subjects
      .command('list')
      .description('the project’s subject keys, and the tables the last day’s statements touched without one')
      .requiredOption('--project <project>', 'project id, or name')
      .option('--org <org>', 'organization, when naming the project by name'),
  ).action(
    action(async (opts: { project: string; org?: string; json?: boolean }) => {
      const api = await connect();
      const p = await resolveProject(api, opts.project, opts.org);
      const v = await api.request<KeysView>('GET', base(p.id));
      if (opts.json) return printJson(v);
      if (v.keys.length === 0) say(`${p.name} declares no subject keys`);
      else
        printTable(v.keys, [
          { header: 'ID', value: (k) => k.id },
          { header: 'COLUMN', value: (k) => k.column },
          { header: 'CASE', value: (k) => k.case_rule },
          { header: 'VIEWS', value: (k) => k.views.join(', ') || '-' },
        ]);
      if (v.uncovered_tables.length === 0) return;
      say('');
      say(
        `tables without a subject key that the last day's statements touched (${v.statements_scanned} statements read):`,
      );
      printTable(v.uncovered_tables, [
        { header: 'TABLE', value: (t) => t.table },
        { header: 'STATEMENTS', value: (t) => String(t.statements) },
        { header: 'MOST FREQUENT', value: (t) => (t.examples[0] ?? '').slice(0, 80) },
      ]);
    }),
  );
  subjects
    .command('remove')
    .description('remove a subject key (statements from now on are not matched on it)')
    .requiredOption('--project <project>', 'project id, or name')
    .option('--org <org>', 'organization, when naming the project by name')
    .argument('<key>', 'the key’s id (sbk_…) or its column as listed')
    .action(
      action(async (key: string, opts: { project: string; org?: string }) => {
        const api = await connect();
        const p = await resolveProject(api, opts.project, opts.org);
        const { keys } = await api.request<KeysView>('GET', base(p.id));
        const found = keys.find((k) => k.id === key || k.column === key || k.column === `public.${key}`);
        const id = found?.id ?? key;
        await api.request('DELETE', `${base(p.id)}/${encodeURIComponent(id)}`);
        say(`${found?.column ?? id} is no longer a subject key of ${p.name}`);
      }),
    );
}
