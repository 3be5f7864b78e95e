/**
 * @module cli/backups
 * `ward backup …`, `ward project restore` and `ward operation show`. Long work (a backup, a
 * restore, a verification, a drill) is an operation: the command follows it with a progress bar on
 * a terminal and ends with its result, or exits non-zero with the operation's error.
 */
import { SingleBar } from 'cli-progress';
import type { Command } from 'commander';
import { type Api, CliError, connect } from './client.js';
import { action, printFields, printJson, printTable, say, withJson } from './output.js';
import { resolveProject } from './projects.js';

interface Operation {
  id: string;
  kind: 'backup' | 'restore' | 'verify' | 'drill';
  project_id: string;
  target_project_id: string | null;
  status: 'queued' | 'running' | 'succeeded' | 'failed';
  phase: string;
  percent: number;
  error: string | null;
  result: Record<string, unknown> | null;
}

interface Backup {
  id: string;
  type: string;
  started_at: string;
  stopped_at: string;
  wal_start: string | null;
  wal_stop: string | null;
  size_bytes: number;
  repository_bytes: number;
  encrypted: boolean;
  cipher: string;
}

interface BackupList {
  backups: Backup[];
  repository: { type: 'local' | 's3'; location: string };
  policy: { daily_at: string; retention_days: number };
  drill: { status: string; at: string | null; error: string | null };
  restorable: { from: string; to: string } | null;
}

interface TableReport {
  table: string;
  source_rows: number | null;
  restored_rows: number | null;
  rows_equal: boolean;
  checksum_equal: boolean;
}

interface Report {
  identical: boolean;
  verdict: 'identical' | 'earlier_than_source' | 'different';
  summary: string;
  schema: { identical: boolean };
  tables: TableReport[];
}

const OPERATION_ID = /^op_[a-z2-7]{16}$/;
const FOLLOW_TIMEOUT_MS = 6 * 60 * 60 * 1000;

export function formatBytes(n: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let v = n;
  let u = 0;
  // 999,950 B is 1.0 MB, not "1000.0 kB": the unit goes up once the shown digits would reach 1000.
  while (u < units.length - 1 && (u === 0 ? v : Number(v.toFixed(1))) >= 1000) {
    v /= 1000;
    u += 1;
  }
  return `${u === 0 ? v : v.toFixed(1)} ${units[u]}`;
}

/** Polls the operation until it ends; a progress bar on a terminal, nothing otherwise. */
async function follow(api: Api, op: Operation): Promise<Operation> {
  const bar = process.stderr.isTTY
    ? new SingleBar({
        stream: process.stderr,
        format: `${op.kind} [{bar}] {percentage}% {phase}`,
        hideCursor: true,
        clearOnComplete: true,
      })
    : undefined;
  bar?.start(100, op.percent, { phase: op.phase });
  const started = Date.now();
  let current = op;
  try {
    while (current.status === 'queued' || current.status === 'running') {
      if (Date.now() - started > FOLLOW_TIMEOUT_MS)
        throw new CliError(
          `${op.kind} ${op.id} is still ${current.status}; see ward operation show ${op.id}`,
        );
      await new Promise((r) => setTimeout(r, 250));
      current = await api.request<Operation>('GET', `/api/v1/operations/${op.id}`);
      bar?.update(Math.round(current.percent), { phase: current.phase });
    }
  } finally {
    bar?.stop();
  }
  if (current.status === 'failed') throw new CliError(`${op.kind} ${op.id} failed: ${current.error}`);
  return current;
}

const VERDICTS: Record<Report['verdict'], { headline: string; differs: string }> = {
  identical: { headline: 'identical', differs: 'DIFFERENT' },
  // A restore to a backup or a moment is the source as it was then: later writes differ.
  earlier_than_source: { headline: 'an earlier state of the source, as asked', differs: 'changed since' },
  different: { headline: 'DIFFERENT', differs: 'DIFFERENT' },
};

/** The lines `ward restore` prints for a verification report (the table follows them). */
export function reportHeadline(report: Report): string[] {
  const v = VERDICTS[report.verdict];
  const head = `Verification: ${v.headline} (schema ${report.schema.identical ? 'identical' : 'different'})`;
  return report.verdict === 'identical' ? [head] : [head, report.summary];
}

