/**
 * @module cli/access-reviews
 * `ward access-review …`: start, show, keep or revoke, complete.
 */
import type { Command } from 'commander';
import { CliError, connect } from './client.js';
import { action, printJson, printTable, say, withJson } from './output.js';

const base = (org: string) => `/api/v1/orgs/${encodeURIComponent(org)}/access-reviews`;

interface Item {
  subject_id: string;
  email: string;
  org_role: string;
  project_grants: { project: string; role: string }[];
  last_sign_in_at: string | null;
  last_db_use_at: string | null;
  decision: string | null;
}
interface Review {
  id: string;
  completed_at: string | null;
  evidence_sha256: string | null;
  items: Item[];
}

function show(r: Review) {
  printTable(r.items, [
    { header: 'WHO', value: (i) => i.email },
    { header: 'ROLE', value: (i) => i.org_role },
    { header: 'PROJECTS', value: (i) => i.project_grants.map((g) => `${g.project}:${g.role}`).join(' ') },
    { header: 'LAST SIGN-IN', value: (i) => i.last_sign_in_at },
    { header: 'LAST DB USE', value: (i) => i.last_db_use_at },
    { header: 'DECISION', value: (i) => i.decision },
  ]);
  if (r.completed_at) say(`Completed ${r.completed_at}; evidence SHA-256 ${r.evidence_sha256}`);
}

export function registerAccessReviews(program: Command): void {
  const rev = program
    .command('access-review')
    .description('periodic reviews of who has access (owners decide)');
  withJson(rev.command('start').requiredOption('--org <org>')).action(
    action(async (opts: { org: string; json?: boolean }) => {
      const r = await (await connect()).request<Review>('POST', base(opts.org));
      if (opts.json) return printJson(r);
      say(`Access review ${r.id} started`);
      show(r);
    }),
  );
  withJson(rev.command('show').argument('<id>').requiredOption('--org <org>')).action(
    action(async (id: string, opts: { org: string; json?: boolean }) => {
      const r = await (await connect()).request<Review>('GET', `${base(opts.org)}/${id}`);
      if (opts.json) return printJson(r);
      show(r);
    }),
  );
  withJson(
    rev
      .command('decide')
      .argument('<id>')
      .requiredOption('--org <org>')
      .requiredOption('--email <email>')
      .option('--keep')
      .option('--revoke', 'removes them from the org at once')
      .option('--note <text>'),
  ).action(
    action(
      async (
        id: string,
        opts: { org: string; email: string; keep?: boolean; revoke?: boolean; note?: string; json?: boolean },
      ) => {
        if (opts.keep === opts.revoke) throw new CliError('give exactly one of --keep or --revoke', 2);
        const api = await connect();
        const r = await api.request<Review>('GET', `${base(opts.org)}/${id}`);
        const item = r.items.find((i) => i.email.toLowerCase() === opts.email.toLowerCase());
        if (!item) throw new CliError(`'${opts.email}' is not part of access review ${id}`);
        const after = await api.request<Review>('POST', `${base(opts.org)}/${id}/items/${item.subject_id}`, {
          decision: opts.keep ? 'keep' : 'revoke',
          ...(opts.note ? { note: opts.note } : {}),
        });
        if (opts.json) return printJson(after);
        say(`${opts.email}: ${opts.keep ? 'kept' : 'revoked'}`);
      },
    ),
  );
  withJson(rev.command('complete').argument('<id>').requiredOption('--org <org>')).action(
    action(async (id: string, opts: { org: string; json?: boolean }) => {
      const r = await (await connect()).request<Review>('POST', `${base(opts.org)}/${id}/complete`);
      if (opts.json) return printJson(r);
      say(`Access review ${id} is complete; evidence SHA-256 ${r.evidence_sha256}`);
    }),
  );
}
