/**
 * @module cli/undelete
 * `ward project undelete`: keeps a deleted HIPAA project during its grace period.
 */
import type { Command } from 'commander';
import { connect } from './client.js';
import { action, printJson, say, withJson } from './output.js';
import { type ProjectRow, resolveProject } from './projects.js';

export function registerUndelete(program: Command): void {
  const project = program.commands.find((c) => c.name() === 'project') ?? program.command('project');
  withJson(
    project
      .command('undelete')
      .description('keep a deleted HIPAA project during its grace period: it runs again (owner, admin)')
      .argument('<project>', 'id, or name')
      .option('--org <org>', 'organization, when naming by name'),
  ).action(
    action(async (ref: string, opts: { org?: string; json?: boolean }) => {
      const api = await connect();
      const target = await resolveProject(api, ref, opts.org);
      const p = await api.request<ProjectRow>('POST', `/api/v1/projects/${target.id}/undelete`);
      if (opts.json) return printJson(p);
      say(`Project ${p.name} (${p.id}) is ${p.status} again`);
    }),
  );
}
