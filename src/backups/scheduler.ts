/**
 * @module backups/scheduler
 * Ward's own backup work, on a tick (a minute unless configured): each running project is backed
 * up once a day at its org's time (UTC), and drilled when its last drill is older than the drill
 * interval (a week) and it has a backup; operations whose hand-over to the queue was lost are
 * handed over again; the repositories of deleted projects are removed. Everything it asks for is
 * recorded as Ward (SYSTEM) and goes through the same queue as a person's request.
 */
import type { AuditService } from '../audit/index.js';
import type { Db } from '../db/index.js';
import { SYSTEM } from '../lib/context.js';
import type { Logger } from '../lib/logger.js';
import { findProjectById } from '../projects/index.js';
import * as store from './backups.store.js';
import * as ops from './operations.js';
import type { Repositories } from './repository.js';
import type { Requests } from './requests.js';

const DAY_MS = 86_400_000;

/** The most recent daily slot at `dailyAt` (UTC "HH:MM") at or before `now`. */
export function lastSlot(now: Date, dailyAt: string): Date {
  const [h, m] = dailyAt.split(':').map(Number);
  const slot = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate(), h ?? 3, m ?? 0);
  return new Date(slot <= now.getTime() ? slot : slot - DAY_MS);
}

export interface ScheduleRow {
  created_at: Date;
  daily_at: string | null;
  last_scheduled_backup: Date | string | null;
  last_drill: Date | string | null;
  last_backup: Date | string | null;
}

/**
 * What a project is due for now. A project made after today's slot waits for the next one; drills
 * come every interval, the first one an interval after the project was made.
 */
export function dueWork(
  row: ScheduleRow,
  now: Date,
  drillEveryMs: number,
): { backup: boolean; drill: boolean } {
  const slot = lastSlot(now, row.daily_at ?? store.DEFAULT_POLICY.daily_at);
  const lastBackup = row.last_scheduled_backup ? new Date(row.last_scheduled_backup) : null;
  const backup = new Date(row.created_at) < slot && (!lastBackup || lastBackup < slot);
  // Weekly from the project's creation: the first drill a drill-interval after it was made.
  const since = new Date(row.last_drill ?? row.created_at).getTime();
  const drill = row.last_backup !== null && now.getTime() - since >= drillEveryMs;
  return { backup, drill };
}

export function createScheduler(deps: {
  db: Db;
  audit: AuditService;
  repos: Repositories;
  requests: Requests;
  log: Logger;
  tickMs: number;
  drillEveryMs: number;
}) {
  const { db, audit, repos, requests, log } = deps;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let stopped = true;

  async function schedule(now: Date): Promise<void> {
    for (const row of await store.scheduleView(db)) {
      const due = dueWork(row, now, deps.drillEveryMs);
      if (!due.backup && !due.drill) continue;
      const project = await findProjectById(db, row.id);
      if (!project) continue;
      if (due.backup) await requests.request(SYSTEM, project, null, 'backup', 'schedule');
      if (due.drill) await requests.request(SYSTEM, project, null, 'drill', 'schedule');
    }
  }

  async function redispatch(now: Date): Promise<void> {
    for (const op of await ops.openOperations(db))
      if (op.status === 'queued' && now.getTime() - op.updated_at.getTime() > 30_000)
        await requests.dispatch(op);
  }

  async function removeOrphans(): Promise<void> {
    for (const r of await store.orphanedRepositories(db)) {
      // A repository in storage Ward is no longer set to use cannot be reached; it waits.
      if (r.storage !== repos.here) continue;
      await audit.mutate(
        SYSTEM,
        {
          action: 'backup.repository.delete',
          chain: r.org_id,
          target: { type: 'project', id: r.project_id, name: r.name },
          details: { project_name: r.name },
        },
        async () => repos.remove(r.project_id),
      );
    }
  }

  function tick(): Promise<void> {
    running ??= (async () => {
      const now = new Date();
      for (const [what, step] of [
        ['re-queue lost operations', () => redispatch(now)],
        ['schedule backups and drills', () => schedule(now)],
        ['remove deleted projects’ backups', removeOrphans],
      ] as const) {
        try {
          await step();
        } catch (err) {
          log.error({ err: (err as Error).message }, `backup scheduler: could not ${what}`);
        }
      }
    })().finally(() => {
      running = undefined;
    });
    return running;
  }

  return {
    tick,
    start(): void {
      stopped = false;
      const loop = () => {
        if (stopped) return;
        timer = setTimeout(() => void tick().finally(loop), deps.tickMs);
        timer.unref();
      };
      void tick().finally(loop);
    },
    async stop(): Promise<void> {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
    },
  };
}
