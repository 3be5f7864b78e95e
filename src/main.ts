#!/usr/bin/env node
/**
 * @module main
 * The `ward` command. `ward up` runs the server; every other command is a client of the HTTP API.
 */
import { Command } from 'commander';
import { registerClientCommands, registerUp } from './cli/index.js';
import { VERSION } from './lib/version.js';

const program = new Command('ward')
  .description(
    'Ward: self-hosted HIPAA-ready PostgreSQL. Run `ward up` to start the server; every other command talks to its API.',
  )
  .version(VERSION)
  .showHelpAfterError(false);

registerUp(program);
registerClientCommands(program);

await program.parseAsync(process.argv);
