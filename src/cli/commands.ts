/**
 * @module cli/commands
 * Registers every client command group.
 */
import type { Command } from 'commander';
import { registerAuth } from './auth.js';
import { registerOrgs } from './orgs.js';
import { registerProjects } from './projects.js';
import { registerUsers } from './users.js';

export function registerClientCommands(program: Command): void {
  registerAuth(program);
  registerUsers(program);
  registerOrgs(program);
  registerProjects(program);
}