function printReport(report: Report): void {
  for (const line of reportHeadline(report)) say(line);
  const differs = VERDICTS[report.verdict].differs;
  printTable(report.tables, [
    { header: 'TABLE', value: (t) => t.table },
    { header: 'SOURCE ROWS', value: (t) => t.source_rows },
    { header: 'RESTORED ROWS', value: (t) => t.restored_rows },
    { header: 'ROWS', value: (t) => (t.rows_equal ? 'equal' : differs) },
    { header: 'CHECKSUM', value: (t) => (t.checksum_equal ? 'equal' : differs) },
  ]);
}

async function projectOf(api: Api, opts: { project: string; org?: string }) {
  return resolveProject(api, opts.project, opts.org);
}

function projectOptions(cmd: Command): Command {
  return cmd
    .requiredOption('--project <project>', 'project id, or name (with --org when not unique)')
    .option('--org <org>', 'organization name or id')
    .option('--no-wait', 'return at once with the operation id (see ward operation show)');
}

type ProjectOpts = { project: string; org?: string; wait: boolean; json?: boolean };

/** Starts an operation on a project and follows it unless --no-wait. */
async function start(path: (id: string) => string, body: unknown, opts: ProjectOpts) {
  const api = await connect();
  const p = await projectOf(api, opts);
  const op = await api.request<Operation>('POST', path(p.id), body);
  return { api, project: p, op: opts.wait ? await follow(api, op) : op };
}

export function registerBackups(program: Command): void {
  const backup = program.command('backup').description('backups of a project (pgBackRest, encrypted)');
  withJson(
    projectOptions(
      backup
        .command('create')
        .description('take a backup now and wait for it')
        .option('--type <type>', 'full, diff or incr (default: full for the first, then incr)'),
    ),
  ).action(
    action(async (opts: ProjectOpts & { type?: string }) => {
      const { project, op } = await start(
        (id) => `/api/v1/projects/${id}/backups`,
        opts.type ? { type: opts.type } : undefined,
        opts,
      );
      if (opts.json) return printJson(op);
      if (op.status !== 'succeeded') return say(`Backup of ${project.name} queued: operation ${op.id}`);
      const r = op.result as { backup_id: string; type: string; size_bytes: number; duration_ms: number };
      say(
        `Backup ${r.backup_id} of ${project.name}: ${r.type}, ${formatBytes(r.size_bytes)}, encrypted, in ${(r.duration_ms / 1000).toFixed(1)} s`,
      );
    }),
  );
  withJson(
    backup
      .command('list')
      .description("a project's backups, what a restore can reach, and its last restore drill")
      .requiredOption('--project <project>', 'project id, or name (with --org when not unique)')
      .option('--org <org>', 'organization name or id'),
  ).action(
    action(async (opts: { project: string; org?: string; json?: boolean }) => {
      const api = await connect();
      const p = await projectOf(api, opts);
      const list = await api.request<BackupList>('GET', `/api/v1/projects/${p.id}/backups`);
      if (opts.json) return printJson(list);
      printTable(list.backups, [
        { header: 'ID', value: (b) => b.id },
        { header: 'TYPE', value: (b) => b.type },
        { header: 'SIZE', value: (b) => formatBytes(b.size_bytes) },
        { header: 'STARTED', value: (b) => b.started_at },
        { header: 'STOPPED', value: (b) => b.stopped_at },
        { header: 'WAL', value: (b) => (b.wal_start ? `${b.wal_start}–${b.wal_stop}` : null) },
        { header: 'ENCRYPTED', value: (b) => (b.encrypted ? `yes (${b.cipher})` : 'NO') },
      ]);
      printFields([
        ['restorable', list.restorable ? `${list.restorable.from} to ${list.restorable.to}` : 'not yet'],
        ['schedule', `daily at ${list.policy.daily_at} UTC, kept ${list.policy.retention_days} days`],
        ['repository', list.repository.location],
        [
          'restore drill',
          `${list.drill.status}${list.drill.at ? ` (${list.drill.at})` : ''}${list.drill.error ? `: ${list.drill.error}` : ''}`,
        ],
      ]);
    }),
  );
  withJson(
    projectOptions(
      backup
        .command('verify')
        .description('read every backup and WAL file and check it against its checksum'),
    ),
  ).action(
    action(async (opts: ProjectOpts) => {
      const { project, op } = await start((id) => `/api/v1/projects/${id}/backups/verify`, undefined, opts);
      if (opts.json) return printJson(op);
      say(
        op.status === 'succeeded'
          ? `The backups of ${project.name} are intact`
          : `Verification of ${project.name} queued: operation ${op.id}`,
      );
    }),
  );
  withJson(
    projectOptions(
      backup
        .command('drill')
        .description('restore the latest backup into a scratch cluster and check it (pg_amcheck, checksums)'),
    ),
  ).action(
    action(async (opts: ProjectOpts) => {
      const { project, op } = await start((id) => `/api/v1/projects/${id}/backups/drill`, undefined, opts);
      if (opts.json) return printJson(op);
      say(
        op.status === 'succeeded'
          ? `Restore drill of ${project.name}: green`
          : `Restore drill of ${project.name} queued: operation ${op.id}`,
      );
    }),
  );
  withJson(
    backup
      .command('policy')
      .description("show or change the org's daily backup time (UTC) and retention")
      .requiredOption('--org <org>', 'organization name or id')
      .option('--daily-at <HH:MM>', 'time of day in UTC, such as 03:00')
      .option('--retention-days <days>', '7 to 35'),
  ).action(
    action(async (opts: { org: string; dailyAt?: string; retentionDays?: string; json?: boolean }) => {
      const api = await connect();
      const path = `/api/v1/orgs/${encodeURIComponent(opts.org)}/backup-policy`;
      const change = opts.dailyAt !== undefined || opts.retentionDays !== undefined;
      if (opts.retentionDays !== undefined && !/^\d+$/.test(opts.retentionDays))
        throw new CliError(
          `--retention-days is a whole number of days from 7 to 35, not '${opts.retentionDays}'`,
        );
      const policy = await api.request<{ daily_at: string; retention_days: number }>(
        change ? 'PUT' : 'GET',
        path,
        change
          ? {
              ...(opts.dailyAt !== undefined ? { daily_at: opts.dailyAt } : {}),
              ...(opts.retentionDays !== undefined ? { retention_days: Number(opts.retentionDays) } : {}),
            }
          : undefined,
      );
      if (opts.json) return printJson(policy);
      say(`${opts.org}: daily at ${policy.daily_at} UTC, kept ${policy.retention_days} days`);
    }),
  );

  const operation = program.command('operation').description('long-running work: backups, restores, drills');
  withJson(operation.command('show <id>').description('phase, percent and error of an operation')).action(
    action(async (id: string, opts: { json?: boolean }) => {
      if (!OPERATION_ID.test(id))
        throw new CliError(`'${id}' is not an operation id (op_ and 16 characters)`);
      const api = await connect();
      const op = await api.request<Operation>('GET', `/api/v1/operations/${id}`);
      if (opts.json) return printJson(op);
      printFields([
        ['id', op.id],
        ['kind', op.kind],
        ['status', op.status],
        ['phase', op.phase],
        ['percent', Math.round(op.percent)],
        ['error', op.error],
      ]);
    }),
  );
}

