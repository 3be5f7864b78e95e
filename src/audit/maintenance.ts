/**
 * @module audit/maintenance
 * Upkeep of the log while Ward runs: monthly partitions created ahead (so events never pile up
 * in the default partition), and retention: for each chain, events older than its org's
 * `audit_retention_days` (default 6 years) are removed, but only up to a checkpoint that an export
 * or a sink already holds (the database function checks; HIPAA orgs never below 6 years). The
 * function runs as the owner and is the only way events are deleted: Ward's own role holds no
 * DELETE on the log or its partitions, and the function removes nothing younger than the floor
 * (docs/adr/0007). Every removal is an audit event in the chain it shortened.
 */
import { sql } from 'kysely';
import type { Db } from '../db/index.js';
import { SYSTEM } from '../lib/context.js';
import type { Logger } from '../lib/logger.js';

/** Audit retention in days: 30 days to 100 years; HIPAA orgs keep at least 6 years (45 CFR 164.316(b)(2)). */
export const AUDIT_RETENTION = { min: 30, max: 36_500, hipaaMin: 2192, default: 2192 } as const;

import type { AuditService } from './audit.service.js';

const HOUR = 3_600_000;

export function createAuditMaintenance(deps: { db: Db; audit: AuditService; log: Logger }) {
  const { db, audit, log } = deps;
  let timer: NodeJS.Timeout | undefined;

  async function ensurePartitions(): Promise<number> {
    return Number(
      (await sql<{ n: number }>`SELECT audit_ensure_partitions(2) AS n`.execute(db)).rows[0]?.n ?? 0,
    );
  }

  /** Applies retention to every chain; returns the number of events removed per chain. */
  async function applyRetention(): Promise<Record<string, number>> {
    const chains = await sql<{ id: string; keep: number | null }>`
      SELECT c.id, (o.settings->>'audit_retention_days')::int AS keep
        FROM audit_chains c LEFT JOIN orgs o ON o.id = c.id`.execute(db);
    const removed: Record<string, number> = {};
    for (const { id, keep } of chains.rows) {
      const days = keep ?? AUDIT_RETENTION.default;
      const n = Number(
        (await sql<{ n: number }>`SELECT audit_purge(${id}, ${days}) AS n`.execute(db)).rows[0]?.n ?? 0,
      );
      if (n === 0) continue;
      removed[id] = n;
      const anchor = await db
        .selectFrom('audit_anchors')
        .select('seq')
        .where('chain_id', '=', id)
        .executeTakeFirst();
      await audit.record(SYSTEM, [
        {
          action: 'audit.retention.purge',
          chain: id,
          target: { type: 'audit_chain', id },
          details: { removed: n, up_to_seq: Number(anchor?.seq ?? 0), keep_days: days },
        },
      ]);
    }
    return removed;
  }

  async function run(): Promise<void> {
    try {
      await ensurePartitions();
      await applyRetention();
    } catch (err) {
      log.error({ err }, 'audit maintenance failed; retrying in an hour');
    }
  }

  return {
    ensurePartitions,
    applyRetention,
    start() {
      timer = setInterval(() => void run(), 6 * HOUR);
      timer.unref();
      void run();
    },
    stop() {
      if (timer) clearInterval(timer);
    },
  };
}

export type AuditMaintenance = ReturnType<typeof createAuditMaintenance>;
