/**
 * @module backups/jobs/queue
 * The job queue: pg-boss 10 in the control database (schema `pgboss`). Jobs survive restarts,
 * are retried with exponential backoff, and a queue's `stately` policy keyed by project keeps at
 * most one queued and one running job per project and kind (the advisory lock in lock.ts keeps
 * kinds apart). pg-boss installs its schema and creates the queues as the owner role when Ward
 * migrates; the runtime role gets only what using them needs (docs/adr/0041).
 */
import { CompiledQuery, type Kysely, sql } from 'kysely';
import type pg from 'pg';
import PgBoss from 'pg-boss';

export const JOB_SCHEMA = 'pgboss';

export const QUEUES = {
  backup: { name: 'ward-backup', policy: 'stately', expireInSeconds: 12 * 3600 },
  restore: { name: 'ward-restore', policy: 'standard', expireInSeconds: 12 * 3600 },
  verify: { name: 'ward-verify', policy: 'stately', expireInSeconds: 6 * 3600 },
  drill: { name: 'ward-drill', policy: 'stately', expireInSeconds: 12 * 3600 },
} as const satisfies Record<string, PgBoss.Queue>;

export type QueueKind = keyof typeof QUEUES;
const QUEUE_NAMES = Object.values(QUEUES).map((q) => q.name);

// biome-ignore lint/suspicious/noExplicitAny: pg-boss takes any database shape
const viaKysely = (db: Kysely<any>): PgBoss.Db => ({
  executeSql: async (text, values) => ({
    rows: [...(await db.executeQuery(CompiledQuery.raw(text, values ?? []))).rows],
  }),
});

/**
 * As the owner: installs or migrates pg-boss's schema, creates Ward's queues, and lets the
 * runtime role use them (no DDL: queue tables are made here, not at run time).
 */
// biome-ignore lint/suspicious/noExplicitAny: any database shape
export async function installJobQueues(owner: Kysely<any>, appRole?: string): Promise<void> {
  const boss = new PgBoss({
    db: viaKysely(owner),
    schema: JOB_SCHEMA,
    migrate: true,
    supervise: false,
    schedule: false,
  });
  boss.on('error', () => undefined);
  await boss.start();
  try {
    for (const q of Object.values(QUEUES)) {
      if (!(await boss.getQueue(q.name))) await boss.createQueue(q.name, { ...q, retryBackoff: true });
    }
  } finally {
    await boss.stop({ graceful: false, close: false });
  }
  if (!appRole) return;
  const app = sql.id(appRole);
  const schema = sql.id(JOB_SCHEMA);
  await sql`GRANT USAGE ON SCHEMA ${schema} TO ${app}`.execute(owner);
  await sql`GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA ${schema} TO ${app}`.execute(owner);
  await sql`GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA ${schema} TO ${app}`.execute(owner);
}

export interface JobData {
  operation_id: string;
}

export type JobHandler = (job: PgBoss.JobWithMetadata<JobData>) => Promise<void>;

export interface QueueSettings {
  retryLimit: number;
  retryDelaySeconds: number;
  pollingSeconds: number;
}

/** The runtime side: sends jobs and works them through `handler`, with the app role's pool. */
export function createJobQueue(pool: pg.Pool, settings: QueueSettings) {
  const boss = new PgBoss({
    db: { executeSql: (text, values) => pool.query(text, values) },
    schema: JOB_SCHEMA,
    migrate: false,
    supervise: true,
    schedule: false,
    maintenanceIntervalSeconds: 120,
  });
  const workers = new Map<QueueKind, string>();

  /**
   * Jobs left active by a Ward that stopped without finishing them go back to be retried. The
   * local data plane belongs to one Ward process per machine (docs/adr/0003), so an active job
   * at start is one whose process is gone.
   */
  async function failInterrupted(): Promise<number> {
    const { rows } = await pool.query<{ id: string; name: string }>(
      `SELECT id, name FROM ${JOB_SCHEMA}.job WHERE name = ANY($1) AND state = 'active'`,
      [QUEUE_NAMES],
    );
    for (const r of rows)
      await boss.fail(r.name, r.id, { message: 'Ward stopped while this job ran; it runs again' });
    return rows.length;
  }

  return {
    boss,
    /** Starts working; first, jobs a stopped Ward left active go back to be retried (how many). */
    async start(handler: JobHandler, onError: (err: Error) => void): Promise<number> {
      boss.on('error', onError);
      await boss.start();
      const interrupted = await failInterrupted();
      for (const kind of Object.keys(QUEUES) as QueueKind[]) {
        const id = await boss.work<JobData>(
          QUEUES[kind].name,
          { includeMetadata: true, batchSize: 1, pollingIntervalSeconds: settings.pollingSeconds },
          async ([job]) => {
            if (job) await handler(job);
          },
        );
        workers.set(kind, id);
      }
      return interrupted;
    },
    /** Queues a job (id given so a retried send is a no-op); null when the policy refused it. */
    async send(kind: QueueKind, jobId: string, data: JobData, projectKey: string): Promise<string | null> {
      const id = await boss.send(QUEUES[kind].name, data, {
        id: jobId,
        singletonKey: projectKey,
        retryLimit: settings.retryLimit,
        retryDelay: settings.retryDelaySeconds,
        retryBackoff: true,
        expireInSeconds: QUEUES[kind].expireInSeconds,
      });
      const worker = workers.get(kind);
      if (worker) boss.notifyWorker(worker);
      return id;
    },
    async state(kind: QueueKind, jobId: string): Promise<string | null> {
      return (await boss.getJobById(QUEUES[kind].name, jobId))?.state ?? null;
    },
    async stop(): Promise<void> {
      if (workers.size === 0) return;
      workers.clear();
      await boss.stop({ graceful: true, wait: true, timeout: 15_000, close: false });
    },
  };
}

export type JobQueue = ReturnType<typeof createJobQueue>;
