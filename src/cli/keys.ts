/**
 * @module cli/keys
 * `ward keys list|rotate --org`: an org's encryption keys, and rotation of its org key (project
 * keys re-wrapped, no data re-encrypted, nothing stops); `ward keys hsm …` (keys-hsm.ts).
 */
import type { Command } from 'commander';
import { orgPath } from './baa.js';
import { connect } from './client.js';
import { registerKeysHsm } from './keys-hsm.js';
import { action, printJson, printTable, say, withJson } from './output.js';

interface KeyRow {
  id: string;
  state: string;
  wrapped_by: string;
  created_at: string;
  project_name?: string;
}

export function registerKeys(program: Command): void {
  const keys = program.command('keys').description("an organization's encryption keys");
  registerKeysHsm(keys);
  withJson(
    keys
      .command('list')
      .description('the org key and its projects’ keys')
      .requiredOption('--org <org>', 'name or id'),
  ).action(
    action(async (opts: { org: string; json?: boolean }) => {
      const k = await (await connect()).request<{ org_keys: KeyRow[]; project_keys: KeyRow[] }>(
        'GET',
        `${orgPath(opts.org)}/keys`,
      );
      if (opts.json) return printJson(k);
      printTable(
        [
          ...k.org_keys.map((x) => ({ ...x, of: 'org' })),
          ...k.project_keys.map((x) => ({ ...x, of: `project ${x.project_name}` })),
        ],
        [
          { header: 'KEY', value: (x) => x.id },
          { header: 'OF', value: (x) => x.of },
          { header: 'STATE', value: (x) => x.state },
          { header: 'WRAPPED BY', value: (x) => x.wrapped_by },
          { header: 'CREATED', value: (x) => x.created_at },
        ],
      );
    }),
  );
  withJson(
    keys
      .command('rotate')
      .description(
        'rotate the org key: its project keys are re-wrapped under a new one, without downtime (owner, admin)',
      )
      .requiredOption('--org <org>', 'name or id'),
  ).action(
    action(async (opts: { org: string; json?: boolean }) => {
      const r = await (await connect()).request<{ key_id: string; rewrapped: number }>(
        'POST',
        `${orgPath(opts.org)}/keys/rotate`,
      );
      if (opts.json) return printJson(r);
      say(
        `Rotated the key of ${opts.org}: ${r.key_id} now wraps ${r.rewrapped} project key${r.rewrapped === 1 ? '' : 's'}`,
      );
    }),
  );
}