/** `ward project restore`, registered under `ward project`. */
export function registerRestore(project: Command): void {
  withJson(
    projectOptions(
      project
        .command('restore')
        .description('make a new project from a backup or a moment of this one (any region the org may use)')
        .requiredOption('--name <name>', "the new project's name")
        .requiredOption('--region <region>', 'region of the new project (see ward region list)')
        .option('--at <time>', 'ISO 8601 moment to restore to, such as 2026-11-22T10:15:00Z')
        .option('--backup <id>', 'a backup id from ward backup list'),
    ),
  ).action(
    action(async (opts: ProjectOpts & { name: string; region: string; at?: string; backup?: string }) => {
      if (opts.at && opts.backup) throw new CliError('give --at or --backup, not both');
      const { project, op } = await start(
        (id) => `/api/v1/projects/${id}/restore`,
        {
          name: opts.name,
          region_id: opts.region,
          ...(opts.at ? { target_time: opts.at } : {}),
          ...(opts.backup ? { backup_id: opts.backup } : {}),
        },
        opts,
      );
      if (opts.json) return printJson(op);
      if (op.status !== 'succeeded')
        return say(`Restore of ${project.name} into ${opts.name} queued: operation ${op.id}`);
      const r = op.result as {
        project_id: string;
        timeline: number;
        report: Report | null;
        report_note?: string;
      };
      say(
        `Restored ${project.name} into ${opts.name} (${r.project_id}) in ${opts.region}, timeline ${r.timeline}`,
      );
      if (r.report) printReport(r.report);
      else if (r.report_note) say(r.report_note);
    }),
  );
}
