/**
 * @module cli/operator
 * `ward operator …`: settings of the installation that only the operator changes. For now the
 * business associate every BAA names (the organization that runs this Ward): `show` and `set`,
 * effective for the next BAA at once, without restarting Ward.
 */
import type { Command } from 'commander';
import { CliError, connect } from './client.js';
import { action, printFields, printJson, say, withJson } from './output.js';

const PATH = '/api/v1/operator/business-associate';

interface BusinessAssociateRow {
  legal_name: string | null;
  address: string | null;
  source: 'runtime' | 'ward.yaml' | 'none';
  updated_at: string | null;
  updated_by: string | null;
}

const SOURCES: Record<BusinessAssociateRow['source'], string> = {
  runtime: 'set at runtime (wins over ward.yaml)',
  'ward.yaml': 'ward.yaml (until set with `ward operator business-associate set`)',
  none: 'not set: BAAs cannot be rendered until it is',
};

function show(b: BusinessAssociateRow): void {
  printFields([
    ['legal name', b.legal_name],
    ['address', b.address?.split(/\r?\n/).join(', ')],
    ['source', SOURCES[b.source]],
    ['updated', b.updated_at ? `${b.updated_at}${b.updated_by ? ` by ${b.updated_by}` : ''}` : null],
  ]);
}

export function registerOperator(program: Command): void {
  const operator = program
    .command('operator')
    .description('settings of this Ward installation (operator only)');
  const ba = operator
    .command('business-associate')
    .description('the business associate every BAA names: the organization that runs this Ward');
  withJson(ba.command('show').description('what BAAs name now, and where it comes from')).action(
    action(async (opts: { json?: boolean }) => {
      const b = await (await connect()).request<BusinessAssociateRow>('GET', PATH);
      if (opts.json) printJson(b);
      else show(b);
    }),
  );
  withJson(
    ba
      .command('set')
      .description('name the business associate; the next BAA rendered carries it (no restart)')
      .option('--legal-name <name>', 'its legal name, as the BAA names it (at most 200 characters)')
      .option('--address <address>', 'its address (at most 500 characters)'),
  ).action(
    action(async (opts: { legalName?: string; address?: string; json?: boolean }) => {
      const missing = [
        opts.legalName === undefined ? '--legal-name' : null,
        opts.address === undefined ? '--address' : null,
      ].filter(Boolean);
      if (missing.length > 0)
        throw new CliError(
          `${missing.join(' and ')} ${missing.length > 1 ? 'are' : 'is'} needed: ward operator business-associate set --legal-name "<name>" --address "<address>"`,
          2,
        );
      const b = await (await connect()).request<BusinessAssociateRow>('PUT', PATH, {
        legal_name: opts.legalName,
        address: opts.address,
      });
      if (opts.json) printJson(b);
      else say(`The business associate is now ${b.legal_name}, ${b.address?.split(/\r?\n/).join(', ')}`);
    }),
  );
}
