/**
 * @module cli/keys-hsm
 * `ward keys hsm show|set|remove --org`: where an org's root key is (Ward's own, or the org's
 * HSM over PKCS#11) and whether it is usable; moving it into the HSM (the PIN is read from
 * standard input or asked for without echo, never given as an option) and back.
 */
import type { Command } from 'commander';
import { orgPath } from './baa.js';
import { CliError, connect } from './client.js';
import { action, printFields, printJson, say, withJson } from './output.js';
import { ask, readFirstLine } from './prompt.js';

interface HsmState {
  org_id: string;
  root: 'ward' | 'hsm';
  keystore_id: string;
  rewrapped?: number;
  hsm: {
    module: string;
    token: string;
    key_label: string;
    state: string;
    reason: string | null;
    state_since: string;
  } | null;
}

function showState(s: HsmState): void {
  printFields([
    ['root key', s.root === 'hsm' ? 'in the organization’s HSM (PKCS#11)' : 'Ward’s own'],
    ['keystore', s.keystore_id],
    ['module', s.hsm?.module],
    ['token', s.hsm?.token],
    ['key label', s.hsm?.key_label],
    ['state', s.hsm ? `${s.hsm.state} since ${s.hsm.state_since}` : null],
    ['reason', s.hsm?.reason],
  ]);
}

const keys = (n: number | undefined) => `${n ?? 0} org key${n === 1 ? '' : 's'}`;

export function registerKeysHsm(keysCommand: Command): void {
  const hsm = keysCommand
    .command('hsm')
    .description("the organization's root key in its own HSM (PKCS#11; enterprise plan)");
  withJson(
    hsm
      .command('show')
      .description('where the root key is and whether it is usable')
      .requiredOption('--org <org>', 'name or id'),
  ).action(
    action(async (opts: { org: string; json?: boolean }) => {
      const s = await (await connect()).request<HsmState>('GET', `${orgPath(opts.org)}/keys/hsm`);
      if (opts.json) printJson(s);
      else showState(s);
    }),
  );
  withJson(
    hsm
      .command('set')
      .description(
        'keep the root key in the HSM: the org keys are re-wrapped under its key (owner); the PIN comes from standard input',
      )
      .requiredOption('--org <org>', 'name or id')
      .requiredOption('--module <path>', 'the PKCS#11 library (one ward.yaml hsm_modules allows)')
      .requiredOption('--token <label>', 'the label of the token that holds the key')
      .requiredOption('--key-label <label>', 'the label of the AES-256 key in the token'),
  ).action(
    action(async (opts: { org: string; module: string; token: string; keyLabel: string; json?: boolean }) => {
      const pin = process.stdin.isTTY
        ? await ask(`PIN of token ${opts.token}: `, true)
        : await readFirstLine();
      if (!pin)
        throw new CliError(
          `the PIN of token ${opts.token} is read from standard input (its first line), and none came; e.g. ward keys hsm set … < pin-file`,
          2,
        );
      const s = await (await connect()).request<HsmState>('PUT', `${orgPath(opts.org)}/keys/hsm`, {
        module: opts.module,
        token: opts.token,
        key_label: opts.keyLabel,
        pin,
      });
      if (opts.json) return printJson(s);
      say(
        `The root key of ${opts.org} is now key "${opts.keyLabel}" on token "${opts.token}": ${keys(s.rewrapped)} re-wrapped`,
      );
    }),
  );
  withJson(
    hsm
      .command('remove')
      .description("move the root key back to Ward's own: the org keys are re-wrapped under it (owner)")
      .requiredOption('--org <org>', 'name or id'),
  ).action(
    action(async (opts: { org: string; json?: boolean }) => {
      const s = await (await connect()).request<HsmState>('DELETE', `${orgPath(opts.org)}/keys/hsm`);
      if (opts.json) return printJson(s);
      say(`The root key of ${opts.org} is Ward's own again: ${keys(s.rewrapped)} re-wrapped`);
    }),
  );
}
